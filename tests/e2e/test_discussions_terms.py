"""The guard for any film: a Wikipedia-imported plot, no plot at all, moderators' terms, and
terms members teach it by tagging."""

from __future__ import annotations

import asyncio
import io

import pytest

from bench._spoiler_data import FIXTURE
from bot.films.importers.wikipedia import import_wikipedia
from bot.spoilers.format import hidden_text
from bot.text import strip_invisible
from tests.e2e._discussions import GuardWatch, add_film, open_discussion


@pytest.fixture
async def watch(bot):
    return GuardWatch(bot)


async def imported(bot, settings, label: str) -> str:
    """Import the MediaWiki fixture into the running bot's catalog; the film's option value."""
    await asyncio.to_thread(import_wikipedia, settings.database_path, FIXTURE, stream=io.StringIO())
    return f"#{(await bot.services.catalog.find_local(label)).id}"


def reposts(emu, thread_id: str) -> list[dict]:
    return [m for m in emu.messages_in(thread_id) if m.get("webhook_id")]


async def test_a_reveal_is_tagged_in_a_film_imported_from_wikipedia(emu, bot, settings, watch):
    film = await imported(bot, settings, "Shutter Island (2010)")
    thread_id = await open_discussion(emu, film=film)
    reveal = await emu.post("Alice", thread_id, "Great storm. Teddy is really Andrew Laeddis.")
    premise = await emu.post("Bob", thread_id, "DiCaprio is great as a haunted marshal.")
    record = await watch.result(reveal, timeout=60)  # the first build loads word lists
    assert await watch.result(premise) is None
    (repost,) = reposts(emu, thread_id)
    assert repost["content"].startswith("Great storm. ||Teddy is really Andrew Laeddis.||")
    assert record.original_text == "Great storm. Teddy is really Andrew Laeddis."
    assert reveal["id"] in emu.store.deleted and premise["id"] not in emu.store.deleted


async def test_film_agnostic_cues_guard_a_film_without_a_plot(emu, bot, watch):
    film_id = await add_film(bot, "Primer", 2004)
    thread_id = await open_discussion(emu, film=f"#{film_id}")
    reveal = await emu.post(
        "Alice", thread_id, "Loved it. Turns out the Aaron we follow is a copy."
    )
    praise = await emu.post("Bob", thread_id, "It made my brain hurt in a good way.")
    record = await watch.result(reveal, timeout=60)  # the first build loads word lists
    assert await watch.result(praise) is None
    assert any("turns out" in reason for reason in record.reasons)
    (repost,) = reposts(emu, thread_id)
    assert hidden_text(repost["content"]).strip() == "Turns out the Aaron we follow is a copy."


async def test_evasions_do_not_hide_a_reveal(emu, bot, watch):
    film_id = await add_film(bot, "The Others", 2001)
    thread_id = await open_discussion(emu, film=f"#{film_id}")
    sneaky = "they were d\u200bead the wh\u043ele time"  # a zero-width space, a Cyrillic "о"
    message = await emu.post("Carol", thread_id, sneaky)
    assert (await watch.result(message, timeout=60)) is not None
    (repost,) = reposts(emu, thread_id)
    assert strip_invisible(hidden_text(repost["content"])).strip() == strip_invisible(sneaky)


async def test_moderators_set_terms_that_always_count_and_members_are_refused(emu, bot, watch):
    film_id = await add_film(bot, "Citizen Kane", 1941)
    thread_id = await open_discussion(emu, film=f"#{film_id}")
    refused = await emu.slash("Alice", "discuss spoiler-terms add", term="Rosebud", where=thread_id)
    assert "moderator" in (await refused.text()).lower()
    added = await emu.slash(
        "Mona", "discuss spoiler-terms add", term="the **sled** <@&42>", where=thread_id
    )
    assert "now always counts as a reveal" in await added.text()
    assert emu.pings(await added.reply()) == set()
    message = await emu.post("Bob", thread_id, "Wow. That sled in the furnace.")
    record = await watch.result(message, timeout=60)
    assert "spoiler term: the **sled** <@&42>" in record.reasons
    listing = await emu.slash("Mona", "discuss spoiler-terms list", where=thread_id)
    text = await listing.text()
    assert "||the \\*\\*sled\\*\\* \\<@\u200b&42\\>||" in text
    removed = await emu.slash(
        "Mona", "discuss spoiler-terms remove", term="the sled", where=thread_id
    )
    assert "no longer counts" in await removed.text()
    again = await emu.post("Bob", thread_id, "The sled was a nice touch.")
    assert await watch.result(again) is None
    stored = await bot.services.conn.execute_fetchall(
        "SELECT term, removed_at FROM discussion_spoiler_terms WHERE thread_id = ?",
        (int(thread_id),),
    )
    assert [(r["term"], r["removed_at"] is not None) for r in stored] == [
        ("the **sled** <@&42>", True)
    ]


async def test_a_term_three_members_tagged_is_learned(emu, bot, watch):
    film_id = await add_film(bot, "Citizen Kane", 1941)
    thread_id = await open_discussion(emu, film=f"#{film_id}")
    for member in ("Alice", "Bob"):
        tagged = await emu.post(member, thread_id, "The last word says it all: ||Rosebud||.")
        assert await watch.result(tagged, timeout=60) is None
    early = await emu.post("Dave", thread_id, "So Rosebud was his childhood toy.")
    assert await watch.result(early) is None
    third = await emu.post("Carol", thread_id, "||Rosebud|| broke me.")
    assert await watch.result(third) is None
    late = await emu.post("Dave", thread_id, "Rosebud being his childhood toy got me.")
    record = await watch.result(late)
    assert record is not None and "spoiler term: Rosebud" in record.reasons
    listing = await emu.slash("Mona", "discuss spoiler-terms list", where=thread_id)
    assert "||Rosebud|| (3 members)" in await listing.text()
    learned = await bot.services.conn.execute_fetchall(
        "SELECT count(DISTINCT member_id) AS n FROM learned_spoiler_terms WHERE film_id = ?",
        (film_id,),
    )
    assert learned[0]["n"] == 3
