"""Who may open and manage discussions, using the moderation settings' idea of a moderator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discussions import check_starter
from bot.errors import PermissionDenied, UserFacingError
from bot.moderation.rules import check_moderator
from cogs.moderation.checks import NotAllowed, granted, services

T = TypeVar("T")


async def is_moderator(interaction: discord.Interaction) -> bool:
    """A moderator by this server's moderation settings (roles, or Timeout Members)."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        return False
    config = await services(interaction).mod_config.get_config(interaction.guild.id)
    try:
        check_moderator(
            config=config,
            role_ids=[role.id for role in interaction.user.roles],
            permissions=granted(interaction.permissions),
            is_owner=interaction.user.id == interaction.guild.owner_id,
        )
    except PermissionDenied:
        return False
    return True


async def _starter(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed("Film discussions only work inside a server.")
    settings = await services(interaction).discussion_settings.get(interaction.guild.id)
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
