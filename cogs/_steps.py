"""The steps of the message path as the cogs see each other, found by type, not by name.

cogs/messages.py runs the path (spoiler guard, screening, capture); the cogs that do each step
derive from one of these classes, and `find_cog(bot, CaptureStep)` returns the loaded cog of
that kind (None when its extension is not loaded). This module is no extension, so reloading
any extension keeps the classes, and the reloaded cog is found again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord.ext import commands

from bot.message_path import MessageContext

if TYPE_CHECKING:
    from bot.journal import Intent

Step = TypeVar("Step")


def find_cog(bot: commands.Bot, kind: type[Step]) -> Step | None:
    """The loaded cog that is a `kind`, or None."""
    for cog in bot.cogs.values():
        if isinstance(cog, kind):
            return cog
    return None


class PathStep:
    """The message path itself (cogs/messages.py)."""

    async def settled(self) -> None:
        """Return once every message received so far went through all the steps."""
        raise NotImplementedError

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
        """The steps, in order, for a new message or an edit; False when this version of the
        message had already gone through them (the live event and a catch-up meeting)."""
        raise NotImplementedError

    async def screen_repost(self, payload: dict[str, Any], sent: list[int]) -> None:
        """The guard's `screen` step: its re-post, screened as the original author's."""
        raise NotImplementedError


class GuardStep:
    """The spoiler guard, first step (cogs/discussions/guard.py)."""

    async def check(self, message: discord.Message, context: MessageContext) -> Intent | None:
        """Re-post the message with spoiler tags if needed; the intent when it did."""
        raise NotImplementedError


class ScreeningStep:
    """Screening, second step (cogs/screening/events.py)."""

    async def screen(self, message: discord.Message, context: MessageContext) -> None:
        """Screen one message (or a new revision of it) and act on the verdict."""
        raise NotImplementedError

    async def screen_repost(
        self, context: MessageContext, parts: dict[int, str], author_id: int
    ) -> None:
        """Screen a guard re-post as its original author's message (each part by its id)."""
        raise NotImplementedError


class CaptureStep:
    """Reply-chain capture, last step (cogs/replies/listeners.py)."""

    async def captures(self, channel: object, *, is_discussion: bool = False) -> bool:
        """Whether messages in `channel` are kept (a discussion thread or a tracked channel)."""
        raise NotImplementedError

    def capture(
        self, message: discord.Message, *, edit: bool = False, before: discord.Message | None = None
    ) -> None:
        """Queue the message for the writer."""
        raise NotImplementedError

    async def settled(self) -> None:
        """Return once every event received so far is in the database."""
        raise NotImplementedError
