"""The one place a SQLite connection is opened, with the same pragmas everywhere (WAL, foreign
keys, busy timeout): `connect` for the bot and the command line (aiosqlite), plus the
transaction helpers every repository writes through."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite

from storage.health import as_storage_error, health

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A database that cannot be used as it is; the message says why and what to do."""


def check_is_sqlite(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database, before SQLite touches it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not a SQLite database (its first bytes are not the SQLite header); "
            "it was left untouched. Point DATABASE_PATH at another file or move this one away."
        )


async def connect(path: Path | str, *, wal: bool = True) -> aiosqlite.Connection:
    """Open a connection with WAL, foreign keys and a busy timeout; rows behave like dicts.

    With wal=False the file is not modified at all (used to inspect a database before trusting it).
    """
    path = Path(path) if str(path) != ":memory:" else path
    if isinstance(path, Path):
        check_is_sqlite(path)
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    conn.row_factory = aiosqlite.Row
    try:
        await pragma(conn, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await pragma(conn, "PRAGMA foreign_keys = ON")
        await pragma(conn, "PRAGMA synchronous = NORMAL")
        async with conn.execute("SELECT count(*) FROM sqlite_master") as cursor:
            await cursor.fetchone()  # reads the file: fails here if it is corrupt
        if wal and isinstance(path, Path):
            await enable_wal(conn)
    except Exception as exc:
        await conn.close()
        raise DatabaseError(f"{path} cannot be opened as a database: {exc}") from None
    return conn


def connect_sync(path: Path | str) -> sqlite3.Connection:
    """A plain sqlite3 connection for work in a worker thread (bulk catalog writes): the same
    busy timeout and foreign keys as `connect`, autocommit (callers BEGIN themselves), rows
    behave like dicts. The caller closes it."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


async def enable_wal(conn: aiosqlite.Connection) -> None:
    await pragma(conn, "PRAGMA journal_mode = WAL")


async def pragma(conn: aiosqlite.Connection, sql: str) -> None:
    """Run a PRAGMA and finish its statement. A PRAGMA that answers a row (journal_mode does)
    left unread keeps its statement open, and with it a lock or an old read snapshot: another
    process's writes then make this connection's next write fail with "database is locked"."""
    async with conn.execute(sql) as cursor:
        await cursor.fetchall()


_LOCKS: weakref.WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = weakref.WeakKeyDictionary()


def connection_lock(conn: aiosqlite.Connection) -> asyncio.Lock:
    """One lock per connection: tasks sharing a connection take turns to write.

    SQLite cannot nest transactions on one connection, and a COMMIT from one task would
    otherwise commit another task's half-done transaction. Every write goes through
    `transaction` (or `write`), which holds this lock.
    """
    lock = _LOCKS.get(conn)
    if lock is None:
        lock = _LOCKS[conn] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def transaction(conn: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """BEGIN IMMEDIATE ... COMMIT under the connection's lock, rolled back on any exception.

    Cancellation-safe: if the task is cancelled during BEGIN or the body, whatever was started
    is rolled back before the lock is released, so the next writer starts clean.
    """
    async with connection_lock(conn):
        try:
            await _begin_immediate(conn)
            yield conn
            await conn.commit()
        except BaseException as error:
            await _rollback_quietly(conn)
            converted = as_storage_error(conn, error)  # disk full, read-only, locked: said plainly
            if converted is error:
                raise
            raise converted from error
        health(conn).succeeded()


async def _begin_immediate(conn: aiosqlite.Connection) -> None:
    """BEGIN IMMEDIATE, retried while SQLite answers "database is locked" at once.

    The busy timeout covers waiting for another connection's write lock, but not this case: a
    read on this connection (another task between its SELECT and its fetch) still holds a
    snapshot older than another process's last commit, so SQLite refuses the upgrade without
    waiting. Yielding lets that read finish; nothing has been written yet, so retrying is safe.
    """
    delay, waited = 0.005, 0.0
    while True:
        try:
            await conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or waited * 1000 >= BUSY_TIMEOUT_MS:
                raise
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.25)


async def _rollback_quietly(conn: aiosqlite.Connection) -> None:
    try:
        # Queued after a BEGIN that may still be pending; a no-op when no transaction is open.
        await conn.rollback()
    except Exception:  # the original exception matters more; the connection stays usable
        log.exception("rollback failed")


async def write(
    conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
) -> int:
    """One statement in its own transaction; returns the last row id."""
    async with transaction(conn):
        cursor = await conn.execute(sql, params)
        return cursor.lastrowid or 0
