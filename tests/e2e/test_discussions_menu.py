"""The "Spoiler-tag this" message menu, and slowmode and settings in discussion threads."""

from __future__ import annotations

from bot.spoilers.format import hidden_text, unhidden_text
from tests.e2e._discussions import (
    HARMLESS,
    GuardWatch,
    add_film,
    open_discussion,
    remove_film,
)

OWN = "The last scene in that field broke me."


async def test_members_tag_their_own_comment(emu, bot):
    thread_id = await open_discussion(emu, "general", spoilers="allowed")
    mine = await emu.post("Alice", thread_id, OWN)
    record = await emu.context_menu("Alice", "Spoiler-tag this", mine)
    assert await record.text() == (
        "Re-posted with spoiler tags; the original is kept for moderators."
    )
    assert await record.is_ephemeral()
    (repost,) = [m for m in emu.messages_in(thread_id) if m.get("webhook_id")]
    assert repost["author"]["username"] == "Alice"
    assert hidden_text(repost["content"]) == OWN
    assert (
        unhidden_text(repost["content"]).strip() == "-# Spoiler tags added at the author's request."
    )
    assert mine["id"] in emu.store.deleted
    kept = await bot.services.guard.record_for(int(mine["id"]))
    assert (kept.trigger, kept.original_text, kept.note_status) == ("member", OWN, "not_applicable")
    assert emu.dms("Alice") == []


async def test_others_comments_are_refused_but_moderators_may_tag_them(emu, bot):
    thread_id = await open_discussion(emu, "general", spoilers="allowed")
    bobs = await emu.post("Bob", thread_id, OWN)
    refused = await emu.context_menu("Alice", "Spoiler-tag this", bobs)
    assert (await refused.text()).startswith("You can only spoiler-tag your own messages.")
    assert emu.store.deleted == {}
    done = await emu.context_menu("Mona", "Spoiler-tag this", bobs)
    assert (await done.text()).startswith("Re-posted with spoiler tags")
    (repost,) = [m for m in emu.messages_in(thread_id) if m.get("webhook_id")]
    assert repost["author"]["username"] == "Bob"
    assert repost["content"].endswith("-# Spoiler tags added by a moderator.")


async def test_menu_outside_discussions_and_on_bot_messages_is_explained(emu, bot):
    outside = await emu.post("Alice", "general", OWN)
    record = await emu.context_menu("Alice", "Spoiler-tag this", outside)
    assert await record.text() == "Spoiler-tag this works on comments in film discussion threads."
    thread_id = await open_discussion(emu, "general")
    opener = emu.messages_in(thread_id)[0]
    record = await emu.context_menu("Mona", "Spoiler-tag this", opener)
    assert "posted by a bot or a webhook" in await record.text()
    assert emu.store.deleted == {}


async def test_slowmode_is_for_moderators_inside_a_discussion(emu, bot):
    thread_id = await open_discussion(emu, "film-talk")
    refused = await emu.slash("Alice", "discuss slowmode", where=thread_id, seconds=30)
    assert "Only moderators" in await refused.text()
    outside = await emu.slash("Mona", "discuss slowmode", where="general", seconds=30)
    assert await outside.text() == "Use /discuss slowmode inside a film discussion thread."
    done = await emu.slash("Mona", "discuss slowmode", where=thread_id, seconds=30)
    assert await done.text() == "Slowmode is now 30 s in the discussion of Never Let Me Go (2010)."
    assert emu.world.channels[thread_id]["rate_limit_per_user"] == 30
    assert (await bot.services.discussions.by_thread(int(thread_id))).slowmode_seconds == 30


async def test_config_sets_archive_time_and_default_policy_for_new_threads(emu, bot):
    shown = await emu.slash("Mona", "discuss config show")
    assert "auto-archive after: 1 week" in await shown.text()
    await (await emu.slash("Mona", "discuss config auto-archive", duration=1440)).reply()
    answer = await emu.slash("Mona", "discuss config policy", value="allowed")
    assert "New discussions are allowed by default." in await answer.text()
    thread_id = await open_discussion(emu, "film-talk")
    assert emu.world.channels[thread_id]["thread_metadata"]["auto_archive_duration"] == 1440
    stored = await bot.services.discussions.by_thread(int(thread_id))
    assert stored.spoiler_policy == "allowed" and stored.auto_archive_minutes == 1440


async def test_thread_keeps_working_after_its_film_leaves_the_catalog(emu, bot):
    watch = GuardWatch(bot)
    film_id = await add_film(bot, "Gattaca", 1997, ("Drama",))
    thread_id = await open_discussion(emu, "film-talk", film=f"#{film_id}")
    await remove_film(bot, film_id)
    # ("Vincent dies at the end?" would now be a reveal: film-agnostic cues need no plot.)
    comment = await emu.post("Alice", thread_id, "Is it worth a rewatch? " + HARMLESS)
    listed = await emu.slash("Alice", "discuss list")
    assert f"<#{thread_id}> · Gattaca (1997) · spoilers tagged-only" in await listed.text()
    slowed = await emu.slash("Mona", "discuss slowmode", where=thread_id, seconds=0)
    assert await slowed.text() == "Slowmode is off in the discussion of Gattaca (1997)."
    assert await watch.result(comment) is None  # checked without error; nothing revealed
    assert comment["id"] not in emu.store.deleted
