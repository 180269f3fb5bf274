"""Completes the journal's unfinished intents whenever the bot (re)connects, and runs its
retry loop (docs/journal.md). By then every cog has registered its handlers."""

from __future__ import annotations

import logging

from discord.ext import commands

from bot.app import FilmBot

log = logging.getLogger(__name__)


class JournalResume(commands.Cog):
    """on_ready (start-up and every non-resumable reconnect) and on_resumed: resume intents."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self._resume("connected")

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        await self._resume("resumed")

    async def _resume(self, why: str) -> None:
        journal = self.bot.services.journal
        journal.start()
        finished = await journal.resume_unfinished()
        if finished:
            log.info("journal (%s): %d unfinished intent(s) carried out", why, len(finished))


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(JournalResume(bot))
