"""Members' messages and edits, screened as they arrive; the catch-up of unscreened ones.

The message path (cogs/messages.py) calls `screen` with the message's context (discussion,
film, place, the author's roles); this cog hands it to the core (bot/screening/service.py)
and lets the desk act on the verdict. Messages that
arrive while the model loads, or when the queue is full, are stored unscreened; the catch-up
screens them once the model is ready, and every few minutes after that. Before it, once ready,
the sweep (sweep.py) raises the hides and alerts a crash left unwritten.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.message_path import MessageContext
from bot.screening.model import IncomingMessage
from bot.text import counted
from cogs._steps import ScreeningStep
from cogs.screening.desk import ReviewDesk
from cogs.screening.sweep import raise_missing

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 120
CATCH_UP_BATCH = 200
SHUTDOWN_WAIT_SECONDS = 10


class Screening(commands.Cog, ScreeningStep):
    """Screens members' messages; its desk hides, alerts and restores."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.desk = ReviewDesk(bot)
        self._catch_up: asyncio.Task[None] | None = None
        self.swept = asyncio.Event()  # set once the start-up sweep has run (tests wait on it)
        self._in_flight: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.desk.register()
        self._catch_up = asyncio.create_task(self._catch_up_loop(), name="screening-catch-up")

    async def cog_unload(self) -> None:
        """At shutdown: stop the catch-up, let messages being screened finish (the database
        closes after this)."""
        if self._catch_up is not None:
            self._catch_up.cancel()
            await asyncio.gather(self._catch_up, return_exceptions=True)
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=SHUTDOWN_WAIT_SECONDS)
        self.desk.unregister()

    async def screen(self, message: discord.Message, context: MessageContext) -> None:
        """Screen one message (or a new revision of it) and act on the verdict: the message
        path's second step (cogs/messages.py).

        Then dispatches `on_message_screened(message, handled)` for other cogs (and tests).
        """
        incoming = incoming_message(message, context.film_id, context.place.parent_id)
        await self.screen_incoming(incoming, context, message)

    async def screen_repost(
        self, context: MessageContext, parts: dict[int, str], author_id: int
    ) -> None:
        """Screen a guard re-post as its original author's message (each part by its id)."""
        for message_id, content in parts.items():
            incoming = IncomingMessage(
                guild_id=context.guild_id,
                channel_id=context.place.channel_id,
                message_id=message_id,
                author_id=author_id,
                content=content,
                film_id=context.film_id,
                parent_id=context.place.parent_id,
            )
            await self.screen_incoming(incoming, context, None)

    async def screen_incoming(
        self, incoming: IncomingMessage, context: MessageContext, message: object
    ) -> None:
        """Screen and act; `message` (discord.py's, when there is one) goes to the event."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._screen(incoming, context, message)
        finally:
            self._in_flight.discard(task)

    async def _screen(
        self, incoming: IncomingMessage, context: MessageContext, message: object
    ) -> None:
        services = self.bot.services
        film_id = context.film_id
        film = await services.film_details(film_id) if film_id is not None else None
        handled = await services.screening.handle_message(
            incoming, context.place, context.author_roles, film=film
        )
        try:
            if handled.review_item is not None:
                await self.desk.act_on(handled)
        finally:
            self.bot.dispatch("message_screened", message or incoming, handled)

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
        try:
            await raise_missing(self.desk, [guild.id for guild in self.bot.guilds])
        except Exception:
            log.exception("screening: the start-up sweep of review items failed")
        self.swept.set()
        if not await self.bot.services.screening_startup.wait_loaded():
            return
        while True:
            try:
                await self.catch_up()
            except Exception:
                log.exception("screening catch-up failed; trying again later")
            await asyncio.sleep(CATCH_UP_SECONDS)


def screening_cog(bot: FilmBot) -> Screening:
    """The loaded screening cog, typed (the one way other modules reach it and its desk)."""
    cog = bot.get_cog(Screening.__cog_name__)
    if not isinstance(cog, Screening):
        raise RuntimeError("the screening cog is not loaded")
    return cog


def desk_of(bot: FilmBot) -> ReviewDesk:
    """The review desk the screening cog built once: the review buttons, the report menu and
    /mod queue act through it."""
    return screening_cog(bot).desk


def incoming_message(
    message: discord.Message, film_id: int | None, parent_id: int | None
) -> IncomingMessage:
    """A server message as screening stores it (the message path only passes those)."""
    if message.guild is None:
        raise ValueError("only messages in a server are screened")
    return IncomingMessage(
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        film_id=film_id,
        parent_id=parent_id,
    )
