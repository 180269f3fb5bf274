"""Backfill: merge messages read back from Discord's history into storage, without duplicates.

The cog (cogs/replies/history.py) pages through `channel.history()` and hands the messages here as
MessageRecord values; this core stores what is new, keeps newer edits, and reports it all. The
part of the history it read completely (`ReadRange`) says which stored messages Discord no
longer has: those become tombstones, as a live deletion would.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.progress import Progress
from bot.replies.model import MessageRecord
from bot.replies.saving import refresh_structure, save_messages
from storage.replies import ReplyRepository

log = logging.getLogger(__name__)

BACKFILL_BATCH = 500


@dataclass
class BackfillReport:
    seen: int = 0
    new: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    unchanged: int = 0
    threads: set[int] = field(default_factory=set)
    tombstoned: list[int] = field(default_factory=list)  # catch-up: gone from Discord's history

    def add(self, other: BackfillReport) -> None:
        """Fold in the report of another batch of the same backfill."""
        self.seen += other.seen
        self.new.extend(other.new)
        self.edited.extend(other.edited)
        self.unchanged += other.unchanged
        self.threads |= other.threads
        self.tombstoned.extend(other.tombstoned)

    def summary(self) -> str:
        """One line for the moderator who ran `/thread backfill`."""
        return (
            f"Read {self.seen:,} messages: {len(self.new):,} new, {len(self.edited):,} with a "
            f"newer edit, {self.unchanged:,} already stored, {len(self.tombstoned):,} deleted "
            "on Discord since."
        )


@dataclass
class ReadRange:
    """What one read of a channel's history saw. Pages come one after another (newest first,
    or oldest first after a given id), so every message between the oldest and the newest id
    seen was read; `whole` when the read reached the channel's first message."""

    channel_id: int
    seen: set[int] = field(default_factory=set)
    whole: bool = False

    def bounds(self) -> tuple[int, int] | None:
        """The ids read completely (both included), or None when nothing was read. Imported
        comments (negative ids) are never in range: Discord's history cannot hold them."""
        if not self.seen:
            return None
        return (1 if self.whole else min(self.seen)), max(self.seen)


async def unseen_in_range(repo: ReplyRepository, read: ReadRange) -> list[int]:
    """Visible stored messages of the channel inside the range read that Discord did not
    return: deleted on Discord since the bot stored them. Tombstoned ones (deleted, removed
    by the bot) already have their state and are left alone."""
    bounds = read.bounds()
    if bounds is None:
        return []
    stored = await repo.visible_between(read.channel_id, *bounds)
    return [message_id for message_id in stored if message_id not in read.seen]


async def merge_history(
    repo: ReplyRepository,
    messages: Iterable[MessageRecord],
    *,
    batch_size: int = BACKFILL_BATCH,
    progress: Progress | None = None,
) -> BackfillReport:
    """Store the messages not stored yet (any order: newest-first history is fine).

    Running it twice with the same messages changes nothing the second time. Replies stored
    before their parents get their chain fixed once, at the end.
    """
    report = BackfillReport()
    batch: list[MessageRecord] = []
    for message in messages:
        batch.append(message)
        if len(batch) >= batch_size:
            await _merge_batch(repo, batch, report, progress)
            batch = []
    await _merge_batch(repo, batch, report, progress)
    if report.new:
        for thread_id in await repo.threads_with_stale_structure(report.new):
            changed = await refresh_structure(repo, thread_id)
            log.info("backfill: re-linked %d replies in thread %s", changed, thread_id)
    if progress is not None:
        progress.finish()
    return report


async def _merge_batch(
    repo: ReplyRepository,
    batch: list[MessageRecord],
    report: BackfillReport,
    progress: Progress | None,
) -> None:
    if not batch:
        return
    outcome = await save_messages(repo, batch, refresh=False)
    report.seen += len(batch)
    report.new.extend(outcome.inserted)
    report.edited.extend(outcome.edited)
    report.unchanged += outcome.unchanged
    report.threads.update(message.thread_id for message in batch)
    if progress is not None:
        progress.advance(len(batch))
