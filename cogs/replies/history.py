"""Reading back the history Discord kept, into the reply store (`/thread backfill`, start-up)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.replies.backfill import BACKFILL_BATCH, BackfillReport
from bot.replies.model import MessageRecord
from bot.services import Services
from cogs.community.reactions import reaction_counts
from cogs.replies.records import to_record

log = logging.getLogger(__name__)

ProgressCallback = Callable[[BackfillReport], Awaitable[None]]


async def read_history(
    channel: discord.abc.Messageable,
    services: Services,
    *,
    after: int | None = None,
    limit: int | None = None,
    on_batch: ProgressCallback | None = None,
) -> BackfillReport:
    """Store the channel's messages missing from the reply store; repeats store nothing new.

    Without `after`, the whole history, newest first; with it, the messages after that id,
    oldest first. At most `limit` messages are read (None: all).
    """
    report = BackfillReport()
    batch: list[MessageRecord] = []
    start = discord.Object(after) if after is not None else None
    async for message in channel.history(limit=limit, after=start):
        record = to_record(message)
        if record is not None:
            batch.append(record)
            if message.reactions:  # reactions given while the bot was away
                await services.community.reactions.replace(message.id, reaction_counts(message))
        if len(batch) >= BACKFILL_BATCH:
            await _merge(batch, services, report, on_batch)
            batch = []
    await _merge(batch, services, report, on_batch)
    return report


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
