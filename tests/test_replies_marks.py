"""Channel marks and refused writes: a captured message the database
refuses is held and retried, and its channel's mark never moves past it, so a restart reads
it again from Discord."""

from __future__ import annotations

import logging

import pytest
from replies_support import THREAD, message, mid, open_repository
from storage_support import make_read_only

from bot.replies.capture import ReplyCapture
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
