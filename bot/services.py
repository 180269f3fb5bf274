"""Everything the cogs use, built once at start-up and handed to the bot (no cog builds its own).

Features add their repositories and engines here; `start()` runs after migrations (e.g. load the
curated films, reload expiries) and `aclose()` flushes queues and closes the database.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.settings import Settings
from storage import migrate
from storage.meta import ErrorReportRepository, MetaRepository

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    conn: aiosqlite.Connection
    database_path: Path
    meta: MetaRepository
    errors: ErrorReportRepository
    screening_backend: str = "none (screening is not built yet: it lands with issue 5)"
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def migrate(self) -> list[str]:
        """Bring the schema up to date (refuses a database newer than the code)."""
        return await migrate.migrate(self.conn)

    async def start(self) -> None:
        """Feature start-up work that needs the migrated database."""

    def on_close(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Register a coroutine run at shutdown, newest first (queues flush before the DB closes)."""
        self._closers.append(closer)

    async def aclose(self) -> None:
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:
                log.exception("error while shutting down %r", closer)
        await self.conn.close()


async def open_services(settings: Settings) -> Services:
    """Connect to the database and build the services (migrations run in the bot's setup_hook)."""
    settings.prepare_database_folder()
    conn = await migrate.open_database(settings.database_path)
    return Services(
        settings=settings,
        conn=conn,
        database_path=settings.database_path,
        meta=MetaRepository(conn),
        errors=ErrorReportRepository(conn),
    )
