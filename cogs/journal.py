"""Completes the journal's unfinished intents whenever the bot (re)connects, and runs its
retry loop (docs/journal.md). By then every cog has registered its handlers."""

from __future__ import annotations

import logging
from datetime import timedelta

from discord.ext import commands

from bot.app import FilmBot
from bot.errors import StorageUnavailable

log = logging.getLogger(__name__)

KEEP_FINISHED = timedelta(days=30)  # finished intents are kept this long (cases keep theirs)


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
        if not journal.running:  # the first ready: start the loop, forget old finished intents
            journal.start()
            try:
                pruned = await journal.store.prune(KEEP_FINISHED, journal.clock.now())
            except StorageUnavailable:  # logged and shown in /about; resuming still matters
                pruned = 0
            if pruned:
                log.info(
                    "journal: %d finished intent(s) older than %s deleted", pruned, KEEP_FINISHED
                )
        finished = await journal.resume_unfinished()
        if finished:
            log.info("journal (%s): %d unfinished intent(s) carried out", why, len(finished))


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(JournalResume(bot))
