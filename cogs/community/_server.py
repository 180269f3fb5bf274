"""The server a community command runs in (every one of them is guild-only)."""

from __future__ import annotations

import discord

from bot.errors import InvalidInput
from cogs._types import Interaction


def server_of(interaction: Interaction) -> discord.Guild:
    """The interaction's server; refused (as Discord would not even offer it) outside one."""
    if interaction.guild is None:
        raise InvalidInput("The film club belongs to a server: use this command in one.")
    return interaction.guild
