"""The club's small services: per-server settings, the watchlist, reaction counts."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bot import limits
from bot.community.model import CommunitySettings, Setting, WatchlistEntry
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.moderation.clock import Clock
from bot.text import neutral_name
from storage.community import CommunitySettingsRepository, ReactionRepository
from storage.community_nights import WatchlistRepository

SettingValue = int | str | None


class ClubSettings:
    """Time zone, region, reviews channel and movie-night roles of each server."""

    def __init__(self, repo: CommunitySettingsRepository) -> None:
        self._repo = repo

    async def get(self, guild_id: int) -> CommunitySettings:
        """The server's settings (the defaults for a server that set none)."""
        return await self._repo.get(guild_id)

    async def change(
        self, guild_id: int, changes: Mapping[Setting, SettingValue]
    ) -> CommunitySettings:
        """Store the validated changes; the settings as they now are."""
        for setting, value in changes.items():
            await self._repo.set(guild_id, setting, value)
        return await self._repo.get(guild_id)


class Watchlist:
    """Each server's list of films to watch together, and who suggested each."""

    def __init__(self, repo: WatchlistRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock
        self._adding = asyncio.Lock()  # two members adding one film at once: one is told

    async def add(self, guild_id: int, film_id: int, film_label: str, by: int) -> WatchlistEntry:
        """Suggest a film; refuses one already on the list, saying who suggested it."""
        async with self._adding:
            return await self._add(guild_id, film_id, film_label, by)

    async def _add(self, guild_id: int, film_id: int, film_label: str, by: int) -> WatchlistEntry:
        existing = await self._repo.get(guild_id, film_id)
        if existing is not None:
            raise InvalidInput(
                f"{neutral_name(film_label, limits.THREAD_NAME)} is already on the watchlist "
                f"(suggested by <@{existing.suggested_by}>)."
            )
        now = self._clock.now()
        await self._repo.add(guild_id, film_id, film_label, by, now)
        return WatchlistEntry(guild_id, film_id, film_label, by, now)

    async def remove(
        self, guild_id: int, film_id: int, *, by: int | None = None, is_moderator: bool = False
    ) -> WatchlistEntry:
        """Take a film off the list: its suggester or a moderator may (`by` None: the bot
        itself); refuses one that is not on it."""
        entry = await self._repo.get(guild_id, film_id)
        if entry is None:
            raise NotFound("That film is not on the watchlist.")
        if by is not None and by != entry.suggested_by and not is_moderator:
            raise PermissionDenied(
                f"{neutral_name(entry.film_label, limits.THREAD_NAME)} was suggested by "
                f"<@{entry.suggested_by}>: only they or a moderator can take it off the watchlist."
            )
        await self._repo.remove(guild_id, film_id)
        return entry

    async def entries(self, guild_id: int) -> list[WatchlistEntry]:
        """The list, oldest suggestion first."""
        return await self._repo.entries(guild_id)


class Reactions:
    """Reaction counts of captured messages, as Discord last reported them."""

    def __init__(self, repo: ReactionRepository) -> None:
        self._repo = repo

    async def change(self, message_id: int, emoji: str, delta: int) -> None:
        """A reaction added (+1) or removed (-1); a count never goes below zero."""
        await self._repo.change(message_id, emoji, delta)

    async def replace(self, message_id: int, counts: dict[str, int]) -> None:
        """The counts read from the message itself (catch-up): they win over the events."""
        await self._repo.replace(message_id, counts)
