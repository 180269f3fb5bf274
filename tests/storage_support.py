"""Real SQLite trouble for tests: a database that is full, read-only, or locked by another
process. No mocks: SQLite itself refuses the writes."""

from __future__ import annotations

import aiosqlite

from storage.db import pragma, write


async def fill_the_disk(conn: aiosqlite.Connection) -> int:
    """Cap the file at its current size (PRAGMA max_page_count) and pack every page with
    finished filler intents, so any new row needs a page SQLite may not add: "database or
    disk is full". Returns how many filler rows went in."""
    async with conn.execute("PRAGMA page_count") as cursor:
        pages = (await cursor.fetchone())[0]
    await pragma(conn, f"PRAGMA max_page_count = {pages}")
    rows = 0
    for size in (2000, 200, 20, 1):
        while True:
            try:
                await write(
                    conn,
                    "INSERT INTO journal_intents (kind, payload, steps, status, created_at,"
                    " updated_at) VALUES ('filler', ?, '[]', 'done', '', '')",
                    ("x" * size,),
                )
            except Exception as full:  # StorageUnavailable("disk full") (sqlite3's on old code)
                if "full" not in str(full):
                    raise
                break
            rows += 1
    return rows


async def free_the_disk(conn: aiosqlite.Connection) -> None:
    await pragma(conn, "PRAGMA max_page_count = 1073741823")


async def make_read_only(conn: aiosqlite.Connection, read_only: bool = True) -> None:
    """SQLite's own read-only switch for this connection: every write is refused with
    "attempt to write a readonly database"."""
    await pragma(conn, f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
