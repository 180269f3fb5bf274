"""Whether the database can be written, said plainly: a failed write becomes StorageUnavailable
naming the cause, and the last failure is remembered for /about until a write succeeds again.

storage.db.transaction (every write) reports here, so no feature has to classify SQLite's
errors itself.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.errors import StorageUnavailable

log = logging.getLogger(__name__)

# SQLite's words -> what a moderator reads after "the database cannot be written: ".
_CAUSES = (
    ("database or disk is full", "disk full"),
    ("readonly database", "the database is read-only"),
    ("database is locked", "it stayed locked for too long (another process holds it)"),
    ("disk i/o error", "disk I/O error"),
    ("unable to open database", "the database file cannot be opened"),
)


@dataclass(frozen=True)
class WriteFailure:
    problem: str
    since: datetime
    count: int


class StorageHealth:
    """The last write failure (None when the last write worked)."""

    def __init__(self) -> None:
        self.failure: WriteFailure | None = None
        self.on_writable: list[Callable[[], None]] = []  # called when writes work again

    def failed(self, problem: str) -> None:
        if self.failure is None or self.failure.problem != problem:
            log.error("the database cannot be written: %s", problem)
            self.failure = WriteFailure(problem, datetime.now(UTC), 1)
        else:
            self.failure = WriteFailure(problem, self.failure.since, self.failure.count + 1)

    def succeeded(self) -> None:
        if self.failure is not None:
            log.warning("the database can be written again (after %s)", self.failure.problem)
            self.failure = None
            for listener in list(self.on_writable):
                listener()

    def describe(self) -> str | None:
        """'cannot be written since 12:03 UTC: disk full (3 failed writes)', or None."""
        if self.failure is None:
            return None
        writes = "write" if self.failure.count == 1 else "writes"
        return (
            f"cannot be written since {self.failure.since:%Y-%m-%d %H:%M} UTC: "
            f"{self.failure.problem} ({self.failure.count} failed {writes})"
        )


_HEALTH: weakref.WeakKeyDictionary[aiosqlite.Connection, StorageHealth] = (
    weakref.WeakKeyDictionary()
)


def health(conn: aiosqlite.Connection) -> StorageHealth:
    """The write health of one connection (the bot has one; /about reads it)."""
    conn_health = _HEALTH.get(conn)
    if conn_health is None:
        conn_health = _HEALTH[conn] = StorageHealth()
    return conn_health


def write_problem(error: BaseException) -> str | None:
    """The cause when `error` means the database cannot be written, else None."""
    if not isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    if isinstance(error, sqlite3.IntegrityError):
        return None
    text = str(error).lower()
    for words, problem in _CAUSES:
        if words in text:
            return problem
    return None


def as_storage_error(conn: aiosqlite.Connection, error: BaseException) -> BaseException:
    """StorageUnavailable for a write that cannot be done (recorded in the connection's
    health); any other error is returned as it is."""
    if isinstance(error, StorageUnavailable):
        return error
    problem = write_problem(error)
    if problem is None:
        return error
    health(conn).failed(problem)
    return StorageUnavailable(problem)
