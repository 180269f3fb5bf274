"""No gaps: after start-up and after a non-resumable reconnect every
channel is read from its mark, every missed message goes through the guard, screening and
capture, and what changed on Discord meanwhile is reconciled."""

from __future__ import annotations

import logging

import pytest

from bot.replies.model import MessageState
from tests.e2e._discussions import SPOILER
from tests.e2e._discussions import open_discussion as open_guarded
from tests.e2e._replies import (
    edited_and_deleted,
    old_edited_and_deleted,
    open_discussion,
    settled,
    stored,
)
from tests.e2e._screening import INSULT, alerts, is_deleted, ready, use_alert_channel


def reposts(emu, thread: str) -> list[dict]:
    return [m for m in emu.messages_in(thread) if m.get("webhook_id")]


async def caught_up(bot, why: str):
    return await bot.wait_for("catch_up_finished", check=lambda w, _: w == why, timeout=30)


async def test_messages_of_a_lost_session_are_guarded_screened_and_captured(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await open_guarded(emu, "film-talk")
    first = await emu.post("Alice", thread, "Carey Mulligan is wonderful.")
    await settled(bot, emu)

    emu.gateway.hold_events()  # the connection is already gone: nothing below is delivered
    insult = await emu.post("Dave", thread, INSULT)
    spoiler = await emu.post("Bob", thread, SPOILER)
    harmless = await emu.post("Carol", thread, "The score is gorgeous.")
    await emu.edit(first, "Carey Mulligan is wonderful, and so is Andrew Garfield.")
    waiter = caught_up(bot, "reconnect")
    await emu.gateway.lose_session()
    (_, reports) = await waiter

    assert emu.gateway.identifies == 2  # a new session, not a resume
    assert is_deleted(emu, insult) and len(alerts(emu)) == 1  # screened and hidden
    assert is_deleted(emu, spoiler) and len(reposts(emu, thread)) == 1  # guarded
    kept = {m.message_id: m for m in await stored(bot, emu, thread)}
    assert kept[int(harmless["id"])].state is MessageState.VISIBLE
    assert kept[int(spoiler["id"])].state is MessageState.REMOVED_BY_MODERATOR
    assert "Andrew Garfield" in kept[int(first["id"])].content
    assert len(await bot.services.replies.versions(int(first["id"]))) == 1
    assert await bot.services.replies.mark(int(thread)) >= int(harmless["id"])


async def test_everything_posted_while_down_is_stored_with_no_cap(emu, start_bot, settings, caplog):
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        await emu.post("Alice", thread, "Before the outage")
        await settled(bot, emu)
    for number in range(650):  # more than the old start-up cap (500)
        await emu.post("Bob", thread, f"Offline comment {number}")
    caplog.set_level(logging.INFO, logger="cogs.replies.catchup")
    async with start_bot(settings) as bot:
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert len(report.new) == 650
        assert len(await stored(bot, emu, thread)) == 651
    assert any("catch-up of" in r.getMessage() and "500 messages read" in r.getMessage()
               for r in caplog.records)  # fmt: skip


async def test_messages_posted_while_down_are_screened_at_start_up(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        thread = await open_discussion(bot, emu)
        await emu.post("Alice", thread, "Before the outage")
        await settled(bot, emu)
    insult = await emu.post("Dave", thread, INSULT)
    async with start_bot(settings) as bot:
        await bot.get_cog("ReplyCapturing").startup_catch_up
        stored_insult = await bot.services.screening.latest_screening(int(insult["id"]))
        assert stored_insult is not None  # screened (or waiting for the model), not skipped
        await ready(bot)
        await bot.get_cog("Screening").catch_up()
        assert is_deleted(emu, insult)


@pytest.mark.parametrize("setup", [edited_and_deleted, old_edited_and_deleted])
async def test_deletions_and_edits_made_while_down_are_reconciled(emu, start_bot, settings, setup):
    """Also for comments with 205 newer stored ones: the window is REPLIES_RECONCILE_HOURS
    (24) before the mark, not the 200 newest stored messages."""
    thread, edited, deleted = await setup(start_bot, settings, emu)
    await emu.edit(edited, "Ruth is cruel, then sorry")
    await emu.delete(deleted)
    async with start_bot(settings) as bot:
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert report.tombstoned == [int(deleted["id"])]
        assert report.edited == [int(edited["id"])]
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(deleted["id"])].state is MessageState.DELETED_BY_AUTHOR
        assert kept[int(edited["id"])].content == "Ruth is cruel, then sorry"
        (version,) = await bot.services.replies.versions(int(edited["id"]))
        assert version.content == "Ruth is cruel"


async def test_with_no_reconcile_hours_only_the_mark_is_read(emu, start_bot, settings):
    """The limit: an edit made while the bot was down, to a message older than the window,
    is not seen (only /thread backfill reads the whole channel)."""
    settings = settings.model_copy(update={"replies_reconcile_hours": 0})
    thread, edited, _ = await edited_and_deleted(start_bot, settings, emu)
    await emu.edit(edited, "Ruth is cruel, then sorry")
    async with start_bot(settings) as bot:
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert report.edited == [] and report.seen <= 1  # from the mark on
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(edited["id"])].content == "Ruth is cruel"


async def test_a_message_posted_and_edited_while_away_is_stored_as_it_reads(emu, bot):
    """No edit event will come for it, so the catch-up stores the edited text (it was lost)."""
    thread = await open_discussion(bot, emu)
    await emu.post("Alice", thread, "Carey Mulligan is wonderful.")
    await settled(bot, emu)
    emu.gateway.hold_events()
    late = await emu.post("Bob", thread, "Kathy is kind")
    await emu.edit(late, "Kathy is kind, then sad")
    waiter = caught_up(bot, "reconnect")
    await emu.gateway.lose_session()
    (_, reports) = await waiter

    kept = {m.message_id: m for m in await stored(bot, emu, thread)}
    assert kept[int(late["id"])].content == "Kathy is kind, then sad"
    assert kept[int(late["id"])].edited_at is not None
    assert any(int(late["id"]) in report.new for report in reports)
