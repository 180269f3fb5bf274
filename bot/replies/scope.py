"""Which channels are captured: discussion threads always, plus channels a guild tracks.

The tracked set is cached in memory so the message handler rarely waits on the database: only a
message in a thread the scope has not placed yet costs a lookup (is it a film discussion? was it
tracked by another process, e.g. `threads import --post`?). Threads found to be captured are
remembered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from storage.replies import ReplyRepository

DiscussionCheck = Callable[[int], Awaitable[bool]]


async def _no_discussions(thread_id: int) -> bool:
    return False


class CaptureScope:
    """`/thread track` and `/thread untrack` go through here; `captures` is the hot-path check."""

    def __init__(
        self, repo: ReplyRepository, is_discussion: DiscussionCheck = _no_discussions
    ) -> None:
        self._repo = repo
        self._is_discussion = is_discussion
        self._tracked: set[tuple[int, int]] = set()
        self._captured_threads: set[int] = set()

    async def load(self) -> None:
        """Read the tracked channels once, at start-up."""
        self._tracked = set(await self._repo.tracked_channels())

    def wants(
        self,
        guild_id: int,
        channel_id: int,
        *,
        parent_id: int | None = None,
        is_discussion_thread: bool = False,
    ) -> bool:
        """True for a discussion thread, a tracked channel, or a thread inside a tracked one."""
        if is_discussion_thread or (guild_id, channel_id) in self._tracked:
            return True
        return parent_id is not None and (guild_id, parent_id) in self._tracked

    async def captures(
        self, guild_id: int, channel_id: int, *, parent_id: int | None, is_thread: bool
    ) -> bool:
        """Whether a message in this channel (or thread, with its parent) is captured."""
        if channel_id in self._captured_threads:
            return True
        if self.wants(guild_id, channel_id, parent_id=parent_id):
            return True
        if not is_thread:
            return False
        if await self._is_discussion(channel_id) or await self._repo.is_tracked(
            guild_id, channel_id
        ):
            self._captured_threads.add(channel_id)
            return True
        return False

    def tracked(self, guild_id: int) -> list[int]:
        """Channel ids this guild tracks, in id order."""
        return sorted(channel for guild, channel in self._tracked if guild == guild_id)

    async def track(self, guild_id: int, channel_id: int, added_by: int | None = None) -> bool:
        """Start capturing a channel; False if it was already tracked."""
        added = await self._repo.track_channel(guild_id, channel_id, added_by)
        self._tracked.add((guild_id, channel_id))
        return added

    async def untrack(self, guild_id: int, channel_id: int) -> bool:
        """Stop capturing a channel (what was captured stays); False if it was not tracked."""
        removed = await self._repo.untrack_channel(guild_id, channel_id)
        self._tracked.discard((guild_id, channel_id))
        self._captured_threads.discard(channel_id)
        return removed
