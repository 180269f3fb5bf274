"""The bot's messages in a review's own thread: finding the thread, and posting parts as a
`PartSender` for bot.webhooks.send_parts (each part's id is saved before the next goes out,
and a part whose send was begun but whose id was not saved, after a crash or a lost answer,
is looked for among the bot's messages in the thread before it is sent again)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from bot.app import FilmBot
from bot.journal import StepContext
from cogs._own_messages import by_user, find_own, passing

log = logging.getLogger(__name__)
H = TypeVar("H")
T = TypeVar("T")


def retry_passing(
    step: Callable[[H, StepContext], Awaitable[T]],
) -> Callable[[H, StepContext], Awaitable[T]]:
    """A review step in which Discord's passing trouble (a 429, a 5xx) is Retryable: the
    journal tries again later instead of undoing the review; refusals stay final."""

    @functools.wraps(step)
    async def run(handler: H, ctx: StepContext) -> T:
        try:
            return await step(handler, ctx)
        except discord.HTTPException as error:
            retry = passing(error)
            if retry is None:
                raise
            raise retry from error

    return run


async def fetch_thread(guild: discord.Guild, thread_id: int | None) -> discord.Thread | None:
    """The thread, from the cache or from Discord; None when it is gone (deleted by hand)."""
    if thread_id is None:
        return None
    cached = guild.get_thread(thread_id)
    if cached is not None:
        return cached
    try:
        channel = await guild.fetch_channel(thread_id)
    except discord.NotFound:
        return None
    return channel if isinstance(channel, discord.Thread) else None


class ThreadParts:
    """Posts, finds and deletes the bot's own messages in one thread, inside a journal step."""

    def __init__(self, bot: FilmBot, thread_id: int, ctx: StepContext) -> None:
        self._bot = bot
        self._thread = bot.get_partial_messageable(thread_id)
        self._ctx = ctx

    async def send(self, part: str) -> int:
        message = await self._thread.send(part)
        index = self._ctx.state.get("sending") or 0  # saved by send_parts before this send
        self._ctx.reach(f"sent-{index + 1}")  # posted, its id not yet saved
        return message.id

    async def find(self, part: str, after: int) -> int | None:
        """A message of the bot's with this text after `after` (a part whose id was lost)."""
        return await find_own(
            self._thread, by_user(self._bot), lambda m: m.content == part, after=after
        )

    async def delete(self, message_id: int) -> None:
        """Delete a posted part (one already gone is done)."""
        try:
            await self._thread.get_partial_message(message_id).delete()
        except discord.NotFound:
            log.info("message %s was already gone", message_id)
