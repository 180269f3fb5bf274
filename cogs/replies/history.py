"""Reading back the history Discord kept, into the reply store (`/thread backfill`, start-up)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.replies.backfill import BACKFILL_BATCH, BackfillReport, ReadRange
from bot.replies.model import MessageRecord
from bot.services import Services
from cogs.community.reactions import reaction_counts
from cogs.replies.catchup import Readable
from cogs.replies.records import to_record

log = logging.getLogger(__name__)

ProgressCallback = Callable[[BackfillReport], Awaitable[None]]


async def read_history(
    channel: Readable,
    services: Services,
    *,
    after: int | None = None,
    limit: int | None = None,
    on_batch: ProgressCallback | None = None,
) -> BackfillReport:
    """Store the channel's messages missing from the reply store; repeats store nothing new.
    Stored messages inside the range read that Discord no longer has become tombstones.

    Without `after`, the whole history, newest first; with it, the messages after that id,
    oldest first. At most `limit` messages are read (None: all). When Discord refuses a page,
    what was read before it is stored and reconciled, then the error is raised.
    """
    report = BackfillReport()
    read = ReadRange(channel.id)
    batch: list[MessageRecord] = []
    start = discord.Object(after) if after is not None else None
    try:
        async for message in channel.history(limit=limit, after=start):
            read.seen.add(message.id)
            record = to_record(message)
            if record is not None:
                batch.append(record)
                if message.reactions:  # reactions given while the bot was away
                    counts = reaction_counts(message)
                    await services.community.reactions.replace(message.id, counts)
            if len(batch) >= BACKFILL_BATCH:
                await _merge(batch, services, report, on_batch)
                batch = []
    except discord.HTTPException:
        await _finish(batch, read, services, report, on_batch)
        raise
    read.whole = after is None and limit is None
    await _finish(batch, read, services, report, on_batch)
    return report


async def _finish(
    batch: list[MessageRecord],
    read: ReadRange,
    services: Services,
    report: BackfillReport,
    on_batch: ProgressCallback | None,
) -> None:
    """Store the last batch, then tombstone what the range read shows deleted."""
    await _merge(batch, services, report, on_batch)
    gone = await services.replies.tombstone_unseen(read)
    if gone:
        log.info(
            "history of %s: %d stored messages deleted on Discord since", read.channel_id, len(gone)
        )
    report.tombstoned.extend(gone)


async def _merge(
    batch: list[MessageRecord],
    services: Services,
    report: BackfillReport,
    on_batch: ProgressCallback | None,
) -> None:
    if not batch:
        return
    report.add(await services.replies.merge_history(batch))
    if on_batch is not None:
        await on_batch(report)
