"""/film plot (a modal) and /film plot-remove: moderators write a film's plot from Discord."""

from __future__ import annotations

from bot.films.model import SpoilerLevel
from tests.e2e._discussions import GuardWatch, add_film, open_discussion

TYPED = "At the end Jane **burns** the ||letters|| and @everyone <@&42> forgets her."


async def sections(bot, film_id: int):
    return (await bot.services.catalog.get_details(film_id)).summary


async def test_a_moderator_adds_a_section_and_the_guard_uses_it(emu, bot):
    film_id = await add_film(bot, "Quiet Letters", 1998)
    thread_id = await open_discussion(emu, film=f"#{film_id}")
    shown = await emu.slash("Mona", "film plot", title=f"#{film_id}")
    modal = await shown.modal_shown()
    assert modal["title"] == "Plot: Quiet Letters (1998)"
    values = {"heading": "The letters", "level": "ending", "text": TYPED}
    submitted = await emu.submit_modal("Mona", shown, values)
    assert "Added the section “The letters” (ending) of Quiet Letters (1998)" in (
        await submitted.text()
    )
    (section,) = await sections(bot, film_id)
    assert (section.heading, section.text, section.level) == (
        "The letters",
        TYPED,
        SpoilerLevel.ENDING,
    )
    assert section.source == "community"
    summary = await emu.slash("Alice", "film summary", title=f"#{film_id}")
    reply = await summary.reply()
    assert "\\*\\*burns\\*\\*" in reply["content"] and "\\|\\|letters\\|\\|" in reply["content"]
    assert emu.pings(reply) == set() and "@everyone" not in reply["content"]
    watch = GuardWatch(bot)
    comment = await emu.post("Bob", thread_id, "I can't believe Jane burns every letter.")
    assert await watch.result(comment, timeout=60) is not None


async def test_a_section_is_edited_then_removed_and_kept_in_history(emu, bot):
    film_id = await add_film(bot, "Quiet Letters", 1998)
    first = await emu.slash("Mona", "film plot", title=f"#{film_id}")
    await emu.submit_modal(
        "Mona", first, {"heading": "Setup", "level": "premise", "text": "Jane moves to Leeds."}
    )
    edit = await emu.slash("Mona", "film plot", title=f"#{film_id}", section="setup")
    prefilled = await edit.modal_shown()
    assert "Jane moves to Leeds." in str(prefilled)
    done = await emu.submit_modal(
        "Mona", edit, {"heading": "Setup", "level": "premise", "text": "Jane moves to York."}
    )
    assert "Updated the section “Setup”" in await done.text()
    assert [s.text for s in await sections(bot, film_id)] == ["Jane moves to York."]
    removed = await emu.slash("Mona", "film plot-remove", title=f"#{film_id}", section="Setup")
    assert "Removed the section “Setup”" in await removed.text()
    assert list(await sections(bot, film_id)) == []
    kept = await bot.services.conn.execute_fetchall(
        "SELECT text, retired_at FROM summary_sections WHERE film_id = ?", (film_id,)
    )
    assert [(r["text"], r["retired_at"] is not None) for r in kept] == [
        ("Jane moves to York.", True)
    ]


async def test_refusals_and_limits_are_precise(emu, bot):
    film_id = await add_film(bot, "Quiet Letters", 1998)
    refused = await emu.slash("Alice", "film plot", title=f"#{film_id}")
    assert "moderator" in (await refused.text()).lower()
    shown = await emu.slash("Mona", "film plot", title=f"#{film_id}")
    too_long = await emu.submit_modal(
        "Mona", shown, {"heading": "All of it", "level": "later", "text": "x" * 4100}
    )
    assert (
        "The section text is 4,100 characters; Discord allows at most 4,000 in a modal field. "
        "Shorten it by 100 characters" in await too_long.text()
    )
    again = await emu.slash("Mona", "film plot", title=f"#{film_id}")
    bad_level = await emu.submit_modal(
        "Mona", again, {"heading": "Middle", "level": "spoilery", "text": "Jane leaves."}
    )
    assert "is not one of premise, later or ending" in await bad_level.text()
    missing = await emu.slash("Mona", "film plot-remove", title=f"#{film_id}", section="Nope")
    assert "has no section called “Nope”" in await missing.text()
    assert list(await sections(bot, film_id)) == []
