"""The batched writer: nothing lost, order kept, a bad message does not sink its batch."""

from __future__ import annotations

import asyncio
import logging

import pytest
from replies_support import THREAD, message, mid, open_repository

from bot.replies.capture import ReplyCapture
from bot.replies.model import MessageState
from bot.settings import load_settings


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


async def test_queued_messages_are_written_in_batches(repo):
    capture = ReplyCapture(repo, batch_size=10, flush_ms=1000)
    capture.start()
    for number in range(1, 26):
        capture.record(message(number, number - 1 if number > 1 else None))

    await capture.flush()

    stored = await repo.thread_messages(THREAD)
    assert len(stored) == 25
    assert stored[-1].depth == 24
    assert capture.written == 25
    assert capture.batches >= 3  # 25 messages cannot fit in fewer batches of 10
    await capture.stop()


async def test_stopping_writes_everything_still_queued(repo):
    capture = ReplyCapture(repo, batch_size=500, flush_ms=60_000)
    for number in range(1, 101):
        capture.record(message(number))
    assert capture.pending == 100

    await capture.stop()

    assert len(await repo.thread_messages(THREAD)) == 100
    with pytest.raises(RuntimeError, match="stopped"):
        capture.record(message(101))
    await capture.stop()  # a second stop is harmless


async def test_a_cancelled_writer_still_writes_what_was_queued(repo):
    capture = ReplyCapture(repo, batch_size=7, flush_ms=60_000)
    capture.start()
    for number in range(1, 31):
        capture.record(message(number))
    capture.mark_deleted(mid(30))
    await asyncio.sleep(0)  # the writer takes its first batch

    capture._task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await capture._task

    stored = await repo.thread_messages(THREAD)
    assert len(stored) == 30
    assert stored[-1].state is MessageState.DELETED_BY_AUTHOR
    with pytest.raises(RuntimeError, match="stopped"):
        capture.record(message(31))


async def test_a_deletion_queued_right_after_its_message_is_applied(repo):
    async with ReplyCapture(repo, batch_size=50, flush_ms=1000) as capture:
        capture.record(message(1, text="first thoughts"))
        capture.record(message(2, 1))
        capture.mark_deleted(mid(1))
        await capture.mark_removed(mid(2), "screener")
        capture.mark_deleted(mid(2))  # the bot's own delete comes back as MESSAGE_DELETE
        capture.record(message(3, 2))

    states = {m.message_id: (m.state, m.content) for m in await repo.thread_messages(THREAD)}
    assert states == {
        mid(1): (MessageState.DELETED_BY_AUTHOR, "first thoughts"),
        mid(2): (MessageState.REMOVED_BY_MODERATOR, "comment 2"),
        mid(3): (MessageState.VISIBLE, "comment 3"),
    }


async def test_edits_through_the_queue_keep_versions(repo):
    async with ReplyCapture(repo, batch_size=2, flush_ms=1000) as capture:
        capture.record(message(1, text="draft"))
        capture.record(message(1, text="final", edited_minutes=10))

    assert (await repo.get_message(mid(1))).content == "final"
    assert [v.content for v in await repo.versions(mid(1))] == ["draft"]


async def test_an_unstorable_message_is_logged_and_the_rest_of_the_batch_kept(repo, caplog):
    broken = message(2)
    object.__setattr__(broken, "author_name", None)  # NOT NULL in the schema
    caplog.set_level(logging.ERROR, logger="bot.replies.capture")

    async with ReplyCapture(repo, batch_size=10, flush_ms=1000) as capture:
        capture.record(message(1))
        capture.record(broken)
        capture.record(message(3))

    assert [m.message_id for m in await repo.thread_messages(THREAD)] == [mid(1), mid(3)]
    assert f"captured message {mid(2)} could not be stored" in caplog.text


async def test_batch_settings_come_from_the_environment(repo, monkeypatch):
    monkeypatch.setenv("REPLIES_BATCH_SIZE", "2")
    monkeypatch.setenv("REPLIES_FLUSH_MS", "0")

    async with ReplyCapture.from_settings(repo, load_settings(_env_file=None)) as capture:
        for number in range(1, 6):
            capture.record(message(number))

    assert capture.batches == 3  # 2 + 2 + (1 and the stop)
    assert len(await repo.thread_messages(THREAD)) == 5


def test_nonsense_batch_settings_are_refused():
    with pytest.raises(ValueError):
        ReplyCapture(None, batch_size=0, flush_ms=250)  # type: ignore[arg-type]


async def test_a_message_captured_after_its_deletion_still_becomes_a_tombstone(repo):
    async with ReplyCapture(repo, batch_size=50, flush_ms=1000) as capture:
        capture.mark_deleted(mid(1))  # the delete event won the race with the capture
        capture.record(message(1, text="gone too soon"))
        await capture.mark_removed(mid(2), 42)
        capture.mark_deleted(mid(2))
        capture.record(message(2, 1))

    stored = {m.message_id: m for m in await repo.thread_messages(THREAD)}
    assert stored[mid(1)].state is MessageState.DELETED_BY_AUTHOR
    assert stored[mid(1)].content == "gone too soon"
    assert (stored[mid(2)].state, stored[mid(2)].removed_by) == (
        MessageState.REMOVED_BY_MODERATOR,
        "42",
    )


async def test_an_announced_removal_waits_for_the_deletion(repo):
    async with ReplyCapture(repo, batch_size=50, flush_ms=1000) as capture:
        capture.record(message(1))
        capture.record(message(2))
        await capture.mark_removed(mid(1), 42)  # the delete then failed: nothing changes
        await capture.flush()
        assert (await repo.get_message(mid(1))).state is MessageState.VISIBLE

        capture.mark_deleted(mid(2))  # the author deleted it first...
        await capture.mark_removed(mid(2), 43)  # ...then a moderator's removal is announced
        capture.mark_deleted(mid(3), bulk=True)
        capture.record(message(3))

    assert (await repo.get_message(mid(2))).removed_by == "43"
    third = await repo.get_message(mid(3))
    assert (third.state, third.removed_by) == (MessageState.REMOVED_BY_MODERATOR, "bulk delete")
