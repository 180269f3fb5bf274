"""The interaction type every cog uses: its `client` is the FilmBot, so `.services` is typed."""

from __future__ import annotations

from typing import TypeAlias

import discord

from bot.app import FilmBot

Interaction: TypeAlias = discord.Interaction[FilmBot]

__all__ = ["FilmBot", "Interaction"]
