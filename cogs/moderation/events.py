"""Edits and deletions of members' messages in discussion threads, posted to the mod log.

For now every thread counts as a discussion thread (the discussions feature will narrow it).
The earlier text comes from discord.py's message cache: a message the bot has not seen since
it started has no "before" to show, so its edit says so and its deletion is not posted.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app import FilmBot

log = logging.getLogger(__name__)
NOT_SEEN = "(the bot had not seen the earlier text)"


def is_discussion(channel: object) -> bool:
    """Whether edits and deletions in `channel` go to the mod log."""
    return isinstance(channel, discord.Thread)


class ThreadChanges(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message, before = payload.message, payload.cached_message
        if payload.guild_id is None or message.author.bot or not is_discussion(message.channel):
            return
        if message.edited_at is None or (before is not None and before.content == message.content):
            return  # an embed unfurled, a pin: not an edit of the text
        await self.bot.services.moderation.log_message_edit(
            payload.guild_id,
            author_name=message.author.display_name,
            author_id=message.author.id,
            channel_name=message.channel.name,
            before=before.content if before is not None else NOT_SEEN,
            after=message.content,
            jump_url=message.jump_url,
        )

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        message = payload.cached_message
        if payload.guild_id is None or message is None:
            log.debug("deleted message %s was not cached: not logged", payload.message_id)
            return
        if message.author.bot or not is_discussion(message.channel):
            return
        await self.bot.services.moderation.log_message_delete(
            payload.guild_id,
            author_name=message.author.display_name,
            author_id=message.author.id,
            channel_name=message.channel.name,
            content=message.content,
            jump_url=message.channel.jump_url,
        )
