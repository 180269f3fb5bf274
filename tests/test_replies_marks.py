"""Channel marks and refused writes: a captured message the database
refuses is held and retried, and its channel's mark never moves past it, so a restart reads
it again from Discord."""

from __future__ import annotations

import logging

import pytest
from replies_support import THREAD, message, mid, open_repository
from storage_support import make_read_only

from bot.replies.capture import ReplyCapture
from bot.replies.model import MessageState, Unwritten
from bot.replies.scope import CaptureScope
from bot.replies.service import Replies
from storage.marks import ChannelMarks

GUILD = 1


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


def capture_for(repo) -> tuple[ReplyCapture, ChannelMarks]:
    marks = ChannelMarks(repo._conn)
    return ReplyCapture(repo, batch_size=50, flush_ms=10_000, marks=marks), marks


def processed(capture: ReplyCapture, *numbers: int) -> None:
    for number in numbers:
        capture.record(message(number))
        capture.mark_processed(GUILD, THREAD, mid(number))


async def test_the_mark_follows_what_is_written_and_never_moves_back(repo):
    capture, marks = capture_for(repo)
    processed(capture, 1, 2, 3)
    await capture.flush()
    assert await marks.get(THREAD) == mid(3)
    capture.mark_processed(GUILD, THREAD, mid(2))
    await capture.flush()
    assert await marks.get(THREAD) == mid(3)
    await capture.stop()


async def test_refused_writes_are_held_retried_and_hold_the_mark_back(repo, caplog):
    capture, marks = capture_for(repo)
    processed(capture, 1)
    await capture.flush()
    await make_read_only(repo._conn)
    with caplog.at_level(logging.CRITICAL):  # the refusals are logged as errors
        processed(capture, 2, 3)
        await capture.flush()
    assert capture.held == 2
    assert [m.message_id for m in await repo.thread_messages(THREAD)] == [mid(1)]
    await make_read_only(repo._conn, False)
    assert await marks.get(THREAD) == mid(1)  # not past the refused messages
    processed(capture, 4)
    await capture.flush()
    assert capture.held == 0
    stored = [m.message_id for m in await repo.thread_messages(THREAD)]
    assert stored == [mid(1), mid(2), mid(3), mid(4)]
    assert await marks.get(THREAD) == mid(4)
    await capture.stop()


async def test_noted_events_are_forgotten_only_once_written(repo, caplog):
    capture, marks = capture_for(repo)
    processed(capture, 1, 2)
    await capture.flush()
    (edit,) = await marks.note(THREAD, GUILD, [mid(1)], Unwritten.EDIT)
    capture.record(message(1, text="edited", edited_minutes=5))
    capture.resolved([edit])
    await make_read_only(repo._conn)
    with caplog.at_level(logging.CRITICAL):
        await capture.flush()  # the edit is held: its note stays
    await make_read_only(repo._conn, False)
    assert [e.row_id for e in await marks.unwritten()] == [edit]
    bulk = await marks.note(THREAD, GUILD, [mid(2)], Unwritten.BULK_DELETE)
    capture.mark_deleted(mid(2), bulk=True)
    capture.resolved(bulk)
    await capture.flush()  # the held edit is written first, then both notes go
    assert await marks.unwritten() == []
    kept = {m.message_id: m for m in await repo.thread_messages(THREAD)}
    assert kept[mid(1)].content == "edited"
    assert kept[mid(2)].state is MessageState.REMOVED_BY_MODERATOR
    await capture.stop()


async def _not_a_discussion(thread_id: int) -> bool:
    return False


@pytest.mark.parametrize("hours", [0, 24])
async def test_the_window_starts_the_reconcile_hours_before_the_mark(repo, hours):
    capture, marks = capture_for(repo)
    scope = CaptureScope(repo, _not_a_discussion)
    replies = Replies(repo, marks, capture=capture, scope=scope, reconcile_hours=hours)
    assert await replies.window_start(THREAD) == THREAD  # nothing known: the whole history
    processed(capture, 1, 2)
    await capture.flush()
    start, stored = await replies.catch_up_window(THREAD)
    assert start == max(0, mid(2) - (hours * 3_600_000 << 22))
    assert set(stored) == ({mid(1), mid(2)} if hours else set())
    await capture.stop()
