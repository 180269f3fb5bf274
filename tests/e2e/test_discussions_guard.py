"""The spoiler guard: reveals in tagged-only threads are re-posted tagged, originals kept."""

from __future__ import annotations

import pytest

from bot.spoilers.format import hidden_text, unhidden_text
from bot.text import strip_invisible
from tests.e2e._discussions import HARMLESS, SPOILER, GuardWatch, open_discussion


@pytest.fixture
async def watch(bot):
    return GuardWatch(bot)


def reposts(emu, thread_id: str) -> list[dict]:
    return [m for m in emu.messages_in(thread_id) if m.get("webhook_id")]


async def test_spoiler_comment_is_reposted_tagged_under_the_authors_name(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-talk")
    original = await emu.post("Alice", thread_id, SPOILER)
    record = await watch.result(original)
    (repost,) = reposts(emu, thread_id)
    assert repost["author"]["username"] == "Alice"
    assert repost["content"].startswith(
        "What a film. ||Tommy dies at the end and Kathy becomes a donor.|| Loved the score "
        "though.\n-# Spoiler tags added by the spoiler guard"
    )
    assert emu.pings(repost) == set()
    webhook = emu.world.webhooks[repost["webhook_id"]]
    assert webhook["channel_id"] == emu.world.channel_id("film-talk")
    assert original["id"] in emu.store.deleted
    assert original["id"] not in {m["id"] for m in emu.messages_in(thread_id)}
    assert record.original_text == SPOILER and record.trigger == "guard"
    assert record.repost_message_ids == (int(repost["id"]),)
    assert record.original_deleted_at is not None and record.note_status == "sent"
    assert record.sensitivity == "medium" and any("dies" in r for r in record.reasons)
    (note,) = emu.dms("Alice")
    assert "Never Let Me Go (2010) discussion was re-posted with 1 sentence" in note["content"]
    stored = await bot.services.guard.record_for(int(original["id"]))
    assert stored.original_text == SPOILER
    await bot.services.replies.capture.flush()
    kept = await bot.services.replies.message(int(original["id"]))
    assert kept is not None and kept.state.value == "removed_by_moderator"
    assert kept.content == SPOILER


async def test_the_webhook_is_reused_in_a_forum_and_closed_dms_are_recorded(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-forum")
    first = await emu.post("Carol", thread_id, "Ruth completes after her second donation.")
    second = await emu.post("Bob", thread_id, "Kathy and Tommy ask Madame for a deferral.")
    carol, bob = await watch.result(first), await watch.result(second)
    assert carol.note_status == "closed" and bob.note_status == "sent"
    assert emu.dms("Carol") == []
    hooks = [w for w in emu.world.webhooks.values()]
    assert len(hooks) == 1 and hooks[0]["channel_id"] == emu.world.channel_id("film-forum")
    texts = {m["author"]["username"]: m["content"] for m in reposts(emu, thread_id)}
    assert texts["Carol"].startswith("||Ruth completes after her second donation.||")
    assert all(emu.pings(m) == set() for m in reposts(emu, thread_id))


async def test_harmless_comments_and_allowed_threads_are_left_alone(emu, bot, watch):
    guarded = await open_discussion(emu, "film-talk")
    open_thread = await open_discussion(emu, "general", spoilers="allowed")
    harmless = await emu.post("Alice", guarded, HARMLESS)
    tagged = await emu.post("Bob", guarded, f"Spoiler: ||{SPOILER}||")
    free = await emu.post("Dave", open_thread, SPOILER)
    for message in (harmless, tagged, free):
        assert await watch.result(message) is None
    assert emu.store.deleted == {}
    assert reposts(emu, guarded) == reposts(emu, open_thread) == []
    assert emu.world.webhooks == {}
    assert await bot.services.guard.records_in(int(guarded)) == []


async def test_everyone_pipes_and_long_text_stay_safe(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-talk")
    bob = emu.world.user_id("Bob")
    tricky = f"@everyone <@{bob}> look. Tommy dies at the end || for real."
    long = ("I loved the quiet pacing and the cold light of the coast. " * 33).strip()
    long = f"{long}\n\nThen Ruth completes after her second donation.\n\n{long}"
    assert 3800 < len(long) <= 4000  # what Nitro members may post
    messages = [await emu.post("Alice", thread_id, text) for text in (tricky, long)]
    records = [await watch.result(m, acted=True) for m in messages]
    sent = reposts(emu, thread_id)
    assert all(emu.pings(m) == set() for m in sent)
    assert all(len(m["content"]) <= 2000 for m in sent)
    assert all(m["content"].count("||") % 2 == 0 for m in sent)
    first = next(m for m in sent if "look" in m["content"])
    hidden = strip_invisible(hidden_text(first["content"]))
    assert hidden.startswith("Tommy dies at the end || for real.")  # the lone || stays inert
    assert strip_invisible(unhidden_text(first["content"])).startswith("@everyone <@")
    long_parts = [m["content"] for m in sent if m["id"] != first["id"]]
    assert len(long_parts) >= 2
    joined = "".join(long_parts)
    assert "Ruth completes after her second donation." in hidden_text(joined)
    assert "donation" not in unhidden_text(joined)
    assert records[1].original_text == long
    assert len(records[1].repost_message_ids) == len(long_parts)


async def test_comments_with_attachments_are_left_up(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-talk")
    with_file = await emu.post("Alice", thread_id, SPOILER, attachments=["still.png"])
    assert await watch.result(with_file) is None
    assert emu.store.deleted == {} and reposts(emu, thread_id) == []
    menu = await emu.context_menu("Alice", "Spoiler-tag this", with_file)
    assert (await menu.text()).startswith("I can't re-post attachments yet.")


async def test_an_edit_that_adds_a_spoiler_is_caught(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-talk")
    message = await emu.post("Bob", thread_id, HARMLESS)
    assert await watch.result(message) is None
    await emu.edit(message, HARMLESS + " Tommy dies at the end.")
    record = await watch.result(message, acted=True)
    assert record.original_text.endswith("Tommy dies at the end.")
    assert message["id"] in emu.store.deleted
    (repost,) = reposts(emu, thread_id)
    assert repost["content"].startswith(HARMLESS + " ||Tommy dies at the end.||")


async def test_guard_deletions_are_not_logged_as_member_deletions(emu, bot, watch):
    await bot.services.moderation.config.set_log_channel(
        int(emu.world.guild["id"]),
        int(emu.world.channel_id("mod-log")),
        int(emu.world.user_id("Olive")),
    )
    thread_id = await open_discussion(emu, "film-talk")
    spoiler = await emu.post("Alice", thread_id, SPOILER)
    await watch.result(spoiler, acted=True)
    own = await emu.post("Bob", thread_id, HARMLESS)
    await watch.result(own)
    await emu.delete(own)
    logged = await emu.wait_for_message("mod-log", predicate=lambda m: "deleted" in m["content"])
    assert "by Bob" in logged["content"]
    assert not any("Alice" in m["content"] for m in emu.messages_in("mod-log"))


async def test_sensitivity_setting_applies_to_the_next_comment(emu, bot, watch):
    thread_id = await open_discussion(emu, "film-talk")
    answer = await emu.slash("Mona", "discuss config sensitivity", value="low")
    assert "Spoiler guard sensitivity: low" in await answer.text()
    hint = await emu.post("Alice", thread_id, "Kathy and Tommy ask Madame for a deferral.")
    assert await watch.result(hint) is None  # low: explicit outcomes only
    outcome = await emu.post("Alice", thread_id, "In the end Tommy dies.")
    assert (await watch.result(outcome)).sensitivity == "low"
