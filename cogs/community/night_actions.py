"""The Discord side of a movie night's steps (bot/community/movienight.NightActions).

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
from bot.films.text import plain, truncate
from bot.render import timestamp
from bot.text import escape_markdown
from cogs.discussions.opening import _create as open_discussion_thread

log = logging.getLogger(__name__)


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
        channel = await self._channel(night)
        guild = self.bot.get_guild(night.guild_id)
        assert guild is not None and channel is not None
        details = await self._details(night)
        label = plain(details.film.label)
        event = await guild.create_scheduled_event(
            name=truncate(f"Movie night: {label}", limits.SCHEDULED_EVENT_NAME),
            start_time=night.starts_at,
            end_time=night.ends_at,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=truncate(f"#{channel.name} on {guild.name}", limits.SCHEDULED_EVENT_LOCATION),
            description=event_description(details),
        )
        card = discord.Embed.from_dict(film_card(details).as_dict())
        await channel.send(
            f"**{escape_markdown(label)}** won the poll. Movie night: "
            f"{timestamp(night.starts_at, 'F')} ({timestamp(night.starts_at, 'R')}). {event.url}",
            embed=card,
        )
        return event.id

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
