"""Edits and deletions of members' messages in discussion threads, posted to the mod log.

Only film discussion threads (opened with /discuss start) count. A comment the spoiler guard
took down is not logged as a deletion: the guard's own record keeps the original.
The earlier text comes from discord.py's message cache: a message the bot has not seen since
it started has no "before" to show, so its edit says so and its deletion is not posted.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.services import Services

log = logging.getLogger(__name__)
NOT_SEEN = "(the bot had not seen the earlier text)"


async def discussion_thread(services: Services, channel: object) -> discord.Thread | None:
    """`channel` if edits and deletions there go to the mod log (a film discussion thread)."""
    if not isinstance(channel, discord.Thread):
        return None
    return channel if await services.discussions.by_thread(channel.id) is not None else None


class ThreadChanges(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message, before = payload.message, payload.cached_message
        if payload.guild_id is None or message.author.bot:
            return
        thread = await discussion_thread(self.bot.services, message.channel)
        if thread is None:
            return
        if message.edited_at is None or (before is not None and before.content == message.content):
            return  # an embed unfurled, a pin: not an edit of the text
        await self.bot.services.moderation.log_message_edit(
            payload.guild_id,
            author_name=message.author.display_name,
            author_id=message.author.id,
            channel_name=thread.name,
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
        if message.author.bot:
            return
        thread = await discussion_thread(self.bot.services, message.channel)
        if thread is None:
            return
        if await self.bot.services.guard.already_handled(payload.message_id):
            return  # the spoiler guard re-posted it; its record keeps the original
        await self.bot.services.moderation.log_message_delete(
            payload.guild_id,
            author_name=message.author.display_name,
            author_id=message.author.id,
            channel_name=thread.name,
            content=message.content,
            jump_url=thread.jump_url,
        )
