"""Edits and deletions received but not yet written survive a kill (docs/replies.md).

The batched writer keeps what it is about to write in memory. So that a killed process loses
nothing, every edit and deletion in a captured channel is first noted in the database (one
small row, `Replies.note_unwritten`), then handled as usual. Once the message path has queued
everything it does with the event, the notes are handed to the writer (`capture.resolved`),
which forgets them in the same transaction as it moves the marks, after writing what came
before them.

Each catch-up (start-up, reconnect, storage) first resolves the notes left over: a deletion
is applied as it was received; an edited message is fetched again and, if its stored copy is
older, goes through the message path as an edit. This reaches a message of any age, unlike
the read from the channel's window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.errors import NotFound
from bot.replies.model import MessageState, Unwritten, UnwrittenEvent, iso
from cogs._steps import PathStep, find_cog
from cogs.replies.catchup import Readable
from cogs.replies.records import to_record

if TYPE_CHECKING:
    from bot.app import FilmBot

log = logging.getLogger(__name__)

NOTED = "capture:noted:{kind}"  # crash point: the event is noted, nothing of it written


class UnwrittenNotes:
    """Notes events as they arrive and hands them to the writer once the path is done."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self._noted: list[int] = []  # row ids whose events may still be in the message path
        self._handing: asyncio.Task[None] | None = None
        self.closing = False

    async def note(
        self, channel_id: int, guild_id: int, message_ids: Sequence[int], kind: Unwritten
    ) -> None:
        """Note the event durably; if the database refuses, the writer's own hold applies."""
        replies = self.bot.services.replies
        try:
            row_ids = await replies.note_unwritten(channel_id, guild_id, message_ids, kind)
        except Exception as error:
            log.warning(
                "could not note %s of %s in channel %s: %s",
                kind,
                list(message_ids),
                channel_id,
                error,
            )
            return
        self.bot.services.journal.crash.reach(NOTED.format(kind=kind.value))
        self._noted.extend(row_ids)
        if not self.closing and (self._handing is None or self._handing.done()):
            self._handing = asyncio.create_task(self._hand_over(), name="reply-notes-hand-over")

    async def _hand_over(self) -> None:
        """Once the message path has queued what it does with the noted events (an edit's
        records, a deletion's change), the writer may forget them after writing those."""
        while self._noted and not self.closing:
            row_ids, self._noted = self._noted, []
            path = find_cog(self.bot, PathStep)
            if path is not None:
                await path.settled()
            if self.closing:  # the path stops capturing: leave the notes for the next start
                return
            self.bot.services.replies.capture.resolved(row_ids)

    async def close(self) -> None:
        self.closing = True
        if self._handing is not None and not self._handing.done():
            self._handing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._handing


async def resolve_unwritten(bot: FilmBot) -> int:
    """Apply the noted events not known to be written (left by a killed process, or by
    writes refused); how many messages they touched. Each is resolved at most once here."""
    replies = bot.services.replies
    await replies.capture.flush()  # what is queued already is written (and its notes gone)
    events = await replies.unwritten()
    if not events:
        return 0
    by_message: defaultdict[int, list[UnwrittenEvent]] = defaultdict(list)
    for event in events:
        by_message[event.message_id].append(event)
    log.info("resolving %d edits and deletions received but not written", len(events))
    resolved: list[int] = []
    for message_id, noted in by_message.items():
        if await _resolve(bot, message_id, noted):
            resolved.extend(event.row_id for event in noted)
    replies.capture.resolved(resolved)
    await replies.capture.flush()
    return len(by_message)


async def _resolve(bot: FilmBot, message_id: int, noted: list[UnwrittenEvent]) -> bool:
    """Apply one message's noted events; False to keep them for the next catch-up."""
    replies = bot.services.replies
    deletions = [e for e in noted if e.kind is not Unwritten.EDIT]
    if deletions:
        replies.tombstone([message_id], bulk=deletions[-1].kind is Unwritten.BULK_DELETE)
        return True
    try:
        await _refetch_edit(bot, noted[0].channel_id, message_id)
    except (discord.NotFound, discord.Forbidden) as error:
        log.warning("noted edit of %s dropped: its channel cannot be read (%s)", message_id, error)
    except discord.HTTPException as error:
        log.warning("noted edit of %s kept for the next catch-up: %s", message_id, error)
        return False
    return True


async def _refetch_edit(bot: FilmBot, channel_id: int, message_id: int) -> None:
    """The message as Discord has it now: a new version if the stored copy is older, a
    tombstone if it is gone."""
    replies = bot.services.replies
    channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
    if not isinstance(channel, Readable):
        return
    try:
        message = await channel.fetch_message(message_id)
    except discord.NotFound:
        replies.tombstone([message_id])
        return
    record = to_record(message)
    if record is None or record.edited_at is None:
        return
    try:
        stored = await replies.message(message_id)
    except NotFound:
        stored = None
    if stored is not None and (
        stored.state is not MessageState.VISIBLE or iso(stored.edited_at) == iso(record.edited_at)
    ):
        return  # that edit was written before the process stopped, or the message is gone
    path = find_cog(bot, PathStep)
    if path is not None:
        await path.handle(message, channel, edit=True, catch_up=True)
