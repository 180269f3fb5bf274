"""The database as the running bot reports it: its file, its schema, whether it can be written,
installation facts (key/value) and the error reports users were shown ids for.

Cogs and /about use this service; only it holds the meta and error-report repositories.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage import migrate
from storage.health import StorageHealth, health
from storage.meta import ErrorReportRepository, MetaRepository


class DatabaseService:
    """One connection's facts and health; the connection itself stays private."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._meta = MetaRepository(conn)
        errors = ErrorReportRepository(conn)
        # The errors a user was shown an id for: kept with `record_error(error_id, summary,
        # guild_id=..., user_id=..., command=...)`, looked up with `error_report(error_id)`.
        self.record_error = errors.add
        self.error_report = errors.get

    @property
    def health(self) -> StorageHealth:
        """Whether writes work; the last failure, said plainly (None when they do)."""
        return health(self._conn)

    async def schema(self) -> migrate.SchemaStatus:
        """The schema version, the latest the code knows, and what is pending."""
        return await migrate.status(self._conn)

    def size_bytes(self) -> int:
        """The database file and its write-ahead log, in bytes."""
        files = (self.path, self.path.with_name(self.path.name + "-wal"))
        return sum(p.stat().st_size for p in files if p.exists())

    async def fact(self, key: str) -> str | None:
        """An installation fact (e.g. the hash of the last synced commands), None if unset."""
        return await self._meta.get(key)

    async def set_fact(self, key: str, value: str) -> None:
        await self._meta.set(key, value)
