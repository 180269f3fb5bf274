"""Catching up from each channel's mark (docs/replies.md, "Marks and catch-up").

After start-up and after every non-resumable reconnect, each open discussion thread and
tracked channel is read from its mark to now: oldest first, paged by discord.py (100 a
request, rate limits honoured), with progress in the log and no count cap. Every message the
bot never processed goes through the message path (guard, screening, capture). Stored
messages in the window are reconciled: one missing from the history becomes a tombstone, one
with a newer `edited_at` goes through the path as an edit (a new version).

The window also covers the channel's RECONCILED newest stored messages, so edits and
deletions that were not yet written when the process died are found again (D1).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.replies.backfill import BackfillReport
from cogs.replies.records import to_record
from storage.reply_models import iso

if TYPE_CHECKING:
    from bot.app import FilmBot

log = logging.getLogger(__name__)

RECONCILED = 200  # newest stored messages per channel re-checked against Discord
PROGRESS_EVERY = 500


async def window_start(bot: FilmBot, channel_id: int) -> int:
    """Where the catch-up reads from: the mark (or, before any mark, the newest stored
    message), or earlier to re-check the newest stored messages; the channel's own id
    (its whole history) when nothing is known."""
    services = bot.services
    mark = await services.marks.get(channel_id)
    if mark is None:
        mark = await services.replies.newest_message_id(channel_id)
    recent = await services.marks.recent_start(channel_id, RECONCILED)
    starts = [start for start in (mark, recent) if start is not None]
    return min(starts) if starts else channel_id


async def catch_up_channel(bot: FilmBot, channel: discord.abc.Messageable) -> BackfillReport:
    """Read `channel` from its window start to now through the message path; reconcile."""
    start = await window_start(bot, channel.id)  # type: ignore[attr-defined]
    stored = await bot.services.marks.stored_window(channel.id, start)  # type: ignore[attr-defined]
    path = bot.get_cog("MessagePath")
    report = BackfillReport()
    seen: set[int] = set()
    async for message in channel.history(limit=None, after=discord.Object(start)):
        seen.add(message.id)
        report.seen += 1
        await _through_path(path, message, channel, stored, report)
        if report.seen % PROGRESS_EVERY == 0:
            log.info("catch-up of %s: %d messages read, %d new", channel, report.seen,
                     len(report.new))  # fmt: skip
    capture = bot.services.reply_capture
    for message_id in sorted(set(stored) - seen):
        capture.mark_deleted(message_id)  # deleted while the bot was away
        report.tombstoned.append(message_id)
    return report


async def _through_path(path, message, channel, stored: dict, report: BackfillReport) -> None:
    record = to_record(message)
    if record is None:
        return
    if message.id not in stored:
        report.new.append(message.id)
        await path.handle(message, channel, catch_up=True)
    elif record.edited_at is not None and iso(record.edited_at) != stored[message.id]:
        report.edited.append(message.id)
        await path.handle(message, channel, edit=True, catch_up=True)
    else:
        report.unchanged += 1
