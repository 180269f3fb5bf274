"""The Discord side of a movie night's steps (bot/community/movienight.NightActions); the
winner's event and announcement are a journal intent (`movie-night-winner`, NightWinner).

Each step waits until the bot is connected (the scheduler may fire during start-up), reads
the poll or event fresh from Discord, and answers None/False when it was deleted by hand.
"""

from __future__ import annotations

import contextlib
import logging

import discord

from bot import limits
from bot.app import FilmBot
from bot.community.model import MovieNight
from bot.films.cards import film_card
from bot.films.model import FilmDetails
from bot.films.text import fit_label, plain, truncate
from bot.journal import Finished, Handler, Intent, Step, StepContext
from bot.render import timestamp
from bot.text import escape_markdown
from cogs._own_messages import by_user, find_own
from cogs.community.thread_parts import retry_passing
from cogs.discussions.opening import _create as open_discussion_thread

log = logging.getLogger(__name__)

WINNER_KIND = "movie-night-winner"


def event_description(details: FilmDetails) -> str:
    """The film's card as event text (an event has no embed): facts, then the synopsis."""
    card = film_card(details)
    facts = "\n".join(f"{f.name}: {f.value}" for f in card.fields if f.name != "Same title")
    return truncate(f"{facts}\n\n{card.description}".strip(), limits.SCHEDULED_EVENT_DESCRIPTION)


class DiscordNightActions:
    """Polls, events, reminders and the discussion thread, through discord.py."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.svc = bot.services

    async def _channel(self, night: MovieNight) -> discord.TextChannel | None:
        await self.bot.wait_until_ready()
        channel = self.bot.get_channel(night.channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    async def _event(self, night: MovieNight) -> discord.ScheduledEvent | None:
        await self.bot.wait_until_ready()
        guild = self.bot.get_guild(night.guild_id)
        if guild is None or night.event_id is None:
            return None
        try:
            return await guild.fetch_scheduled_event(night.event_id)
        except discord.NotFound:
            return None

    async def _details(self, night: MovieNight) -> FilmDetails:
        return await self.svc.catalog.get_details(night.winner_film_id or night.choices[0])

    async def close_poll(self, night: MovieNight) -> list[int] | None:
        channel = await self._channel(night)
        if channel is None or night.poll_message_id is None:
            return None
        try:
            message = await channel.fetch_message(night.poll_message_id)
        except discord.NotFound:
            return None
        if message.poll is None:
            return None
        if not message.poll.is_finalised():
            try:
                message = await message.end_poll()
            except discord.HTTPException:  # it ended on its own meanwhile
                message = await channel.fetch_message(night.poll_message_id)
        ended = message.poll
        return None if ended is None else [answer.vote_count for answer in ended.answers]

    async def create_event(self, night: MovieNight) -> int:
        """The winner's event and its announcement, as a journal intent (NightWinner)."""
        await self.bot.wait_until_ready()
        payload = {"guild_id": night.guild_id, "night_id": night.id}
        key = await self.svc.journal.fresh_key(f"night-winner:{night.id}")  # past a failed one
        intent = await self.svc.journal.perform(WINNER_KIND, payload, key=key)
        event_id = (intent.results.get("event") or {}).get("event_id")
        if event_id is None:  # Discord busy (the journal retries, and so does the scheduler)
            reason = intent.last_error or "its server or channel is gone"
            raise RuntimeError(f"movie night {night.id}: no event ({reason})")
        return int(event_id)

    async def remind(self, night: MovieNight) -> bool:
        event, channel = await self._event(night), await self._channel(night)
        if event is None or event.status is discord.EventStatus.cancelled or channel is None:
            return False
        settings = await self.svc.community.settings.get(night.guild_id)
        role = channel.guild.get_role(settings.reminder_role_id or 0)
        if role is not None and (role.is_default() or role.managed):  # stored by an old version
            role = None
        label = escape_markdown(plain((await self._details(night)).film.label))
        lead = f"{role.mention} " if role else ""
        # The one ping the bot makes: the opt-in role members chose to be reminded with.
        await channel.send(
            f"{lead}Movie night {timestamp(night.starts_at, 'R')}: **{label}**. {event.url}",
            allowed_mentions=discord.AllowedMentions(roles=[role] if role else False),
        )
        return True

    async def start(self, night: MovieNight) -> int | None:
        event, channel = await self._event(night), await self._channel(night)
        if event is None or event.status is discord.EventStatus.cancelled or channel is None:
            return None
        if event.status is discord.EventStatus.scheduled:
            await event.start()
        if night.thread_id is not None:  # opened just before a crash
            return night.thread_id
        return await self._open_discussion(night, channel)

    async def _open_discussion(self, night: MovieNight, channel: discord.TextChannel) -> int:
        details = await self._details(night)
        options = await self.svc.discussions.settings(night.guild_id)
        minutes = options.default_auto_archive_minutes
        thread, opener_id = await open_discussion_thread(channel, details, "tagged-only", minutes)
        await self.svc.discussions.open(
            guild_id=night.guild_id,
            channel_id=channel.id,
            thread_id=thread.id,
            film_id=details.film.id,
            film_label=details.film.label,
            spoiler_policy="tagged-only",
            created_by=night.created_by,
            auto_archive_minutes=minutes,
            opener_message_id=opener_id,
        )
        await self.svc.guard.warm(details.film.id, night.guild_id)
        await channel.send(
            f"Movie night is on: discuss {escape_markdown(plain(details.film.label))} in "
            f"{thread.mention} (spoilers behind tags)."
        )
        return thread.id

    async def complete(self, night: MovieNight) -> None:
        event = await self._event(night)
        if event is not None and event.status is discord.EventStatus.active:
            await event.end()

    async def call_off(self, night: MovieNight) -> None:
        channel = await self._channel(night)
        if night.event_id is not None:
            event = await self._event(night)
            if event is not None and event.status is discord.EventStatus.scheduled:
                await event.cancel()
        elif channel is not None and night.poll_message_id is not None:
            with contextlib.suppress(discord.HTTPException):  # gone or already ended
                await channel.get_partial_message(night.poll_message_id).end_poll()
        if channel is not None:
            await channel.send(f"Movie night #{night.id} is cancelled.")

    async def move_event(self, night: MovieNight) -> None:
        event = await self._event(night)
        if event is None:
            return
        await event.edit(start_time=night.starts_at, end_time=night.ends_at)
        channel = await self._channel(night)
        if channel is not None:
            await channel.send(
                f"Movie night #{night.id} moved to {timestamp(night.starts_at, 'F')}. {event.url}"
            )

    async def report(self, night: MovieNight, text: str) -> None:
        config = await self.svc.moderation.config.get(night.guild_id)
        channel = self.bot.get_channel(config.log_channel_id or 0)
        if isinstance(channel, discord.TextChannel):
            await channel.send(text)
        else:
            log.warning("%s (no mod log channel set)", text)


def event_url(guild_id: int, event_id: int) -> str:
    return f"https://discord.com/events/{guild_id}/{event_id}"


class NightWinner(Handler):
    """The winner's scheduled event (its id stored on the night), then the announcement.

    Idempotent: `creating` is saved before the event is created, and a step run again after
    it adopts the guild's event with the night's name and start that no night has stored;
    `announcing` likewise, and the bot's announcement among the channel's newest messages is
    not posted twice."""

    steps = (Step("event"), Step("announce"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.nights = bot.services.community.movie_nights

    def describe(self, intent: Intent) -> str:
        return f"The scheduled event of movie night #{intent.payload['night_id']}"

    async def _parts(
        self, ctx: StepContext
    ) -> tuple[MovieNight, discord.Guild, discord.TextChannel, FilmDetails]:
        night = await self.nights.get(ctx.payload["night_id"])
        guild, channel = self.bot.get_guild(night.guild_id), self.bot.get_channel(night.channel_id)
        if guild is None or not isinstance(channel, discord.TextChannel):
            raise Finished({"event_id": night.event_id})  # the server or channel is gone
        details = await self.bot.services.catalog.get_details(
            night.winner_film_id or night.choices[0]
        )
        return night, guild, channel, details

    @retry_passing
    async def step_event(self, ctx: StepContext) -> dict[str, int]:
        night, guild, channel, details = await self._parts(ctx)
        if night.event_id is not None:
            return {"event_id": night.event_id}
        prefix = "Movie night: "
        name = prefix + fit_label(
            plain(details.film.label), limits.SCHEDULED_EVENT_NAME - len(prefix)
        )
        found = await self._find_event(guild, name, night) if ctx.state else None
        if found is None:
            await ctx.save(creating=True)  # on disk before the event is created
            event = await guild.create_scheduled_event(
                name=name,
                start_time=night.starts_at,
                end_time=night.ends_at,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=truncate(
                    f"#{channel.name} on {guild.name}", limits.SCHEDULED_EVENT_LOCATION
                ),
                description=event_description(details),
            )
            ctx.reach("created")  # created, its id not yet stored
            found = event.id
        await self.nights.event_created(night.id, found)
        return {"event_id": found}

    async def _find_event(self, guild: discord.Guild, name: str, night: MovieNight) -> int | None:
        for event in await guild.fetch_scheduled_events(with_counts=False):
            same = event.name == name and event.start_time == night.starts_at
            if same and await self.nights.by_event(event.id) is None:
                log.info("movie night %s: its event %s found again", night.id, event.id)
                return event.id
        return None

    @retry_passing
    async def step_announce(self, ctx: StepContext) -> dict[str, int]:
        night, guild, channel, details = await self._parts(ctx)
        event_id = ctx.intent.results["event"]["event_id"]
        text = (
            f"**{escape_markdown(plain(details.film.label))}** won the poll. Movie night: "
            f"{timestamp(night.starts_at, 'F')} ({timestamp(night.starts_at, 'R')}). "
            f"{event_url(guild.id, event_id)}"
        )

        def same(message: discord.Message) -> bool:
            return message.content == text

        announcing = ctx.state.get("announcing")
        if announcing and (found := await find_own(channel, by_user(self.bot), same)):
            return {"message_id": found}
        await ctx.save(announcing=True)
        card = discord.Embed.from_dict(film_card(details).as_dict())
        message = await channel.send(text, embed=card)
        ctx.reach("sent")
        return {"message_id": message.id}
