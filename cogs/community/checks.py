"""The server a community command runs in (every one of them is guild-only)."""

from __future__ import annotations

import discord

from cogs._checks import guild_of
from cogs._types import Interaction

OUTSIDE_A_SERVER = "The film club belongs to a server: use this command in one."


def server_of(interaction: Interaction) -> discord.Guild:
    """The interaction's server; refused (as Discord would not even offer it) outside one."""
    return guild_of(interaction, OUTSIDE_A_SERVER)
