"""The server a community command runs in (every one of them is guild-only), and what the
bot needs in the channels the film club uses."""

from __future__ import annotations

import discord

from bot.errors import PermissionDenied
from cogs._checks import check_bot_can, guild_of
from cogs._types import Interaction

OUTSIDE_A_SERVER = "The film club belongs to a server: use this command in one."


def server_of(interaction: Interaction) -> discord.Guild:
    """The interaction's server; refused (as Discord would not even offer it) outside one."""
    return guild_of(interaction, OUTSIDE_A_SERVER)


def check_bot_can_schedule(guild: discord.Guild) -> None:
    """PermissionDenied unless the bot may create scheduled events and change its own (Create
    Events, or Manage Events), checked before a night is planned, moved or called off."""
    mine = guild.me.guild_permissions
    if not (mine.manage_events or mine.create_events):
        raise PermissionDenied(
            "I need the **Manage Events** (or Create Events) permission to schedule movie "
            "nights. Nothing was changed."
        )


def check_bot_can_plan(interaction: Interaction, channel: discord.TextChannel) -> None:
    """Refused unless the bot can schedule events and post a movie night's poll and open its
    discussion thread in `channel`."""
    check_bot_can_schedule(channel.guild)
    needs = {"send_messages": "Send Messages", "create_public_threads": "Create Public Threads"}
    check_bot_can(interaction, channel, needs, "post a movie night's poll and open its thread in")
