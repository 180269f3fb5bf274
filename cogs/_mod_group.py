"""The /mod group, owned here so that no feature depends on another's extension.

Each feature adds its own subcommands in its extension's `setup` with `add_to_mod` and takes
only those away in `teardown` with `remove_from_mod`: moderation adds members, channels, the
ledger, `/mod ladder` and `/mod config`; screening adds `/mod screening` and `/mod queue`.
Whichever extension loads first creates the group, in any order, and reloading one extension
(`await bot.reload_extension("cogs.moderation")`) leaves the others' subcommands in place.
The group is built in this module, so discord.py's clean-up of a reloaded extension (which drops
top-level commands defined in it) never drops the group. It leaves the tree with its last
subcommand: Discord refuses an empty group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands

from bot.app import FilmBot
from bot.moderation.rules import MODERATION_PERMISSION

MOD_GROUP_NAME = "mod"
DEFAULT_PERMISSIONS = discord.Permissions(**{MODERATION_PERMISSION: True})

Subcommand = app_commands.Command[Any, ..., Any] | app_commands.Group


def mod_group(bot: FilmBot) -> app_commands.Group:
    """The bot's /mod group (created and added to the tree the first time it is asked for);
    hidden by default from members without Timeout Members."""
    group = bot.tree.get_command(MOD_GROUP_NAME)
    if isinstance(group, app_commands.Group):
        return group
    group = app_commands.Group(
        name=MOD_GROUP_NAME,
        description="Moderation: act on members, read and correct the case ledger",
        default_permissions=DEFAULT_PERMISSIONS,
        guild_only=True,
    )
    bot.tree.add_command(group)
    return group


def add_to_mod(bot: FilmBot, commands: Iterable[Subcommand]) -> None:
    """Add a feature's subcommands to /mod (a name already taken is an error)."""
    group = mod_group(bot)
    for command in commands:
        group.add_command(command)


def remove_from_mod(bot: FilmBot, commands: Iterable[Subcommand]) -> None:
    """Take a feature's subcommands out of /mod; the group goes once nothing is left in it."""
    group = bot.tree.get_command(MOD_GROUP_NAME)
    if not isinstance(group, app_commands.Group):
        return
    for command in commands:
        group.remove_command(command.name)
    if not group.commands:
        bot.tree.remove_command(MOD_GROUP_NAME)
