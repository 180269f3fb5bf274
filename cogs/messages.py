"""The one listener for messages and edits (bot/message_path.py): the context is looked up
once, then spoiler guard -> screening -> capture, in that order.

A guard re-post is screened inside the guard's intent as its author's message, so the
original is not screened a second time; the webhook's own message is only captured.

Every `handle` (the live events here, the catch-ups of cogs/replies) takes the message's turn
in one `MessageGate`: a version already through the path in this run is not handled again,
whichever of the live event and a catch-up came first.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.errors import StorageUnavailable
from bot.message_path import MessageContext, MessageGate, MessageVersion
from bot.screening.policy import MessagePlace, should_screen
from bot.tasks import settle
from cogs._steps import CaptureStep, GuardStep, PathStep, ScreeningStep, find_cog

log = logging.getLogger(__name__)

MEMBER_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def is_member_message(message: discord.Message) -> bool:
    """A member's own message in a server (not a bot, a webhook or a system message)."""
    return (
        message.guild is not None
        and not message.author.bot
        and message.webhook_id is None
        and message.type in MEMBER_TYPES
    )


async def context_of(bot: FilmBot, message: discord.Message, channel: object) -> MessageContext:
    """Where the message is (discussion, film, place), the author's roles, whether captured."""
    services = bot.services
    discussion = None
    if isinstance(channel, discord.Thread):
        discussion = await services.discussions.by_thread(channel.id)
        place = MessagePlace(channel.id, channel.parent_id, discussion is not None)
    else:
        place = MessagePlace(message.channel.id)
    guild = message.guild
    member = guild.get_member(message.author.id) if guild is not None else None
    roles = tuple(role.id for role in member.roles) if member is not None else ()
    capturing = find_cog(bot, CaptureStep)
    captured = capturing is not None and await capturing.captures(
        channel, is_discussion=discussion is not None
    )
    guild_id = guild.id if guild is not None else 0
    return MessageContext(guild_id, place, discussion, roles, captured)


SHUTDOWN_SECONDS = 30.0


class MessagePath(commands.Cog, PathStep):
    """on_message and on_raw_message_edit for every feature; `settled()` waits for them."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._pending: defaultdict[int, set[int]] = defaultdict(set)  # channel -> message ids
        self._gate = MessageGate()

    async def cog_unload(self) -> None:
        """At shutdown: let the messages being handled finish, within SHUTDOWN_SECONDS (what
        is left then is what a crash would leave; the journal and the catch-ups resume it)."""
        await settle(self._in_flight, timeout=SHUTDOWN_SECONDS)

    async def settled(self) -> None:
        """Return once every message received so far went through all the steps."""
        while self._in_flight:
            await asyncio.wait(set(self._in_flight))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None:
            return
        with self._tracked():
            await self.handle(message, message.channel)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message, before = payload.message, payload.cached_message
        if message.guild is None:
            return
        changed = before is None or before.content != message.content
        channel = self.bot.get_channel(payload.channel_id) or message.channel
        with self._tracked():
            await self.handle(message, channel, edit=True, changed=changed, before=before)

    async def handle(
        self,
        message: discord.Message,
        channel: object,
        *,
        edit: bool = False,
        changed: bool = True,
        before: discord.Message | None = None,
        catch_up: bool = False,
    ) -> bool:
        """The steps, in order, for a new message or an edit (`changed`: its text changed;
        `catch_up`: read back from history, so what was already screened is not again).
        False, with nothing done, when this text (or a newer one) already went through."""
        version = MessageVersion.of(message.content, message.edited_at)
        async with self._gate.turn(message.id):
            if changed and self._gate.covers(message.id, version) and not self._rereading():
                log.debug("message %s: this version was already handled", message.id)
                self.bot.dispatch("message_handled_already", message, catch_up)
                return False
            await self._through(message, channel, edit, changed, catch_up, before)
            if changed and not _left_to_the_edit(message, edit, catch_up):
                self._gate.passed(message.id, version)
        return True

    def _rereading(self) -> bool:
        """Captured writes were dropped and a catch-up re-reads them: nothing is skipped."""
        return self.bot.services.replies.capture.rereading

    async def _through(
        self,
        message: discord.Message,
        channel: object,
        edit: bool,
        changed: bool,
        catch_up: bool,
        before: discord.Message | None,
    ) -> None:
        pending = self._pending[message.channel.id]
        pending.add(message.id)
        try:
            context = await context_of(self.bot, message, channel)
            await self._steps(message, channel, context, edit, changed, catch_up, before)
        except StorageUnavailable:
            self.bot.services.replies.capture.missed(message.channel.id, message.id)
            raise
        finally:
            pending.discard(message.id)
        if not edit and (context.captured or await self.screened(context)):
            self._advance_mark(context, message.channel.id, message.id)

    async def _steps(
        self,
        message: discord.Message,
        channel: object,
        context: MessageContext,
        edit: bool,
        changed: bool,
        catch_up: bool,
        before: discord.Message | None,
    ) -> None:
        member = is_member_message(message)
        reposted = None
        guard = find_cog(self.bot, GuardStep)
        if member and changed and guard is not None and isinstance(channel, discord.Thread):
            reposted = await guard.check(message, context)
        screening = find_cog(self.bot, ScreeningStep)
        screen_it = member and changed and (not edit or message.edited_at is not None)
        if screen_it and catch_up:
            screen_it = not await self._already_screened(message)
        if screen_it and reposted is None and screening is not None:
            await screening.screen(message, context)
        capturing = find_cog(self.bot, CaptureStep)
        if capturing is not None and context.captured:
            # Read back from history already edited (posted and edited while the bot was
            # away): no edit event will come, so it is stored as the edit it is.
            as_edit = edit or (catch_up and message.edited_at is not None)
            capturing.capture(message, edit=as_edit, before=before)

    async def _already_screened(self, message: discord.Message) -> bool:
        latest = await self.bot.services.screening.latest_screening(message.id)
        return latest is not None and latest.content == message.content

    async def screened(self, context: MessageContext) -> bool:
        """Whether members' messages there are screened (whoever the author): such a channel
        keeps a mark too, so the catch-up screens what was missed."""
        if find_cog(self.bot, ScreeningStep) is None:
            return False
        policy = await self.bot.services.screening.policy(context.guild_id)
        return should_screen(policy, context.place)[0]

    def _advance_mark(self, context: MessageContext, channel_id: int, message_id: int) -> None:
        """The mark moves to this message, or to just before an older one still on its way."""
        older = [m for m in self._pending[channel_id] if m < message_id]
        safe = min(older) - 1 if older else message_id
        self.bot.services.replies.capture.mark_processed(
            context.guild_id, channel_id, safe, captured=context.captured
        )

    async def screen_repost(self, payload: dict[str, Any], sent: list[int]) -> None:
        """The guard's `screen` step: its re-post, screened as the original author's."""
        screening = find_cog(self.bot, ScreeningStep)
        channel = self.bot.get_channel(payload["thread_id"])
        if screening is None or channel is None:
            return
        discussion = await self.bot.services.discussions.by_thread(payload["thread_id"])
        guild = self.bot.get_guild(payload["guild_id"])
        member = guild.get_member(payload["author_id"]) if guild is not None else None
        roles = tuple(role.id for role in member.roles) if member is not None else ()
        place = MessagePlace(channel.id, payload["parent_id"], discussion is not None)
        context = MessageContext(payload["guild_id"], place, discussion, roles, True)
        parts = dict(zip(sent, payload["parts"], strict=True))
        await screening.screen_repost(context, parts, payload["author_id"])

    def _tracked(self) -> _Tracked:
        return _Tracked(self._in_flight)


def _left_to_the_edit(message: discord.Message, edit: bool, catch_up: bool) -> bool:
    """A live message that discord.py edited in its cache before this handler ran: its
    capture is left to the edit event (which stores both texts), so that event must not be
    skipped as a version already through the path."""
    return not edit and not catch_up and message.edited_at is not None


class _Tracked:
    """Keeps the running handler in `tasks` until it returns."""

    def __init__(self, tasks: set[asyncio.Task[Any]]) -> None:
        self.tasks = tasks
        self.task = asyncio.current_task()

    def __enter__(self) -> None:
        if self.task is not None:
            self.tasks.add(self.task)

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.tasks.discard(self.task)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(MessagePath(bot))
