"""Completes the journal's unfinished intents whenever the bot (re)connects (docs/journal.md).
By then every cog has registered its handlers. The work runs in the journal's own task, which
the services stop before the database closes, so a bot closing meanwhile loses nothing."""

from __future__ import annotations

from discord.ext import commands

from bot.app import FilmBot


class JournalResume(commands.Cog):
    """on_ready (start-up and every non-resumable reconnect) and on_resumed: resume intents."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    async def cog_unload(self) -> None:
        # Bot.close() removes cogs before it closes the HTTP session: stop retrying first.
        await self.bot.services.journal.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.bot.services.journal.request_resume()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self.bot.services.journal.request_resume()


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(JournalResume(bot))
