"""Capturing every message of discussion threads and tracked channels, and catching up at start-up.

The message path (cogs/messages.py) calls `capture` last, after the guard and screening; it
only queues work for the batched writer (bot/replies/capture.py). Deletions are heard here. The
start-up catch-up runs as a background task once the bot is ready, so it never delays on_ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.replies.backfill import BackfillReport
from bot.replies.capture import ReplyCapture
from bot.replies.model import Unwritten
from bot.tasks import settle, stop_task
from cogs._steps import CaptureStep, PathStep, ScreeningStep, find_cog
from cogs.replies.catchup import Readable, catch_up_channel, screened_channels
from cogs.replies.records import Capturable, thread_parent, to_record
from cogs.replies.unwritten import UnwrittenNotes, resolve_unwritten

log = logging.getLogger(__name__)


class ReplyCapturing(commands.Cog, CaptureStep):
    """Listeners feeding the reply store; `settled()` waits for the ones still deciding."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.services = bot.services
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._titled: set[int] = set()
        self._closing = False
        self.startup_catch_up: asyncio.Task[list[BackfillReport]] | None = None
        self.last_catch_up: asyncio.Task[list[BackfillReport]] | None = None
        self._sessions = 0
        self.notes = UnwrittenNotes(bot)

    async def cog_unload(self) -> None:
        """On shutdown: stop the catch-up, let the handlers still running queue their work (the
        writer is flushed and stopped after this, before the database closes)."""
        self._closing = True
        await self.notes.close()
        for task in (self.startup_catch_up, self.last_catch_up):
            await stop_task(task)
        await settle(self._in_flight)

    @property
    def capture_writer(self) -> ReplyCapture:
        """The batched writer of the reply store."""
        return self.services.replies.capture

    # --- what is captured -------------------------------------------------------------------
    async def captures(self, channel: object, *, is_discussion: bool = False) -> bool:
        """Whether messages in `channel` are kept (a discussion thread or a tracked channel)."""
        guild = getattr(channel, "guild", None)
        if guild is None or not isinstance(channel, Capturable):
            return False
        if is_discussion:
            return True
        return await self.services.replies.scope.captures(
            guild.id,
            channel.id,
            parent_id=thread_parent(channel),
            is_thread=isinstance(channel, discord.Thread),
        )

    async def settled(self) -> None:
        """Return once every event received so far is in the database (commands call it first,
        so a tree shows the message posted just before)."""
        path = find_cog(self.bot, PathStep)
        if path is not None:
            await path.settled()
        while self._in_flight:
            await asyncio.wait(set(self._in_flight))
        await self.capture_writer.flush()

    # --- events -----------------------------------------------------------------------------
    def capture(
        self, message: discord.Message, *, edit: bool = False, before: discord.Message | None = None
    ) -> None:
        """The message path's last step (cogs/messages.py): queue the message for the writer."""
        if self._closing:
            return
        if not edit:
            if message.edited_at is not None:
                # discord.py applied an edit to this cached message before this handler ran:
                # the edit event records both the first text and the edit.
                return
            record = to_record(message)
            if record is not None:
                self.capture_writer.record(record)
                if isinstance(message.channel, Capturable):
                    self._remember_title(message.channel)
            return
        if message.edited_at is None:
            return  # an embed unfurled or a pin: the text did not change
        # The text before the edit too, in case it was not stored yet (see above).
        for seen in (before, message):
            record = to_record(seen) if seen is not None else None
            if record is not None:
                self.capture_writer.record(record)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            self.capture_writer.mark_deleted(payload.message_id)
            await self._note(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            message_ids = sorted(payload.message_ids)
            for message_id in message_ids:
                self.capture_writer.mark_deleted(message_id, bulk=True)
            await self._note(
                payload.guild_id, payload.channel_id, message_ids, Unwritten.BULK_DELETE
            )

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """The message path handles the edit; this notes it until it is written."""
        if payload.guild_id is not None and payload.message.edited_at is not None:
            await self._note(
                payload.guild_id, payload.channel_id, [payload.message_id], Unwritten.EDIT
            )

    async def _note(
        self,
        guild_id: int,
        channel_id: int,
        message_ids: list[int],
        kind: Unwritten = Unwritten.DELETE,
    ) -> None:
        """Note an event of a captured channel (or of one not in the cache) until written."""
        if self._closing:
            return
        task = asyncio.current_task()  # the unload waits for it, so no note is cut short
        if task is not None:
            self._in_flight.add(task)
        try:
            channel = self.bot.get_channel(channel_id)
            if channel is None or await self.captures(channel):
                await self.notes.note(channel_id, guild_id, message_ids, kind)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    def _remember_title(self, channel: Capturable) -> None:
        """The thread's name, for exports and `threads list` (once per thread per run)."""
        if channel.id in self._titled:
            return
        self._titled.add(channel.id)
        task = asyncio.create_task(
            self.services.replies.set_thread_title(channel.id, channel.guild.id, channel.name)
        )
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    # --- catch-up from the marks ----------------------------------------------------------
    async def cog_load(self) -> None:
        self.capture_writer.on_recovered = self._reread
        if self.bot.settings.replies_catch_up:
            self.startup_catch_up = self.last_catch_up = asyncio.create_task(
                self._catch_up_when_ready(), name="reply-catch-up-start-up"
            )

    async def _catch_up_when_ready(self) -> list[BackfillReport]:
        await self.bot.wait_until_ready()
        return await self._catch_up_all("start-up")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Every READY after the first is a non-resumable reconnect: the events of the gap
        are lost, so every active channel is read again from its mark."""
        self._sessions += 1
        if self._sessions == 1 or not self.bot.settings.replies_catch_up or self._closing:
            return
        previous = self.last_catch_up
        self.last_catch_up = asyncio.create_task(
            self._after(previous, "reconnect"), name="reply-catch-up-reconnect"
        )

    def _reread(self) -> None:
        """More captured writes were refused than could be held, and writes work again: every
        channel is read again from its mark (which stayed before the first refused one)."""
        if self._closing or not self.bot.settings.replies_catch_up:
            return
        previous = self.last_catch_up
        self.last_catch_up = asyncio.create_task(
            self._after(previous, "storage"), name="reply-catch-up-storage"
        )

    async def _after(
        self, previous: asyncio.Task[list[BackfillReport]] | None, why: str
    ) -> list[BackfillReport]:
        if previous is not None and not previous.done():
            with contextlib.suppress(Exception):
                await previous  # one catch-up at a time; this one reads what came since
        return await self._catch_up_all(why)

    async def _catch_up_all(self, why: str) -> list[BackfillReport]:
        reports = []
        resolved = await resolve_unwritten(self.bot)
        captured = await self._active_channels()
        screened = await self._screened_channels({channel.id for channel in captured})
        for channel, is_captured in [(c, True) for c in captured] + [(c, False) for c in screened]:
            report = await self.catch_up(channel, captured=is_captured)
            if report is not None:
                reports.append(report)
        capture = self.capture_writer
        if capture.rereading:  # every channel was read again: the marks may move on
            await capture.flush()
            capture.reread_done()
            await capture.flush()
        new = sum(len(r.new) for r in reports)
        gone = sum(len(r.tombstoned) for r in reports)
        log.info(
            "%s catch-up: %d channels read, %d messages new, %d edited, %d gone; "
            "%d noted edits and deletions resolved",
            why,
            len(reports),
            new,
            sum(len(r.edited) for r in reports),
            gone,
            resolved,
        )
        self.bot.dispatch("catch_up_finished", why, reports)
        return reports

    async def catch_up(self, channel: Readable, *, captured: bool = True) -> BackfillReport | None:
        """Read what was posted after the channel's mark; None if Discord refused."""
        try:
            return await catch_up_channel(self.bot, channel, captured=captured)
        except discord.HTTPException as error:
            log.warning("catch-up of %s skipped: %s", channel, error)
            return None

    async def _screened_channels(self, captured: set[int]) -> list[Readable]:
        """Channels screened but not captured (screening catches them up from their marks)."""
        if find_cog(self.bot, ScreeningStep) is None:
            return []
        screening = self.services.screening
        policies = {guild.id: await screening.policy(guild.id) for guild in self.bot.guilds}
        return screened_channels(self.bot, policies, captured)

    async def _active_channels(self) -> list[Readable]:
        """Open discussion threads and tracked channels the bot can see, oldest id first."""
        ids: set[int] = set()
        for guild in self.bot.guilds:
            ids.update(d.thread_id for d in await self.services.discussions.list_open(guild.id))
            ids.update(self.services.replies.scope.tracked(guild.id))
        channels = [self.bot.get_channel(channel_id) for channel_id in sorted(ids)]
        return [
            channel
            for channel in channels
            if isinstance(channel, Readable)
            and not (isinstance(channel, discord.Thread) and channel.archived)
        ]
