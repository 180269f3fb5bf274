"""Backfill: history read back after downtime fills the gaps without duplicates."""

from __future__ import annotations

import dataclasses
import io

import pytest
from replies_support import THREAD, message, mid, open_repository

from bot.progress import Progress
from bot.replies.backfill import ReadRange, merge_history, unseen_in_range
from bot.replies.saving import save_messages


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


def history(count: int):
    """A discussion where each message replies to the one three before it."""
    return [message(n, n - 3 if n > 3 else None) for n in range(1, count + 1)]


async def test_backfill_stores_only_what_is_missing_and_reports_it(repo):
    everything = history(40)
    await save_messages(repo, everything[10:20])  # captured live before the bot went down

    newest_first = list(reversed(everything))
    report = await merge_history(repo, newest_first, batch_size=7)

    assert report.seen == 40
    assert sorted(report.new) == [m.message_id for m in everything[:10] + everything[20:]]
    assert report.unchanged == 10 and report.edited == []
    assert report.threads == {THREAD}
    assert report.summary() == (
        "Read 40 messages: 30 new, 0 with a newer edit, 10 already stored, 0 deleted on Discord since."
    )
    stored = {m.message_id: m for m in await repo.thread_messages(THREAD)}
    assert len(stored) == 40
    assert (stored[mid(40)].root_id, stored[mid(40)].depth) == (mid(1), 13)


async def test_backfilling_twice_adds_nothing(repo):
    await merge_history(repo, history(25))

    again = await merge_history(repo, reversed(history(25)))

    assert again.new == [] and again.unchanged == 25
    assert len(await repo.thread_messages(THREAD)) == 25


async def test_backfill_picks_up_edits_made_while_the_bot_was_away(repo):
    await save_messages(repo, [message(1, text="before")])

    report = await merge_history(repo, [message(1, text="after", edited_minutes=90)])

    assert report.edited == [mid(1)]
    assert (await repo.get_message(mid(1))).content == "after"
    assert [v.content for v in await repo.versions(mid(1))] == ["before"]


async def test_backfill_shows_progress(repo):
    stream = io.StringIO()

    await merge_history(
        repo, history(12), batch_size=5, progress=Progress("Backfill", stream=stream)
    )

    assert stream.getvalue().splitlines()[-1].startswith("Backfill: 12 items")


async def test_only_the_range_read_is_checked_for_deletions(repo):
    """Discord returned 5, 6, 8 and 9 (newest first): 7 is gone. Below 5 only a read that
    reached the channel's first message knows; 10 came after the read; 3 is already a
    tombstone; an imported comment (negative id) is never in Discord's history."""
    imported = dataclasses.replace(message(11), message_id=-mid(11))
    await save_messages(repo, [*history(10), imported])
    await repo.mark_deleted(mid(3))
    read = ReadRange(THREAD, seen={mid(n) for n in (9, 8, 6, 5)})

    assert await unseen_in_range(repo, read) == [mid(7)]
    read.whole = True
    assert await unseen_in_range(repo, read) == [mid(n) for n in (1, 2, 4, 7)]
    assert await unseen_in_range(repo, ReadRange(THREAD, whole=True)) == []  # read nothing
