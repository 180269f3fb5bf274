"""`/about`: version, uptime, database state and the active screening backend."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.about import collect, format_bytes
from bot.invite import invite_url, permission_labels
from bot.limits import EMBED_FIELD_VALUE
from bot.text import counted
from cogs._types import FilmBot, Interaction


class About(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(name="about")
    async def about(self, interaction: Interaction) -> None:
        """Show the bot's version, uptime, database state and screening backend."""
        info = await collect(self.bot.services, self.bot.uptime_seconds, self.bot.last_sync)
        embed = discord.Embed(title=f"FilmBot {info.version}", colour=discord.Colour.dark_teal())
        embed.add_field(name="Uptime", value=info.uptime)
        schema = f"schema v{info.schema_version}"
        if info.schema_version != info.latest_schema:
            schema += f" (code knows v{info.latest_schema})"
        database = f"{schema}, {format_bytes(info.database_bytes)}"
        if info.database_trouble:
            database += f"\n**{info.database_trouble}**"
        if info.journal_pending:
            waiting = counted(info.journal_pending, "action")
            database += f"\n{waiting} waiting to be completed or retried"
        embed.add_field(name="Database", value=database[:EMBED_FIELD_VALUE])
        embed.add_field(
            name="Screening", value=info.screening_backend[:EMBED_FIELD_VALUE], inline=False
        )
        embed.add_field(
            name="Permissions it needs",
            value=f"{permission_labels()}: [invite link]({invite_url(interaction.application_id)})",
            inline=False,
        )
        embed.set_footer(text=f"Commands: {info.command_sync}")
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(About(bot))
