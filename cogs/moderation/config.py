"""/mod config show | add-role | remove-role | log-channel | alert-channel | appeal.

Settings live in the database and are read on every use, so changes apply at once. Anyone who
moderates can look; changing needs Manage Server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.errors import InvalidInput, PermissionDenied
from bot.moderation.config_text import config_embed
from bot.moderation.model import ModConfig
from bot.moderation.rules import check_moderator_role
from bot.text import escape_markdown
from cogs._checks import guild_id_of, guild_of, moderator_only, server_manager_only, services
from cogs._types import Interaction
from cogs._ui import to_embed

group = app_commands.Group(name="config", description="Moderation settings of this server")
NEEDED_IN_LOG = ("view_channel", "send_messages")


async def _answer(interaction: Interaction, heading: str, config: ModConfig) -> None:
    embed = to_embed(config_embed(config, guild_of(interaction).name))
    await interaction.response.send_message(heading or None, embed=embed, ephemeral=True)


@group.command(name="show")
@moderator_only()
async def show(interaction: Interaction) -> None:
    """Show moderator roles, log and alert channels and the appeal text."""
    config = await services(interaction).moderation.config.get(guild_id_of(interaction))
    await _answer(interaction, "", config)


@group.command(name="add-role")
@app_commands.describe(role="A role whose members may use /mod")
@moderator_only()
@server_manager_only()
async def add_role(interaction: Interaction, role: discord.Role) -> None:
    """Let a role moderate (once any is set, only these roles can use /mod)."""
    check_moderator_role(role.id, guild_id_of(interaction))
    settings = services(interaction).moderation.config
    current = await settings.get(guild_id_of(interaction))
    if role.id in current.moderator_role_ids:
        raise InvalidInput(f"{escape_markdown(role.name)} is already a moderator role.")
    roles = (*current.moderator_role_ids, role.id)
    config = await settings.set_moderator_roles(
        guild_id_of(interaction), roles, interaction.user.id
    )
    await _answer(interaction, f"**{escape_markdown(role.name)}** can now moderate.", config)


@group.command(name="remove-role")
@app_commands.describe(role="A moderator role to remove")
@moderator_only()
@server_manager_only()
async def remove_role(interaction: Interaction, role: discord.Role) -> None:
    """Stop a role from moderating (with none left, Timeout Members decides)."""
    settings = services(interaction).moderation.config
    current = await settings.get(guild_id_of(interaction))
    if role.id not in current.moderator_role_ids:
        raise InvalidInput(f"{escape_markdown(role.name)} is not a moderator role.")
    roles = [r for r in current.moderator_role_ids if r != role.id]
    config = await settings.set_moderator_roles(
        guild_id_of(interaction), roles, interaction.user.id
    )
    await _answer(interaction, f"**{escape_markdown(role.name)}** no longer moderates.", config)


def _check_can_post(channel: discord.abc.GuildChannel, me: discord.Member) -> None:
    permissions = channel.permissions_for(me)
    if not (permissions.view_channel and permissions.send_messages):
        raise PermissionDenied(
            f"I can't post in #{escape_markdown(channel.name)}: I need the **View Channel** and "
            "**Send Messages** permissions there."
        )


async def _set_channel(
    interaction: Interaction,
    setter: Callable[[int, int | None, int], Awaitable[ModConfig]],
    channel: discord.TextChannel | None,
    label: str,
    unset: str,
) -> None:
    """Point a setting at a channel the bot can post in, or unset it (channel None)."""
    if channel is not None:
        _check_can_post(channel, guild_of(interaction).me)
    config = await setter(
        guild_id_of(interaction), channel.id if channel else None, interaction.user.id
    )
    heading = f"{label}: {channel.mention}." if channel else unset
    await _answer(interaction, heading, config)


@group.command(name="log-channel")
@app_commands.describe(channel="Where cases are posted; leave empty to stop posting")
@moderator_only()
@server_manager_only()
async def log_channel(interaction: Interaction, channel: discord.TextChannel | None = None) -> None:
    """Set the mod-log channel: cases, amendments, pardons, expiries, thread edits."""
    settings = services(interaction).moderation.config
    await _set_channel(
        interaction, settings.set_log_channel, channel, "Mod log", "Mod log turned off."
    )


@group.command(name="alert-channel")
@app_commands.describe(channel="Where the review queue's alerts go; leave empty to unset")
@moderator_only()
@server_manager_only()
async def alert_channel(
    interaction: Interaction, channel: discord.TextChannel | None = None
) -> None:
    """Set the alert channel for the review queue (screening's held messages)."""
    settings = services(interaction).moderation.config
    await _set_channel(
        interaction, settings.set_alert_channel, channel, "Alerts", "Alert channel unset."
    )


@group.command(name="appeal")
@app_commands.describe(text="How members can appeal, quoted in every DM; empty: the default")
@moderator_only()
@server_manager_only()
async def appeal(interaction: Interaction, text: str | None = None) -> None:
    """Set the appeal text members read in every moderation DM."""
    config = await services(interaction).moderation.config.set_appeal_text(
        guild_id_of(interaction), text, interaction.user.id
    )
    heading = "Appeal text set." if config.appeal_text else "Appeal text back to the default."
    await _answer(interaction, heading, config)
