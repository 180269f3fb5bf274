"""Keeps the database in step with Discord: threads archived, unarchived or deleted there.

Dispatches `discussion_archived(thread_id)` and `discussion_reopened(thread_id)` once the
database says so, for features (and tests) that follow a discussion's state.
"""

from __future__ import annotations

import contextlib
import logging

import discord
from discord.ext import commands

from bot.app import FilmBot
from bot.errors import InvalidInput

log = logging.getLogger(__name__)


class ThreadLifecycle(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        discussions = self.bot.services.discussions
        discussion = await discussions.by_thread(payload.thread_id)
        if discussion is None:
            return
        archived = bool((payload.data.get("thread_metadata") or {}).get("archived"))
        if archived and not discussion.archived:
            await discussions.mark_archived(payload.thread_id)
            log.info("discussion thread %s archived on Discord", payload.thread_id)
            self.bot.dispatch("discussion_archived", payload.thread_id)
        elif not archived and discussion.archived:
            with contextlib.suppress(InvalidInput):  # reopened meanwhile by /discuss reopen
                await discussions.reopen(payload.thread_id, None)  # someone posted in it
            log.info("discussion thread %s unarchived on Discord", payload.thread_id)
            self.bot.dispatch("discussion_reopened", payload.thread_id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        discussion = await self.bot.services.discussions.by_thread(payload.thread_id)
        if discussion is not None and not discussion.archived:
            await self.bot.services.discussions.mark_archived(payload.thread_id)
            log.info("discussion thread %s deleted on Discord: marked archived", payload.thread_id)
            self.bot.dispatch("discussion_archived", payload.thread_id)
