"""Per-channel high-water marks (migration 010): the newest message of a channel that went
through the whole message path and was written. A mark only moves forward."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from storage.db import transaction
from storage.times import to_db_time


class ChannelMarks:
    """Reads and moves the marks; every write is idempotent."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, channel_id: int) -> int | None:
        """The channel's mark (a message id), None if it has none yet."""
        async with self._conn.execute(
            "SELECT message_id FROM channel_marks WHERE channel_id = ?", (channel_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def advance(self, marks: dict[int, tuple[int, int]]) -> None:
        """Move marks forward: channel id -> (guild id, message id); older ids change nothing."""
        if not marks:
            return
        now = to_db_time(datetime.now(UTC))
        rows = [(channel, guild, message, now) for channel, (guild, message) in marks.items()]
        async with transaction(self._conn) as conn:
            await conn.executemany(
                "INSERT INTO channel_marks (channel_id, guild_id, message_id, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
                "message_id = excluded.message_id, updated_at = excluded.updated_at "
                "WHERE excluded.message_id > channel_marks.message_id",
                rows,
            )

    async def stored_window(self, channel_id: int, after: int) -> dict[int, str | None]:
        """Visible stored messages of the channel newer than `after`: id -> edited_at (text)."""
        async with self._conn.execute(
            "SELECT message_id, edited_at FROM reply_messages WHERE thread_id = ? "
            "AND message_id > ? AND state = 'visible'",
            (channel_id, after),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def recent_start(self, channel_id: int, recent: int) -> int | None:
        """The id just before the channel's `recent` newest stored messages (where the
        reconciliation of recent edits and deletions starts); None when nothing is stored."""
        async with self._conn.execute(
            "SELECT MIN(message_id) FROM (SELECT message_id FROM reply_messages "
            "WHERE thread_id = ? AND message_id > 0 ORDER BY message_id DESC LIMIT ?)",
            (channel_id, recent),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None or row[0] is None else row[0] - 1
