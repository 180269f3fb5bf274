"""TMDB answers cached in the database, so each lookup is made once."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from storage.db import write


class TmdbCacheRepository:
    """Cached TMDB answers keyed on the request (path and sorted query string)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, request: str) -> dict[str, Any] | None:
        """The cached body (empty for a cached 404), or None when never asked."""
        async with self._conn.execute(
            "SELECT status, body FROM tmdb_cache WHERE request = ?", (request,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return json.loads(row["body"]) if row["status"] == 200 else {}

    async def put(self, request: str, status: int, body: dict[str, Any]) -> None:
        """Remember an answer (200 or 404), replacing an older one."""
        await write(
            self._conn,
            "INSERT OR REPLACE INTO tmdb_cache (request, status, body) VALUES (?, ?, ?)",
            (request, status, json.dumps(body)),
        )
