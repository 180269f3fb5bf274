"""Catching up from each channel's mark (docs/replies.md, "Marks and catch-up").

After start-up and after every non-resumable reconnect, each open discussion thread and
tracked channel is read from its mark to now: oldest first, paged by discord.py (100 a
request, rate limits honoured), with progress in the log and no count cap. Every message the
bot never processed goes through the message path (guard, screening, capture). Stored
messages in the window are reconciled: one missing from the history becomes a tombstone, one
with a newer `edited_at` goes through the path as an edit (a new version).

The window also covers the channel's RECONCILED newest stored messages, so edits and
deletions that were not yet written when the process died are found again (D1).

Channels that are screened but not captured (screening scope "everywhere", or a channel set
to screen) keep a mark too and are read from it the same way, with nothing to reconcile. One
with no mark yet is not read back at all: its mark starts at its newest message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.replies.backfill import BackfillReport
from bot.screening.policy import MessagePlace, should_screen
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


async def catch_up_channel(
    bot: FilmBot, channel: discord.abc.Messageable, *, captured: bool = True
) -> BackfillReport:
    """Read `channel` from its window start to now through the message path; reconcile
    (`captured=False`: a screened-only channel, read from its mark)."""
    if captured:
        start = await window_start(bot, channel.id)  # type: ignore[attr-defined]
        stored = await bot.services.marks.stored_window(channel.id, start)  # type: ignore[attr-defined]
    else:
        start, stored = await bot.services.marks.get(channel.id), {}  # type: ignore[attr-defined]
        if start is None:
            return await _start_mark(bot, channel)
    path = bot.get_cog("MessagePath")
    report = BackfillReport()
    seen: set[int] = set()
    async for message in channel.history(limit=None, after=discord.Object(start)):
        seen.add(message.id)
        report.seen += 1
        await _through_path(path, message, channel, stored, report)
        if report.seen % PROGRESS_EVERY == 0:
            log.info(
                "catch-up of %s: %d messages read, %d new", channel, report.seen, len(report.new)
            )
    capture = bot.services.reply_capture
    for message_id in sorted(set(stored) - seen):
        capture.mark_deleted(message_id)  # deleted while the bot was away
        report.tombstoned.append(message_id)
    return report


async def _start_mark(bot: FilmBot, channel) -> BackfillReport:
    """A screened channel seen for the first time: its mark starts at its newest message."""
    if channel.last_message_id is not None:
        marks = {channel.id: (channel.guild.id, channel.last_message_id)}
        await bot.services.marks.advance(marks)
    return BackfillReport()


def screened_channels(bot: FilmBot, policies: dict, skip: set[int]) -> list:
    """Text channels and open threads the bot can read whose members' messages are
    screened (`policies`: guild id -> its ScreeningPolicy), except `skip`, oldest first."""
    found = []
    for guild in bot.guilds:
        policy = policies.get(guild.id)
        if policy is None:
            continue
        for channel in [*guild.text_channels, *guild.threads]:
            thread = isinstance(channel, discord.Thread)
            if channel.id in skip or (thread and channel.archived):
                continue
            place = MessagePlace(channel.id, channel.parent_id if thread else None)
            rights = channel.permissions_for(guild.me)
            if should_screen(policy, place)[0] and rights.read_message_history:
                found.append(channel)
    return sorted(found, key=lambda channel: channel.id)


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
