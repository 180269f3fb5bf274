"""Installation facts (key/value) and the error reports users were shown ids for."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import write


@dataclass(frozen=True)
class ErrorReport:
    error_id: str
    guild_id: int | None
    user_id: int | None
    command: str | None
    summary: str
    created_at: str


class MetaRepository:
    """Small key/value store for facts about this installation."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, key: str) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return None if row is None else row["value"]

    async def set(self, key: str, value: str) -> None:
        await write(
            self._conn,
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (key, value),
        )


class ErrorReportRepository:
    """Errors a user was shown an id for; `python -m bot db` and moderators can look them up."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        error_id: str,
        summary: str,
        *,
        guild_id: int | None = None,
        user_id: int | None = None,
        command: str | None = None,
    ) -> None:
        await write(
            self._conn,
            "INSERT INTO error_reports (error_id, guild_id, user_id, command, summary) "
            "VALUES (?, ?, ?, ?, ?)",
            (error_id, guild_id, user_id, command, summary[:2000]),
        )

    async def get(self, error_id: str) -> ErrorReport | None:
        async with self._conn.execute(
            "SELECT * FROM error_reports WHERE error_id = ?", (error_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else ErrorReport(**dict(row))
