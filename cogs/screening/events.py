"""Members' messages and edits, screened as they arrive; the catch-up of unscreened ones.

The message path (cogs/messages.py) calls `screen` with the message's context (discussion,
film, place, the author's roles); this cog hands it to the core (bot/screening/service.py)
and lets the desk act on the verdict. Messages that
arrive while the model loads, or when the queue is full, are stored unscreened; the catch-up
screens them once the model is ready, and every few minutes after that. Before it, once ready,
the sweep (sweep.py) raises the hides and alerts a crash left unwritten.

The embedded backend's second look comes after the first verdict: its results arrive here
(`_look_loop`), a message it flags gets its alert through the desk like any flag, and then
`on_second_look(handled)` is dispatched. A deleted message's pending look is dropped: at its
deletion event, when the replies catch-up finds it gone, and, before a look flags (or ends a
look resumed after a restart), when it was recorded deleted or Discord says it is gone
(gone.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.message_path import MessageContext
from bot.replies.backfill import BackfillReport
from bot.screening.model import IncomingMessage, ScreenedMessage
from bot.tasks import settle, stop_task
from bot.text import counted
from cogs._steps import ScreeningStep
from cogs.screening.desk import ReviewDesk
from cogs.screening.gone import message_gone
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
        self._looks: asyncio.Task[None] | None = None
        self.swept = asyncio.Event()  # set once the start-up sweep has run (tests wait on it)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()

    async def cog_load(self) -> None:
        self.desk.register()
        self._catch_up = asyncio.create_task(self._catch_up_loop(), name="screening-catch-up")
        self._looks = asyncio.create_task(self._look_loop(), name="screening-second-looks")

    async def cog_unload(self) -> None:
        """At shutdown: stop the catch-up and the second looks (those not settled stay
        pending), let messages being screened finish (the database closes after this)."""
        self._closing.set()  # ends the catch-up loop even if the cancel below is lost
        await stop_task(self._catch_up)
        await stop_task(self._looks)
        await settle(self._in_flight, timeout=SHUTDOWN_WAIT_SECONDS)
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

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._forget_looks([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._forget_looks(sorted(payload.message_ids))

    async def _forget_looks(self, message_ids: list[int]) -> None:
        """Deleted messages are never flagged by a second look still to come; then
        `on_second_look_forgotten(message_ids)` is dispatched (tests wait for it)."""
        await self.bot.services.screening.second_looks.forget(message_ids)
        self.bot.dispatch("second_look_forgotten", message_ids)

    @commands.Cog.listener()
    async def on_catch_up_finished(self, why: str, reports: list[BackfillReport]) -> None:
        """Messages the replies catch-up found deleted while the bot was away: their pending
        looks end unflagged."""
        gone = sorted({message_id for report in reports for message_id in report.tombstoned})
        if gone:
            await self._forget_looks(gone)

    async def _gone(self, stored: ScreenedMessage) -> bool:
        return await message_gone(self.bot, stored)

    async def _look_loop(self) -> None:
        """Settle the second looks as they come back; alert on those that flag."""
        if not await self.bot.services.screening_startup.wait_loaded():
            return
        looks = self.bot.services.screening.second_looks
        while not self._closing.is_set():
            finished = await looks.finished()
            if finished is None:
                return  # the backend has no second look after the verdict
            try:
                for handled in await looks.settle(finished, gone=self._gone):
                    if handled.review_item is not None:
                        await self.desk.act_on(handled)
                    self.bot.dispatch("second_look", handled)
            except Exception:  # they stay pending: the next catch-up submits them again
                log.exception("settling %s failed", counted(len(finished), "second look"))

    async def catch_up(self) -> int:
        """Screen what waited (start-up, a full queue, errors); returns how many were screened.
        Then hand the second look what waits for it (after a restart, a full queue)."""
        total = 0
        while True:
            result = await self.bot.services.screening.catch_up(limit=CATCH_UP_BATCH)
            total += result.screened
            for handled in result.flagged_or_hidden:
                await self.desk.act_on(handled)
            if result.screened + result.failed < CATCH_UP_BATCH or self._closing.is_set():
                break
        if total:
            log.info("screening caught up on %s", counted(total, "message"))
        looks = await self.bot.services.screening.second_looks.catch_up()
        if looks:
            log.info("screening: %s queued for the second look", counted(looks, "message"))
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
        while not self._closing.is_set():
            try:
                await self.catch_up()
            except Exception:
                log.exception("screening catch-up failed; trying again later")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CATCH_UP_SECONDS):
                    await self._closing.wait()


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
