"""The discussions service: all the cogs see of film discussion threads and servers' options.

It owns the repositories (storage/discussions.py), validates what it is given and words every
refusal; storage only reads and writes rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.discussions.model import (
    Discussion,
    DiscussionLink,
    DiscussionSettings,
    parse_policy,
    validate_auto_archive,
    validate_slowmode,
)
from bot.discussions.rules import AlreadyOpen
from bot.errors import InvalidInput, NotFound
from bot.spoilers.model import parse_sensitivity
from storage.discussions import DiscussionRepository, DiscussionSettingsRepository

StillOpen = Callable[[Discussion], Awaitable[bool]]


class NotADiscussion(NotFound):
    """The thread is not linked to a film."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(f"<#{thread_id}> is not a film discussion.")
        self.thread_id = thread_id


class Discussions:
    """Threads opened for films (open, look up, list, archive, reopen, adjust) and each
    server's options for them."""

    def __init__(
        self, threads: DiscussionRepository, settings: DiscussionSettingsRepository
    ) -> None:
        self._threads = threads
        self._settings = settings
        self._opening: dict[tuple[int, int], asyncio.Lock] = {}

    def opening(self, channel_id: int, film_id: int) -> asyncio.Lock:
        """Hold it while a discussion of `film_id` is checked and opened in `channel_id`: a
        second request at the same moment waits, then finds the first discussion open."""
        return self._opening.setdefault((channel_id, film_id), asyncio.Lock())

    async def by_thread(self, thread_id: int) -> Discussion | None:
        """The discussion held in this thread; None when the thread is not one."""
        return await self._threads.by_thread(thread_id)

    async def get(self, thread_id: int) -> Discussion:
        """The discussion held in this thread; NotADiscussion when it is not one."""
        return _found(await self._threads.by_thread(thread_id), thread_id)

    async def open(
        self,
        *,
        guild_id: int,
        channel_id: int,
        thread_id: int,
        film_id: int,
        film_label: str,
        spoiler_policy: str,
        created_by: int,
        auto_archive_minutes: int,
        opener_message_id: int | None = None,
        slowmode_seconds: int = 0,
    ) -> Discussion:
        """Link a newly created thread to its film; InvalidInput if the thread is linked."""
        policy = parse_policy(spoiler_policy)
        validate_auto_archive(auto_archive_minutes)
        validate_slowmode(slowmode_seconds)
        if await self._threads.by_thread(thread_id) is not None:
            raise InvalidInput(f"Thread <#{thread_id}> is already a film discussion.")
        link = DiscussionLink(
            guild_id=guild_id,
            channel_id=channel_id,
            thread_id=thread_id,
            film_id=film_id,
            film_label=film_label,
            spoiler_policy=policy,
            created_by=created_by,
            auto_archive_minutes=auto_archive_minutes,
            opener_message_id=opener_message_id,
            slowmode_seconds=slowmode_seconds,
        )
        return await self._threads.open(link)

    async def check_can_open(
        self,
        channel_id: int,
        film_id: int,
        *,
        force: bool = False,
        still_open: StillOpen | None = None,
    ) -> None:
        """Refuse a second open discussion of a film in one channel (unless forced).

        `still_open` asks Discord whether the recorded thread is really open; one it archived
        or deleted while the bot was away is marked archived and does not block a new thread.
        """
        if force:
            return
        existing = await self._threads.open_for_film(channel_id, film_id)
        if existing is None:
            return
        if still_open is not None and not await still_open(existing):
            await self._threads.mark_archived(existing.thread_id)
            return
        raise AlreadyOpen(existing)

    async def list_open(self, guild_id: int) -> list[Discussion]:
        """Open discussions in a server, newest first."""
        return await self._threads.list_open(guild_id)

    async def list_archived(self, guild_id: int, limit: int = 100) -> list[Discussion]:
        """Archived discussions in a server, most recently archived first."""
        return await self._threads.list_archived(guild_id, limit)

    async def for_film(self, guild_id: int, film_id: int) -> list[Discussion]:
        """Every discussion of a film in a server, archived ones too, newest first."""
        return await self._threads.for_film(guild_id, film_id)

    async def set_opener(self, thread_id: int, message_id: int) -> Discussion:
        """The message that opens the thread (the film card)."""
        return _found(await self._threads.set_opener(thread_id, message_id), thread_id)

    async def mark_archived(self, thread_id: int) -> Discussion:
        """Record that Discord archived the thread (or a moderator closed it)."""
        return _found(await self._threads.mark_archived(thread_id), thread_id)

    async def reopen(self, thread_id: int, reopened_by: int | None) -> Discussion:
        """Mark an archived discussion open again (reopened_by None: someone posted in it on
        Discord); InvalidInput if it is already open."""
        discussion = await self.get(thread_id)
        if not discussion.archived:
            raise InvalidInput(f"The discussion of {discussion.film_label} is already open.")
        return _found(await self._threads.reopen(thread_id, reopened_by), thread_id)

    async def set_slowmode(self, thread_id: int, seconds: int) -> Discussion:
        validate_slowmode(seconds)
        return _found(await self._threads.set_slowmode(thread_id, seconds), thread_id)

    async def set_auto_archive(self, thread_id: int, minutes: int) -> Discussion:
        validate_auto_archive(minutes)
        return _found(await self._threads.set_auto_archive(thread_id, minutes), thread_id)

    async def set_policy(self, thread_id: int, policy: str) -> Discussion:
        parsed = parse_policy(policy)
        return _found(await self._threads.set_policy(thread_id, parsed), thread_id)

    async def settings(self, guild_id: int) -> DiscussionSettings:
        """The server's options, or the defaults if it never changed any."""
        return await self._settings.get(guild_id)

    async def set_starter_role(self, guild_id: int, role_id: int | None) -> DiscussionSettings:
        """The role (besides moderators) allowed to open discussions; None for moderators only."""
        return await self._settings.set_starter_role(guild_id, role_id)

    async def set_default_auto_archive(self, guild_id: int, minutes: int) -> DiscussionSettings:
        return await self._settings.set_default_auto_archive(
            guild_id, validate_auto_archive(minutes)
        )

    async def set_default_policy(self, guild_id: int, policy: str) -> DiscussionSettings:
        return await self._settings.set_default_policy(guild_id, parse_policy(policy))

    async def set_guard_sensitivity(self, guild_id: int, sensitivity: str) -> DiscussionSettings:
        return await self._settings.set_guard_sensitivity(guild_id, parse_sensitivity(sensitivity))


def _found(discussion: Discussion | None, thread_id: int) -> Discussion:
    if discussion is None:
        raise NotADiscussion(thread_id)
    return discussion
