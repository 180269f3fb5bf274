"""The server a /discuss command runs in (the group is guild-only, so it always has one)."""

from __future__ import annotations

import discord

from bot.errors import InvalidInput
from cogs._types import Interaction

OUTSIDE_A_SERVER = "Film discussions only work inside a server."


def guild_of(interaction: Interaction) -> discord.Guild:
    """The server of the interaction; a user-facing refusal in a DM."""
    if interaction.guild is None:
        raise InvalidInput(OUTSIDE_A_SERVER)
    return interaction.guild


def guild_id_of(interaction: Interaction) -> int:
    """The id of the interaction's server; a user-facing refusal in a DM."""
    if interaction.guild_id is None:
        raise InvalidInput(OUTSIDE_A_SERVER)
    return interaction.guild_id
