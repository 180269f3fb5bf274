"""A real `python -m bot run` killed (os._exit at a named crash point, or SIGKILL) in the middle
of the message path's side effects, then a fresh start on the same database: the guard's
re-post, screening's hide and captured edits and deletions end as if nothing had happened
(recent edits and deletions are reconciled, the guard's re-post is retried, the crash points
are those of docs/journal.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import pytest

from bot.journal import Status
from bot.journal.crash import CRASH_ENV, CRASH_EXIT_CODE
from bot.moderation.model import DmStatus
from bot.replies.model import MessageState
from tests.e2e._discussions import SPOILER
from tests.e2e._discussions import open_discussion as open_guarded
from tests.e2e._moderation import cases_of
from tests.e2e._process import bot_env
from tests.e2e._replies import edited_and_deleted, old_edited_and_deleted, stored
from tests.e2e._screening import (
    INSULT,
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)

LONG_SPOILER = " ".join([SPOILER] * 30)  # a re-post in two parts


@contextlib.asynccontextmanager
async def bot_process(emu, settings, **extra: str):
    """The bot as a process of its own, connected; killed at the end if still alive."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=bot_env(emu, settings.database_path, **extra),
        cwd=settings.database_path.parent, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await emu.recorder.wait_for("PUT", r"/guilds/\d+/commands$", timeout=60)
        await emu.wait_connected(timeout=30)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def died_at(process, point: str) -> None:
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == CRASH_EXIT_CODE, output.decode()
    assert f"crash point {point} reached" in output.decode()


GUARD_POINTS = [
    "guard-repost:post:part-1",
    "guard-repost:post:after",
    "guard-repost:take-down:before",
    "guard-repost:take-down:after",
    "guard-repost:note:before",
    "guard-repost:note:after",
]


@pytest.mark.parametrize("point", GUARD_POINTS)
async def test_a_guard_repost_killed_at_any_step_ends_complete_at_restart(
    emu, start_bot, settings, point
):
    async with start_bot(settings):
        thread = await open_guarded(emu, "film-talk")
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        original = await emu.post("Alice", thread, LONG_SPOILER)
        await died_at(process, point)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        intent = await bot.services.journal.by_key(f"guard:{original['id']}")
        assert intent.status is Status.DONE
        parts = [m["content"] for m in emu.messages_in(thread) if m.get("webhook_id")]
        assert len(parts) == 2 and len(set(parts)) == 2  # every part once
        assert is_deleted(emu, original)
        record = await bot.services.guard.record_for(int(original["id"]))
        assert len(record.repost_message_ids) == 2 and record.original_deleted_at is not None
        assert len(emu.dms("Alice")) <= 1  # the note: at most once
        if point == "guard-repost:note:after":  # sent, then killed: its fate is not known
            assert record.note_status == "unknown"
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(original["id"])].state is MessageState.REMOVED_BY_MODERATOR


@pytest.mark.parametrize("point", ["screening-hide:remove:after", "screening-hide:dm:after"])
async def test_a_hide_killed_midway_gets_its_case_at_restart(emu, start_bot, settings, point):
    async with start_bot(settings) as bot:
        await use_alert_channel(bot, emu)
        thread = await discussion_thread(bot, emu)
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        insult = await emu.post("Dave", thread, INSULT)
        await died_at(process, point)
    assert is_deleted(emu, insult)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        (case,) = await cases_of(bot, emu, "Dave")
        assert case.type == "auto-delete"
        assert len([m for m in emu.dms("Dave") if "hidden automatically" in m["content"]]) == 1
        # killed after the DM went out: it is not sent again, and the case says it may have
        expected = DmStatus.UNKNOWN if point.startswith("screening-hide:dm") else DmStatus.SENT
        assert case.dm_status is expected
        (alert,) = alerts(emu)
        assert "Case #1" in str(alert)


async def test_edits_and_deletions_unwritten_when_killed_are_not_lost(emu, start_bot, settings):
    thread, edited, deleted = await edited_and_deleted(start_bot, settings, emu)
    slow_writes = {"REPLIES_FLUSH_MS": "60000", "REPLIES_BATCH_SIZE": "5000"}
    async with bot_process(emu, settings, **slow_writes) as process:
        await emu.edit(edited, "Ruth is cruel, then sorry")
        await emu.delete(deleted)
        process.kill()  # SIGKILL: the writer had nothing written yet
        await process.wait()
    async with start_bot(settings) as bot:
        await bot.get_cog("ReplyCapturing").startup_catch_up
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(deleted["id"])].state is MessageState.DELETED_BY_AUTHOR
        assert kept[int(edited["id"])].content == "Ruth is cruel, then sorry"
        tree = await emu.slash("Alice", "thread tree", where=thread)
        assert "Hailsham was a lie" not in await tree.text()


async def test_an_old_messages_edit_and_deletion_unwritten_when_killed_are_not_lost(
    emu, start_bot, settings, caplog
):
    """Older than the time window (0 hours here) and than 200 newer stored messages: only
    the notes written when the events arrived can bring them back."""
    settings = settings.model_copy(update={"replies_reconcile_hours": 0})
    thread, edited, deleted = await old_edited_and_deleted(start_bot, settings, emu)
    slow_writes = {"REPLIES_FLUSH_MS": "60000", "REPLIES_BATCH_SIZE": "5000"}
    killed_at = {CRASH_ENV: "capture:noted:delete", "REPLIES_RECONCILE_HOURS": "0"}
    async with bot_process(emu, settings, **slow_writes, **killed_at) as process:
        await emu.edit(edited, "Ruth is cruel, then sorry")
        await emu.delete(deleted)  # noted after the edit, then the process dies
        await died_at(process, "capture:noted:delete")
    caplog.set_level(logging.INFO, logger="cogs.replies")
    async with start_bot(settings) as bot:
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert report.edited == [] and report.tombstoned == []  # not in the read window
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(deleted["id"])].state is MessageState.DELETED_BY_AUTHOR
        assert kept[int(edited["id"])].content == "Ruth is cruel, then sorry"
        (version,) = await bot.services.replies.versions(int(edited["id"]))
        assert version.content == "Ruth is cruel"
        tree = await (await emu.slash("Alice", "thread tree", where=thread)).text()
        assert "Ruth is cruel, then sorry" in tree and "[deleted by its author]" in tree
        assert "Hailsham was a lie" not in tree
        assert await bot.services.replies.unwritten() == []  # resolved, then forgotten
    assert any("2 noted edits and deletions resolved" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("point", ["screening-restore:post:part-1", "screening-restore:post:after"])
async def test_a_restore_killed_between_parts_posts_each_part_once(emu, start_bot, settings, point):
    long_insult = " ".join(["You are a pathetic idiot."] * 90)  # restored in two parts
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        thread = await discussion_thread(bot, emu)
        posted, handled = await post_screened(bot, emu, "Dave", thread, long_insult)
        assert handled.outcome == "hide"
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        (alert,) = alerts(emu)
        await emu.click("Mona", alert, label="Approve")
        await died_at(process, point)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        parts = [m["content"] for m in emu.messages_in(thread) if m.get("webhook_id")]
        assert len(parts) == 2 and len(set(parts)) == 2
        item = await bot.services.screening.review_item(handled.review_item.id)
        assert item.state == "approved" and "restored under Dave's name" in item.decision_note
