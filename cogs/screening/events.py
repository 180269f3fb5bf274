"""Members' messages and edits, screened as they arrive; the catch-up of unscreened ones.

The cog gathers where a message is (a discussion thread and its film, or a channel), hands it
to the core (bot/screening/service.py) and lets the desk act on the verdict. Messages that
arrive while the model loads, or when the queue is full, are stored unscreened; the catch-up
screens them once the model is ready, and every few minutes after that.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.screening.policy import MessagePlace
from bot.text import counted
from cogs.screening.desk import ReviewDesk
from storage.screening import IncomingMessage

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 120
CATCH_UP_BATCH = 200
SHUTDOWN_WAIT_SECONDS = 10
SCREENED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class Screening(commands.Cog):
    """Screens members' messages; its desk hides, alerts and restores."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.desk = ReviewDesk(bot)
        self._catch_up: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task] = set()

    async def cog_load(self) -> None:
        self._catch_up = asyncio.create_task(self._catch_up_loop(), name="screening-catch-up")

    async def cog_unload(self) -> None:
        """At shutdown: stop the catch-up, let messages being screened finish (the database
        closes after this)."""
        if self._catch_up is not None:
            self._catch_up.cancel()
            await asyncio.gather(self._catch_up, return_exceptions=True)
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=SHUTDOWN_WAIT_SECONDS)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if is_member_message(message):
            await self.screen(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message, before = payload.message, payload.cached_message
        if not is_member_message(message) or message.edited_at is None:
            return
        if before is not None and before.content == message.content:
            return  # an embed unfurled, a pin: the text did not change
        await self.screen(message)

    async def screen(self, message: discord.Message) -> None:
        """Screen one message (or a new revision of it) and act on the verdict.

        Then dispatches `on_message_screened(message, handled)` for other cogs (and tests).
        """
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._screen(message)
        finally:
            self._in_flight.discard(task)

    async def _screen(self, message: discord.Message) -> None:
        services = self.bot.services
        place, film_id = await self.place_of(message.channel)
        member = message.guild.get_member(message.author.id)
        roles = [role.id for role in member.roles] if member is not None else []
        incoming = incoming_message(message, film_id, place.parent_id)
        film = await services.film_details(film_id) if film_id is not None else None
        handled = await services.screening.handle_message(incoming, place, roles, film=film)
        try:
            if handled.review_item is not None:
                await self.desk.act_on(handled)
        finally:
            self.bot.dispatch("message_screened", message, handled)

    async def place_of(self, channel: object) -> tuple[MessagePlace, int | None]:
        """Where a message is, and the film of its discussion thread (if it is in one)."""
        if isinstance(channel, discord.Thread):
            discussion = await self.bot.services.discussions.by_thread(channel.id)
            place = MessagePlace(channel.id, channel.parent_id, discussion is not None)
            return place, discussion.film_id if discussion is not None else None
        return MessagePlace(channel.id), None  # type: ignore[attr-defined]

    async def catch_up(self) -> int:
        """Screen what waited (start-up, a full queue, errors); returns how many were screened."""
        total = 0
        while True:
            result = await self.bot.services.screening.catch_up(limit=CATCH_UP_BATCH)
            total += result.screened
            for handled in result.flagged_or_hidden:
                await self.desk.act_on(handled)
            if result.screened + result.failed < CATCH_UP_BATCH:
                break
        if total:
            log.info("screening caught up on %s", counted(total, "message"))
        return total

    async def _catch_up_loop(self) -> None:
        await self.bot.wait_until_ready()
        if not await self.bot.services.screening_startup.wait_loaded():
            return
        while True:
            try:
                await self.catch_up()
            except Exception:
                log.exception("screening catch-up failed; trying again later")
            await asyncio.sleep(CATCH_UP_SECONDS)


def is_member_message(message: discord.Message) -> bool:
    """A member's own message in a server (not a bot, a webhook or a system message)."""
    return (
        message.guild is not None
        and not message.author.bot
        and message.webhook_id is None
        and message.type in SCREENED_TYPES
    )


def incoming_message(
    message: discord.Message, film_id: int | None, parent_id: int | None
) -> IncomingMessage:
    return IncomingMessage(
        guild_id=message.guild.id,  # type: ignore[union-attr]
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        film_id=film_id,
        parent_id=parent_id,
    )
