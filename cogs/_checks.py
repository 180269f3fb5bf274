"""Who may use moderators' commands, and the plain facts the core's rules need, gathered from
an interaction: shared by every feature (moderation, screening, discussions, replies...).

The /mod group (cogs/_mod_group.py) carries Discord's default permission (Timeout Members),
so members without it do not even see it; `moderator_only()` checks again on every use
against the server's configured moderator roles. `mod_action(action)` is that check plus the Discord permission
the action uses (ban needs Ban Members...), stated once in bot/moderation/rules.py;
`ensure_can(interaction, action)` is the same check for a button pressed later (a
confirmation, a review alert): it reads the presser's roles and permissions at the click.
`server_manager_only()` guards settings changes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import InvalidInput, UserFacingError
from bot.moderation.model import Action
from bot.moderation.requests import GuildFacts
from bot.moderation.rules import (
    MODERATOR_PERMISSIONS,
    Person,
    check_can_make_bot_remove,
    check_moderator,
    check_moderator_permission,
    check_server_manager,
)
from bot.services import Services
from bot.text import joined
from cogs._types import Interaction

T = TypeVar("T")


class NotAllowed(app_commands.CheckFailure):
    """A refused check; the bot's error handler shows the message as it is."""


def services(interaction: Interaction) -> Services:
    """The bot's services, what every command reaches the core through."""
    return interaction.client.services


OUTSIDE_A_SERVER = "This command only works inside a server."


def guild_id_of(interaction: Interaction, refusal: str = OUTSIDE_A_SERVER) -> int:
    """The server a guild-only command was used in; `refusal` is shown in a DM."""
    if interaction.guild_id is None:
        raise NotAllowed(refusal)
    return interaction.guild_id


def guild_of(interaction: Interaction, refusal: str = OUTSIDE_A_SERVER) -> discord.Guild:
    """The server a guild-only command was used in, as discord.py caches it."""
    if interaction.guild is None:
        raise NotAllowed(refusal)
    return interaction.guild


def granted(permissions: discord.Permissions) -> frozenset[str]:
    """Permission names as discord.py spells them, for the core's rules."""
    return frozenset(name for name, value in permissions if value)


def check_bot_can(
    interaction: Interaction,
    channel: discord.abc.GuildChannel | discord.Thread,
    needs: dict[str, str],
    what: str,
) -> None:
    """Refuse, naming what is missing, when the bot lacks any of `needs` (discord.py's
    permission name -> the name Discord shows) in `channel`; `what` is the refused job
    ("screen", "keep the replies of")."""
    permissions = channel.permissions_for(guild_of(interaction).me)
    missing = [shown for flag, shown in needs.items() if not getattr(permissions, flag)]
    if missing:
        raise InvalidInput(
            f"I cannot {what} {channel.mention}: I need {joined(missing)} there. "
            "Give me the permission, then try again."
        )


def person(user: discord.abc.User) -> Person:
    """A member with their top role, or someone not in the server (top role None)."""
    if isinstance(user, discord.Member):
        admin = user.guild_permissions.administrator
        return Person(user.id, user.display_name, user.top_role.position, administrator=admin)
    return Person(user.id, user.display_name, None)


def guild_facts(interaction: Interaction) -> GuildFacts:
    """The server, the bot (with its top role) and the bot's permissions in this channel."""
    assert interaction.guild is not None  # the /mod group is guild-only
    return guild_facts_for(interaction.guild, permissions=interaction.app_permissions)


def guild_facts_for(
    guild: discord.Guild,
    channel: discord.abc.GuildChannel | discord.Thread | None = None,
    *,
    permissions: discord.Permissions | None = None,
) -> GuildFacts:
    """The same facts outside an interaction (other features acting on a message they saw):
    the bot's permissions in `channel`, or server-wide without one."""
    if permissions is None:
        me = guild.me
        permissions = channel.permissions_for(me) if channel is not None else me.guild_permissions
    return GuildFacts(
        guild_id=guild.id,
        guild_name=guild.name,
        owner_id=guild.owner_id or 0,
        bot=person(guild.me),
        bot_permissions=granted(permissions),
    )


def _is_owner(interaction: Interaction) -> bool:
    return interaction.guild is not None and interaction.user.id == interaction.guild.owner_id


async def ensure_moderator(interaction: Interaction, where: str) -> None:
    """Refuse (a user-facing error) unless the caller is a moderator of this server by its
    moderation settings: a moderator role, Timeout Members, or the owner. `where` finishes
    "... only work inside a server" for a DM."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed(f"{where} only work inside a server.")
    config = await services(interaction).moderation.config.get(interaction.guild.id)
    try:
        check_moderator(
            config=config,
            role_ids=[role.id for role in interaction.user.roles],
            permissions=granted(interaction.permissions),
            is_owner=_is_owner(interaction),
        )
    except UserFacingError as refused:
        raise NotAllowed(refused.message) from None


async def ensure_can(
    interaction: Interaction, action: Action, where: str = "Moderation commands"
) -> None:
    """Refuse unless the caller (or presser, for a button) is a moderator now AND holds the
    Discord permission `action` uses; run at every use, so a role lost since counts."""
    await ensure_moderator(interaction, where)
    try:
        check_moderator_permission(
            action, granted(interaction.permissions), is_owner=_is_owner(interaction)
        )
    except UserFacingError as refused:
        raise NotAllowed(refused.message) from None


async def is_moderator(interaction: Interaction) -> bool:
    """The same test as a yes/no (features that let moderators do more)."""
    try:
        await ensure_moderator(interaction, "Moderators")
    except NotAllowed:
        return False
    return True


async def _moderator(interaction: Interaction) -> bool:
    await ensure_moderator(interaction, "Moderation commands")
    return True


def _server_manager(refusal: str | None) -> Callable[[Interaction], Coroutine[Any, Any, bool]]:
    async def predicate(interaction: Interaction) -> bool:
        try:
            check_server_manager(
                permissions=granted(interaction.permissions), is_owner=_is_owner(interaction)
            )
        except UserFacingError as refused:
            raise NotAllowed(refusal or refused.message) from None
        return True

    return predicate


def ensure_can_make_bot_remove(interaction: Interaction, what: str) -> None:
    """Refuse a setting that makes the bot delete members' messages (`what`: "set a hide
    threshold") unless the caller holds Manage Messages (or is an admin or the owner)."""
    try:
        check_can_make_bot_remove(
            what, permissions=granted(interaction.permissions), is_owner=_is_owner(interaction)
        )
    except UserFacingError as refused:
        raise NotAllowed(refused.message) from None


def moderator_only() -> Callable[[T], T]:
    """Every /mod command: the caller must be a moderator of this server (checked each time)."""
    return app_commands.check(_moderator)


def mod_action(action: Action) -> Callable[[T], T]:
    """A /mod command that does `action`: the moderator check and the action's Discord
    permission, at every use. Also sets the permission as the command's default (Discord
    applies defaults to top-level commands only; inside /mod the runtime check decides)."""
    needed = MODERATOR_PERMISSIONS[action]

    async def predicate(interaction: Interaction) -> bool:
        await ensure_can(interaction, action)
        return True

    def decorate(command: T) -> T:
        command = app_commands.check(predicate)(command)
        if len(needed) == 1:
            command = app_commands.default_permissions(**{needed[0]: True})(command)
        return command

    return decorate


def server_manager_only(refusal: str | None = None) -> Callable[[T], T]:
    """Settings changes: a moderator with Manage Server (or an admin, or the owner). `refusal`
    replaces the moderation settings' wording for other features' settings."""
    return app_commands.check(_server_manager(refusal))
