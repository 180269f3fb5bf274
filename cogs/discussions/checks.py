"""Who may open and manage discussions, using the moderation settings' idea of a moderator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discussions.rules import check_starter
from bot.errors import UserFacingError
from cogs import _checks as checks
from cogs._checks import NotAllowed, granted, is_moderator, services
from cogs._types import Interaction

T = TypeVar("T")


async def _starter(interaction: Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed("Film discussions only work inside a server.")
    settings = await services(interaction).discussions.settings(interaction.guild.id)
    try:
        check_starter(
            is_moderator=await is_moderator(interaction),
            starter_role_id=settings.starter_role_id,
            role_ids=[role.id for role in interaction.user.roles],
        )
    except UserFacingError as refused:
        raise NotAllowed(refused.message) from None
    return True


def starter_only() -> Callable[[T], T]:
    """/discuss start and reopen: moderators and the server's starter role."""
    return app_commands.check(_starter)


def member_permissions(
    interaction: Interaction, channel: discord.abc.GuildChannel | discord.Thread
) -> frozenset[str]:
    """What the member asking may do in `channel` (its overwrites as last read)."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return frozenset()
    return granted(channel.permissions_for(member))


OUTSIDE_A_SERVER = "Film discussions only work inside a server."


def guild_of(interaction: Interaction) -> discord.Guild:
    """The server of a /discuss command (the group is guild-only); refused in a DM."""
    return checks.guild_of(interaction, OUTSIDE_A_SERVER)


def guild_id_of(interaction: Interaction) -> int:
    """The id of a /discuss command's server; refused in a DM."""
    return checks.guild_id_of(interaction, OUTSIDE_A_SERVER)
