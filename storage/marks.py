"""Per-channel high-water marks (migration 010): the newest message of a channel that went
through the whole message path and was written. A mark only moves forward.

Also the edits and deletions received but not yet written (migration 012): noted when they
arrive, deleted in the same transaction as the marks once the writer has stored them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

import aiosqlite

from bot.replies.model import Unwritten, UnwrittenEvent
from storage.db import transaction
from storage.times import to_db_time

_CHUNK = 500  # row ids per DELETE (SQLite's limit on parameters is far higher)


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

    async def advance(
        self, marks: dict[int, tuple[int, int]], resolved: Collection[int] = ()
    ) -> None:
        """Move marks forward: channel id -> (guild id, message id); older ids change nothing.
        `resolved`: noted events (row ids) that are written now, forgotten in the same
        transaction."""
        if not marks and not resolved:
            return
        now = to_db_time(datetime.now(UTC))
        rows = [(channel, guild, message, now) for channel, (guild, message) in marks.items()]
        done = sorted(resolved)
        async with transaction(self._conn) as conn:
            await conn.executemany(
                "INSERT INTO channel_marks (channel_id, guild_id, message_id, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
                "message_id = excluded.message_id, updated_at = excluded.updated_at "
                "WHERE excluded.message_id > channel_marks.message_id",
                rows,
            )
            for start in range(0, len(done), _CHUNK):
                chunk = done[start : start + _CHUNK]
                await conn.execute(
                    f"DELETE FROM reply_unwritten WHERE row_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )

    async def note(
        self, channel_id: int, guild_id: int, message_ids: Iterable[int], kind: Unwritten
    ) -> list[int]:
        """Note events received and not yet written; their row ids, to resolve them later."""
        now = to_db_time(datetime.now(UTC))
        row_ids: list[int] = []
        async with transaction(self._conn) as conn:
            for message_id in message_ids:
                cur = await conn.execute(
                    "INSERT INTO reply_unwritten "
                    "(channel_id, guild_id, message_id, kind, received_at) VALUES (?, ?, ?, ?, ?)",
                    (channel_id, guild_id, message_id, kind.value, now),
                )
                assert cur.lastrowid is not None
                row_ids.append(cur.lastrowid)
        return row_ids

    async def unwritten(self) -> list[UnwrittenEvent]:
        """Every noted event not resolved yet, oldest first."""
        async with self._conn.execute(
            "SELECT row_id, channel_id, guild_id, message_id, kind FROM reply_unwritten "
            "ORDER BY row_id"
        ) as cur:
            rows = await cur.fetchall()
        return [UnwrittenEvent(r[0], r[1], r[2], r[3], Unwritten(r[4])) for r in rows]

    async def stored_window(self, channel_id: int, after: int) -> dict[int, str | None]:
        """Visible stored messages of the channel newer than `after`: id -> edited_at (text)."""
        async with self._conn.execute(
            "SELECT message_id, edited_at FROM reply_messages WHERE thread_id = ? "
            "AND message_id > ? AND state = 'visible'",
            (channel_id, after),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}
