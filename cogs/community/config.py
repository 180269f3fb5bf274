"""/community settings: time zone, region, where reviews go, who plans movie nights, who is
reminded. Without options it shows the current settings."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.community.club import SettingValue
from bot.community.model import (
    REGION_HELP,
    REMINDER_MINUTES_MAX,
    CommunitySettings,
    Setting,
    check_region,
    check_reminder_role,
    check_timezone,
)
from bot.discussions.rules import check_bot_can_open
from cogs._checks import granted, server_manager_only
from cogs._types import Interaction
from cogs.community.checks import check_bot_can_plan, server_of


@app_commands.command(name="settings")
@app_commands.describe(
    timezone="IANA time zone for movie-night times, e.g. Europe/Paris",
    region=f"Where-to-watch region: {REGION_HELP}",
    reviews_channel="A text channel or forum where review threads open (default: where asked)",
    planner_role="Who may plan movie nights besides moderators",
    reminder_role="The opt-in role reminded before a movie night",
    reminder_minutes=f"How long before the night the reminder goes out (0-{REMINDER_MINUTES_MAX})",
    announce_channel="Where movie-night polls go (default: where /movienight plan ran)",
)
@server_manager_only(
    "Only members with the **Manage Server** permission can see or change the film club's settings."
)
async def settings(
    interaction: Interaction,
    timezone: str | None = None,
    region: str | None = None,
    reviews_channel: discord.TextChannel | discord.ForumChannel | None = None,
    planner_role: discord.Role | None = None,
    reminder_role: discord.Role | None = None,
    reminder_minutes: app_commands.Range[int, 0, REMINDER_MINUTES_MAX] | None = None,
    announce_channel: discord.TextChannel | None = None,
) -> None:
    """Show or change the film club's settings (reviews, watchlist, movie nights)."""
    guild = server_of(interaction)
    changes: dict[Setting, SettingValue] = {}
    if timezone is not None:
        changes[Setting.TIMEZONE] = check_timezone(timezone)
    if region is not None:
        changes[Setting.REGION] = check_region(region)
    chosen: dict[Setting, discord.abc.Snowflake | None] = {
        Setting.REVIEWS_CHANNEL: reviews_channel,
        Setting.PLANNER_ROLE: planner_role,
        Setting.REMINDER_ROLE: reminder_role,
        Setting.ANNOUNCE_CHANNEL: announce_channel,
    }
    changes.update({setting: value.id for setting, value in chosen.items() if value is not None})
    if reviews_channel is not None:
        check_bot_can_open(
            granted(reviews_channel.permissions_for(guild.me)),
            forum=isinstance(reviews_channel, discord.ForumChannel),
            channel_name=reviews_channel.name,
        )
    if announce_channel is not None:
        check_bot_can_plan(interaction, announce_channel)
    if reminder_role is not None:
        check_reminder_role(reminder_role.id, guild.id, managed=reminder_role.managed)
    if reminder_minutes is not None:
        changes[Setting.REMINDER_MINUTES] = reminder_minutes
    current = await interaction.client.services.community.settings.change(guild.id, changes)
    heading = "Saved. " if changes else ""
    await interaction.response.send_message(heading + describe(current), ephemeral=True)


def describe(s: CommunitySettings) -> str:
    """The settings as a member reads them (mentions shown, never pinged)."""

    def ref(value: int | None, kind: str, default: str) -> str:
        if value is None:
            return default
        return f"<#{value}>" if kind == "channel" else f"<@&{value}>"

    return "\n".join(
        (
            f"Time zone: {s.timezone} · region: {s.region}",
            f"Reviews open in: {ref(s.reviews_channel_id, 'channel', 'the channel asked in')}",
            f"Movie nights planned by: moderators and {ref(s.planner_role_id, 'role', 'no other role')}",
            f"Reminded: {ref(s.reminder_role_id, 'role', 'nobody')} {s.reminder_minutes} min before",
            f"Polls go to: {ref(s.announce_channel_id, 'channel', 'the channel asked in')}",
        )
    )
