"""Which channels are captured: discussion threads always, plus channels a guild tracks.

The tracked set is cached in memory so the message handler never waits on the database.
"""

from __future__ import annotations

from storage.replies import ReplyRepository


class CaptureScope:
    """`/thread track` and `/thread untrack` go through here; `wants` is the hot-path check."""

    def __init__(self, repo: ReplyRepository) -> None:
        self._repo = repo
        self._tracked: set[tuple[int, int]] = set()

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
        return removed
