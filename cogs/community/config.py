"""/community settings: time zone, region, where reviews go, who plans movie nights, who is
reminded. Without options it shows the current settings."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.community.model import CommunitySettings, check_timezone
from bot.errors import InvalidInput
from cogs._checks import server_manager_only, services

REGION_HELP = "a two-letter country code such as US, GB or FR"


@app_commands.command(name="settings")
@app_commands.describe(
    timezone="IANA time zone for movie-night times, e.g. Europe/Paris",
    region=f"Where-to-watch region: {REGION_HELP}",
    reviews_channel="A text channel or forum where review threads open (default: where asked)",
    planner_role="Who may plan movie nights besides moderators",
    reminder_role="The opt-in role reminded before a movie night",
    reminder_minutes="How long before the night the reminder goes out (0-10080)",
    announce_channel="Where movie-night polls go (default: where /movienight plan ran)",
)
@server_manager_only()
async def settings(
    interaction: discord.Interaction,
    timezone: str | None = None,
    region: str | None = None,
    reviews_channel: discord.TextChannel | discord.ForumChannel | None = None,
    planner_role: discord.Role | None = None,
    reminder_role: discord.Role | None = None,
    reminder_minutes: app_commands.Range[int, 0, 10080] | None = None,
    announce_channel: discord.TextChannel | None = None,
) -> None:
    """Show or change the film club's settings (reviews, watchlist, movie nights)."""
    changes: dict[str, object] = {}
    if timezone is not None:
        changes["timezone"] = check_timezone(timezone)
    if region is not None:
        code = region.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise InvalidInput(f"A region is {REGION_HELP}, not {region[:20]!r}.")
        changes["region"] = code
    for column, value in (
        ("reviews_channel_id", reviews_channel),
        ("planner_role_id", planner_role),
        ("reminder_role_id", reminder_role),
        ("announce_channel_id", announce_channel),
    ):
        if value is not None:
            changes[column] = value.id
    if reminder_minutes is not None:
        changes["reminder_minutes"] = reminder_minutes
    repo = services(interaction).community.settings
    current = await repo.get(interaction.guild_id)
    for column, value in changes.items():
        current = await repo.set(interaction.guild_id, column, value)
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
