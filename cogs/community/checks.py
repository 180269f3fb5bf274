"""The server a community command runs in (every one of them is guild-only), and what the
bot needs in the channels the film club uses."""

from __future__ import annotations

import discord

from bot.errors import PermissionDenied
from cogs._checks import guild_of
from cogs._types import Interaction

OUTSIDE_A_SERVER = "The film club belongs to a server: use this command in one."


def server_of(interaction: Interaction) -> discord.Guild:
    """The interaction's server; refused (as Discord would not even offer it) outside one."""
    return guild_of(interaction, OUTSIDE_A_SERVER)


def check_bot_can_plan(channel: discord.abc.GuildChannel) -> None:
    """PermissionDenied unless the bot can post a movie night's poll and thread there."""
    me = channel.guild.me
    if not (me.guild_permissions.manage_events or me.guild_permissions.create_events):
        raise PermissionDenied("I need the **Manage Events** permission to schedule movie nights.")
    perms = channel.permissions_for(me)
    if not (perms.send_messages and perms.create_public_threads):
        raise PermissionDenied(
            f"I need Send Messages and Create Public Threads in {channel.mention} for the "
            "poll and the discussion."
        )
