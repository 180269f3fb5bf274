"""Catching up from each channel's mark (docs/replies.md, "Marks and catch-up").

After start-up and after every non-resumable reconnect, each open discussion thread and
tracked channel is read from its mark to now: oldest first, paged by discord.py (100 a
request, rate limits honoured), with progress in the log and no count cap. Every message the
bot never processed goes through the message path (guard, screening, capture). Stored
messages in the window are reconciled: one missing from the history becomes a tombstone, one
with a newer `edited_at` goes through the path as an edit (a new version). One the live
event already handled while the channel was read is skipped by the path (bot/message_path.py,
`MessageGate`) and counted unchanged.

The window also covers the REPLIES_RECONCILE_HOURS before the mark, so edits and deletions
made while the bot was away (or lost with a session) to recent messages are found. Those the
bot received but had not written when it was killed are noted in the database as they arrive
and resolved whatever the message's age (cogs/replies/unwritten.py).

Channels that are screened but not captured (screening scope "everywhere", or a channel set
to screen) keep a mark too and are read from it the same way, with nothing to reconcile. One
with no mark yet is not read back at all: its mark starts at its newest message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeAlias

import discord

from bot.replies.backfill import BackfillReport
from bot.replies.model import iso
from bot.screening.policy import MessagePlace, ScreeningPolicy, should_screen
from cogs._steps import PathStep, find_cog
from cogs.replies.records import to_record

if TYPE_CHECKING:
    from bot.app import FilmBot

log = logging.getLogger(__name__)

PROGRESS_EVERY = 500

Readable: TypeAlias = discord.TextChannel | discord.Thread  # a channel whose history is read


async def catch_up_channel(
    bot: FilmBot, channel: Readable, *, captured: bool = True
) -> BackfillReport:
    """Read `channel` from its window start to now through the message path; reconcile
    (`captured=False`: a screened-only channel, read from its mark)."""
    replies = bot.services.replies
    stored: dict[int, str | None] = {}
    if captured:
        start, stored = await replies.catch_up_window(channel.id)
    else:
        mark = await replies.mark(channel.id)
        if mark is None:
            return await _start_mark(bot, channel)
        start = mark
    if stored:
        log.info("catch-up of %s: re-checking %d stored messages", channel, len(stored))
    path = find_cog(bot, PathStep)
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
    gone = sorted(set(stored) - seen)  # deleted while the bot was away
    replies.tombstone(gone)
    report.tombstoned.extend(gone)
    return report


async def _start_mark(bot: FilmBot, channel: Readable) -> BackfillReport:
    """A screened channel seen for the first time: its mark starts at its newest message."""
    if channel.last_message_id is not None:
        await bot.services.replies.start_mark(channel.id, channel.guild.id, channel.last_message_id)
    return BackfillReport()


def screened_channels(
    bot: FilmBot, policies: dict[int, ScreeningPolicy], skip: set[int]
) -> list[Readable]:
    """Text channels and open threads the bot can read whose members' messages are
    screened (`policies`: guild id -> its ScreeningPolicy), except `skip`, oldest first."""
    screened: list[Readable] = []
    for guild in bot.guilds:
        policy = policies.get(guild.id)
        if policy is None:
            continue
        channels: list[Readable] = [*guild.text_channels, *guild.threads]
        for channel in channels:
            if channel.id in skip or (isinstance(channel, discord.Thread) and channel.archived):
                continue
            parent = channel.parent_id if isinstance(channel, discord.Thread) else None
            place = MessagePlace(channel.id, parent)
            rights = channel.permissions_for(guild.me)
            if should_screen(policy, place)[0] and rights.read_message_history:
                screened.append(channel)
    return sorted(screened, key=lambda channel: channel.id)


async def _through_path(
    path: PathStep | None,
    message: discord.Message,
    channel: Readable,
    stored: dict[int, str | None],
    report: BackfillReport,
) -> None:
    record = to_record(message)
    if record is None:
        return
    if message.id not in stored:
        counted, edit = report.new, False
    elif record.edited_at is not None and iso(record.edited_at) != stored[message.id]:
        counted, edit = report.edited, True
    else:
        report.unchanged += 1
        return
    # The path re-checks under the message's lock: the live event may have handled it since
    # `stored` was read (its capture not even written yet); then it counts as unchanged.
    if path is None or await path.handle(message, channel, edit=edit, catch_up=True):
        counted.append(message.id)
    else:
        report.unchanged += 1
