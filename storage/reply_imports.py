"""The reply-chain repository's imports and tracked channels (kept apart to keep files short).

Both are mixed into `storage.replies.ReplyRepository`, which callers use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.replies.model import ImportedComment, ThreadSource, iso
from storage.db import transaction, write


class ImportedThreadWrites:
    """Comment sections imported from a blog: negative ids, all-or-nothing."""

    _conn: aiosqlite.Connection

    async def store_imported_threads(
        self,
        source: ThreadSource,
        threads: Sequence[tuple[str, str, Sequence[ImportedComment]]],
    ) -> list[int]:
        """Store imported comment sections, all or none; returns their new (negative) ids.

        Each item is (title, source_key, comments). A parent id the source does not contain
        becomes a reserved id no row has, so the comment shows as a reply to a message the bot
        never saw.
        """
        thread_ids = []
        async with transaction(self._conn):
            for title, source_key, comments in threads:
                thread_id = await self._next_negative("reply_threads", "thread_id")
                await self._conn.execute(
                    "INSERT INTO reply_threads (thread_id, title, source, source_key) "
                    "VALUES (?, ?, ?, ?)",
                    (thread_id, title, source.value, source_key),
                )
                rows = _imported_rows(comments, thread_id, await self._next_message_id())
                await self._conn.executemany(
                    "INSERT INTO reply_messages (message_id, thread_id, author_name, content, "
                    "created_at, parent_id, root_id, depth, state, source_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    rows,
                )
                thread_ids.append(thread_id)
        return thread_ids

    async def imported_thread_id(self, source: ThreadSource, source_key: str) -> int | None:
        """The thread an earlier import of this source made, if any."""
        async with self._conn.execute(
            "SELECT thread_id FROM reply_threads WHERE source = ? AND source_key = ?",
            (source.value, source_key),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def _next_negative(self, table: str, column: str) -> int:
        async with self._conn.execute(
            f"SELECT MIN(COALESCE(MIN({column}), 0), 0) - 1 FROM {table}"
        ) as cur:
            row = await cur.fetchone()
        return _first(row)

    async def _next_message_id(self) -> int:
        """Below every id in use, including reserved ids of parents never seen."""
        async with self._conn.execute(
            "SELECT MIN(0, COALESCE(MIN(message_id), 0), COALESCE(MIN(parent_id), 0)) - 1 "
            "FROM reply_messages"
        ) as cur:
            row = await cur.fetchone()
        return _first(row)

    async def record_posted(self, message_id: int, discord_message_id: int) -> None:
        """Remember which Discord message an imported comment was posted as."""
        await write(
            self._conn,
            "UPDATE reply_messages SET posted_message_id = ? WHERE message_id = ?",
            (discord_message_id, message_id),
        )


class TrackedChannels:
    """Channels a guild captures with `/thread track`."""

    _conn: aiosqlite.Connection

    async def track_channel(self, guild_id: int, channel_id: int, added_by: int | None) -> bool:
        """Capture this channel from now on; False if it already was."""
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "INSERT INTO reply_tracked_channels (guild_id, channel_id, added_by) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (guild_id, channel_id, added_by),
            )
            return cursor.rowcount > 0

    async def untrack_channel(self, guild_id: int, channel_id: int) -> bool:
        """Stop capturing; what was captured stays. False if it was not tracked."""
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "DELETE FROM reply_tracked_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cursor.rowcount > 0

    async def is_tracked(self, guild_id: int, channel_id: int) -> bool:
        async with self._conn.execute(
            "SELECT 1 FROM reply_tracked_channels WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        ) as cur:
            return await cur.fetchone() is not None

    async def tracked_channels(self, guild_id: int | None = None) -> list[tuple[int, int]]:
        """(guild_id, channel_id) pairs, for one guild or all."""
        sql = "SELECT guild_id, channel_id FROM reply_tracked_channels"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            sql += " WHERE guild_id = ?"
            params = (guild_id,)
        async with self._conn.execute(sql + " ORDER BY guild_id, channel_id", params) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]


def _first(row: aiosqlite.Row | None) -> int:
    """The one value of a MIN() query (which always answers one row)."""
    assert row is not None
    return int(row[0])


def _imported_rows(
    comments: Sequence[ImportedComment], thread_id: int, first_id: int
) -> list[tuple[Any, ...]]:
    ids: dict[str, int] = {}
    for comment in comments:
        ids[comment.source_id] = first_id - len(ids)
    for comment in comments:
        if comment.parent_source_id and comment.parent_source_id not in ids:
            ids[comment.parent_source_id] = first_id - len(ids)
    rows = []
    for comment in comments:
        message_id = ids[comment.source_id]
        parent = ids[comment.parent_source_id] if comment.parent_source_id else None
        rows.append(
            (
                message_id,
                thread_id,
                comment.author_name,
                comment.content,
                iso(comment.created_at),
                parent,
                message_id,
                comment.state.value,
                comment.source_id,
            )
        )
    return rows
