"""Reaction counts on the comments the reply store keeps (shown by /thread tree, "Show reply
chain" and the exports), from reaction events; the catch-up reads them from history too."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from cogs._steps import CaptureStep, find_cog

log = logging.getLogger(__name__)


def reaction_counts(message: discord.Message) -> dict[str, int]:
    """{emoji: count} as Discord reports them on a message (read during a catch-up)."""
    return {str(r.emoji): r.count for r in message.reactions if r.count > 0}


class ReactionCounts(commands.Cog):
    """Keeps message_reactions in step with Discord for captured channels."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    async def _captured(self, channel_id: int) -> bool:
        capturing = find_cog(self.bot, CaptureStep)
        channel = self.bot.get_channel(channel_id)
        return capturing is not None and channel is not None and await capturing.captures(channel)

    async def _change(self, payload: discord.RawReactionActionEvent, delta: int) -> None:
        if payload.guild_id is None or not await self._captured(payload.channel_id):
            return
        reactions = self.bot.services.community.reactions
        await reactions.change(payload.message_id, str(payload.emoji), delta)
        self.bot.dispatch("reaction_counted", payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._change(payload, +1)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._change(payload, -1)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        if await self._captured(payload.channel_id):
            await self.bot.services.community.reactions.replace(payload.message_id, {})
