"""/movienight plan|cancel|reschedule|list: a native poll of watchlist films, then (on the
scheduler) a scheduled event for the winner, a reminder and the film's discussion thread.

Planning takes a moderator or the server's planner role (/community settings), and what
Discord asks of a member creating an event by hand: Create Events (or Manage Events). Moving
or calling off a night takes Create Events for one's own night, Manage Events for anyone's
(bot/community/permissions.py). Every refusal comes before anything is created or changed.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import FilmBot
from bot.community.model import POLL_ANSWERS_MIN, MovieNight
from bot.community.permissions import check_can_change, check_can_plan
from bot.errors import InvalidInput, UserFacingError
from bot.limits import POLL_ANSWERS
from bot.render import timestamp
from bot.text import escape_markdown
from cogs._checks import NotAllowed, granted, is_moderator
from cogs._types import Interaction
from cogs.community import night_plan
from cogs.community.checks import check_bot_can_plan, check_bot_can_schedule, server_of
from cogs.community.night_actions import WINNER_KIND, DiscordNightActions, NightWinner

log = logging.getLogger(__name__)

group = app_commands.Group(
    name="movienight",
    description="Movie nights: a poll of the watchlist, then an event",
    guild_only=True,
)
WHEN = "Date and time in the server's time zone, e.g. 2026-12-05 20:30"
NIGHT = "Which night (its number; default: the next one)"
CHOICES = f"How many watchlist films the poll offers ({POLL_ANSWERS_MIN}-{POLL_ANSWERS})"


async def _planner(interaction: Interaction) -> bool:
    if await is_moderator(interaction):
        return True
    community = interaction.client.services.community
    settings = await community.settings.get(server_of(interaction).id)
    roles = {role.id for role in getattr(interaction.user, "roles", [])}
    if settings.planner_role_id and settings.planner_role_id in roles:
        return True
    raise NotAllowed("Planning movie nights takes a moderator or the server's planner role.")


async def _creates_events(interaction: Interaction) -> bool:
    """The planner may create a Discord event themselves: the bot creates it for them."""
    try:
        check_can_plan(granted(interaction.permissions))
    except UserFacingError as refused:
        raise NotAllowed(refused.message) from None
    return True


def _check_change(interaction: Interaction, night: MovieNight, doing: str) -> None:
    """Refused unless the member may change this night's event (Discord's rule) and, when the
    event exists, the bot may too; before anything is changed."""
    check_can_change(
        granted(interaction.permissions),
        night_id=night.id,
        planned_by_them=night.created_by == interaction.user.id,
        doing=doing,
    )
    if night.event_id is not None:
        check_bot_can_schedule(server_of(interaction))


@group.command(name="plan")
@app_commands.describe(when=WHEN, choices=CHOICES)
@app_commands.check(_creates_events)
@app_commands.check(_planner)
async def plan(
    interaction: Interaction,
    when: str,
    choices: app_commands.Range[int, POLL_ANSWERS_MIN, POLL_ANSWERS] = 4,
) -> None:
    """Plan a movie night: a poll of the watchlist that closes before the night."""
    guild = server_of(interaction)
    community = interaction.client.services.community
    settings = await community.settings.get(guild.id)
    watchlist = await community.watchlist.entries(guild.id)
    starts_at, hours, films = community.movie_nights.choose(settings, when, watchlist, choices)
    channel = guild.get_channel(settings.announce_channel_id or 0) or interaction.channel
    if not isinstance(channel, discord.TextChannel):
        raise InvalidInput("Plan movie nights in a text channel (or set an announce channel).")
    check_bot_can_plan(interaction, channel)
    intent = await night_plan.plan_night(
        interaction.client.services,
        settings,
        channel.id,
        starts_at,
        hours,
        films,
        interaction.user.id,
    )
    night_id, poll_id = night_plan.planned(intent)
    night = await community.movie_nights.get(night_id)
    closes = timestamp(night.poll_ends_at, "R") if night.poll_ends_at else "before the night"
    where = (
        f"The poll in {channel.mention}"
        if poll_id
        else f"Its poll (posted in {channel.mention} once Discord answers)"
    )
    await interaction.response.send_message(
        f"Movie night #{night.id} is planned for {timestamp(starts_at, 'F')}. {where} "
        f"closes {closes}; the winner gets a scheduled event.",
        ephemeral=True,
    )


@group.command(name="cancel")
@app_commands.describe(night=NIGHT)
@app_commands.check(_planner)
async def cancel(interaction: Interaction, night: int | None = None) -> None:
    """Call a movie night off: its poll ends or its event is cancelled."""
    nights = interaction.client.services.community.movie_nights
    movie_night = await nights.next_for(server_of(interaction).id, night)
    _check_change(interaction, movie_night, "cancel")
    await interaction.response.defer(ephemeral=True, thinking=True)
    await nights.cancel(movie_night)
    await interaction.followup.send(f"Movie night #{movie_night.id} is cancelled.", ephemeral=True)


@group.command(name="reschedule")
@app_commands.describe(when=WHEN, night=NIGHT)
@app_commands.check(_planner)
async def reschedule(interaction: Interaction, when: str, night: int | None = None) -> None:
    """Move a movie night; its event (and reminder) move with it."""
    guild = server_of(interaction)
    community = interaction.client.services.community
    movie_night = await community.movie_nights.next_for(guild.id, night)
    _check_change(interaction, movie_night, "move")
    settings = await community.settings.get(guild.id)
    await interaction.response.defer(ephemeral=True, thinking=True)
    moved = await community.movie_nights.reschedule(movie_night, when, settings)
    await interaction.followup.send(
        f"Movie night #{moved.id} moved to {timestamp(moved.starts_at, 'F')}.", ephemeral=True
    )


@group.command(name="list")
async def list_nights(interaction: Interaction) -> None:
    """Movie nights planned and not over yet."""
    svc = interaction.client.services
    pending = await svc.community.movie_nights.unfinished(server_of(interaction).id)
    lines = []
    for night in pending:
        film = ""
        if night.winner_film_id:
            film = " · " + escape_markdown(
                (await svc.catalog.get_details(night.winner_film_id)).film.label
            )
        lines.append(f"#{night.id} {timestamp(night.starts_at, 'F')} · {night.status.value}{film}")
    await interaction.response.send_message(
        "\n".join(lines) or "No movie night planned: /movienight plan.", ephemeral=True
    )


class MovieNightWatch(commands.Cog):
    """Gives the scheduler the Discord side and the journal the plan's and the winner's
    handlers; notices polls and events deleted by hand."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.nights = bot.services.community.movie_nights

    async def cog_load(self) -> None:
        self.bot.services.journal.register(night_plan.KIND, night_plan.NightPlan(self.bot))
        self.bot.services.journal.register(WINNER_KIND, NightWinner(self.bot))
        await self.nights.use_actions(DiscordNightActions(self.bot))

    async def cog_unload(self) -> None:
        self.bot.services.journal.unregister(night_plan.KIND)
        self.bot.services.journal.unregister(WINNER_KIND)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        poll = payload.message.poll
        if poll is None or not poll.is_finalised():
            return
        night = await self.nights.by_poll(payload.message_id)
        if night is not None:
            await self.nights.poll_ended(night)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        night = await self.nights.by_poll(payload.message_id)
        if night is not None and night.winner_film_id is None:
            await self.nights.gone(night, "poll")

    @commands.Cog.listener()
    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        night = await self.nights.by_event(event.id)
        if night is not None:
            await self.nights.gone(night, "event")
