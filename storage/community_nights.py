"""Repositories of the watchlist and of movie nights (the rest of community storage is in
storage/community.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.community.model import MovieNight, NightStatus, WatchlistEntry
from storage.community import stamp, unstamp
from storage.db import write

_NIGHT_COLUMNS = frozenset(
    {
        "status",
        "starts_at",
        "poll_message_id",
        "poll_ends_at",
        "winner_film_id",
        "event_id",
        "reminder_at",
        "reminded",
        "thread_id",
    }
)


class WatchlistRepository:
    """Each server's list of films to watch together, and who suggested each."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self, guild_id: int, film_id: int, film_label: str, by: int, now: datetime
    ) -> None:
        await write(
            self._conn,
            "INSERT INTO watchlist (guild_id, film_id, film_label, suggested_by, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, film_id, film_label, by, stamp(now)),
        )

    async def remove(self, guild_id: int, film_id: int) -> None:
        await write(
            self._conn,
            "DELETE FROM watchlist WHERE guild_id = ? AND film_id = ?",
            (guild_id, film_id),
        )

    async def get(self, guild_id: int, film_id: int) -> WatchlistEntry | None:
        rows = await self._select("guild_id = ? AND film_id = ?", (guild_id, film_id))
        return rows[0] if rows else None

    async def entries(self, guild_id: int) -> list[WatchlistEntry]:
        """Oldest suggestion first."""
        return await self._select("guild_id = ? ORDER BY added_at, rowid", (guild_id,))

    async def _select(self, where: str, values: Sequence[object]) -> list[WatchlistEntry]:
        async with self._conn.execute(f"SELECT * FROM watchlist WHERE {where}", values) as cursor:
            rows = await cursor.fetchall()
        return [
            WatchlistEntry(
                r["guild_id"],
                r["film_id"],
                r["film_label"],
                r["suggested_by"],
                datetime.fromisoformat(r["added_at"]),
            )
            for r in rows
        ]


def _night(row: aiosqlite.Row) -> MovieNight:
    return MovieNight(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        starts_at=datetime.fromisoformat(row["starts_at"]),
        status=NightStatus(row["status"]),
        choices=tuple(json.loads(row["choices"])),
        created_by=row["created_by"],
        poll_message_id=row["poll_message_id"],
        poll_ends_at=unstamp(row["poll_ends_at"]),
        winner_film_id=row["winner_film_id"],
        event_id=row["event_id"],
        reminder_at=unstamp(row["reminder_at"]),
        reminded=bool(row["reminded"]),
        thread_id=row["thread_id"],
    )


class MovieNightRepository:
    """Movie nights and how far each got (the scheduler reloads the unfinished ones)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        starts_at: datetime,
        choices: Sequence[int],
        created_by: int,
        poll_ends_at: datetime,
        reminder_at: datetime | None,
    ) -> int:
        """Recorded before the poll is posted (the poll's message id follows); its id."""
        return await write(
            self._conn,
            "INSERT INTO movie_nights (guild_id, channel_id, starts_at, status, choices, "
            "created_by, poll_ends_at, reminder_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                channel_id,
                stamp(starts_at),
                NightStatus.POLLING,
                json.dumps(list(choices)),
                created_by,
                stamp(poll_ends_at),
                stamp(reminder_at) if reminder_at else None,
            ),
        )

    async def update(self, night_id: int, **changes: object) -> None:
        """Set the named columns (datetimes stored as ISO text, enums as their value)."""
        unknown = set(changes) - _NIGHT_COLUMNS
        if unknown:
            raise ValueError(f"not movie-night columns: {sorted(unknown)}")
        values = [stamp(v) if isinstance(v, datetime) else v for v in changes.values()]
        assignments = ", ".join(f"{column} = ?" for column in changes)
        await write(
            self._conn,
            f"UPDATE movie_nights SET {assignments}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            (*values, night_id),
        )

    async def get(self, night_id: int) -> MovieNight | None:
        rows = await self._select("id = ?", (night_id,))
        return rows[0] if rows else None

    async def unfinished(self, guild_id: int | None = None) -> list[MovieNight]:
        """Nights still polling, scheduled or running (all servers when guild_id is None)."""
        statuses = NightStatus.unfinished()
        where = f"status IN ({', '.join('?' * len(statuses))})"
        if guild_id is None:
            return await self._select(where + " ORDER BY starts_at", statuses)
        return await self._select(
            where + " AND guild_id = ? ORDER BY starts_at", (*statuses, guild_id)
        )

    async def by_poll(self, message_id: int) -> MovieNight | None:
        rows = await self._select("poll_message_id = ?", (message_id,))
        return rows[0] if rows else None

    async def by_event(self, event_id: int) -> MovieNight | None:
        rows = await self._select("event_id = ?", (event_id,))
        return rows[0] if rows else None

    async def _select(self, where: str, values: Sequence[object]) -> list[MovieNight]:
        async with self._conn.execute(
            f"SELECT * FROM movie_nights WHERE {where}", values
        ) as cursor:
            return [_night(row) for row in await cursor.fetchall()]
