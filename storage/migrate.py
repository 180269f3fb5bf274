"""Numbered SQL migrations keyed on PRAGMA user_version, each applied in one transaction.

Files live in storage/migrations/ as NNN-name.sql; the number is the schema version it leads to.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.db import DatabaseError, connect, enable_wal

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{3})-([a-z0-9-]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class SchemaStatus:
    current: int
    latest: int
    pending: list[str]


def available_migrations(folder: Path | None = None) -> list[Migration]:
    """All migration files, ordered by number; duplicate numbers are a programming error."""
    if folder is None:
        files = [
            (entry.name, entry.read_text(encoding="utf-8"))
            for entry in resources.files("storage").joinpath("migrations").iterdir()
        ]
    else:
        files = [(p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir()]
    by_version: dict[int, Migration] = {}
    for name, sql in files:
        match = MIGRATION_NAME.match(name)
        if not match:
            continue
        version = int(match.group(1))
        if version in by_version:
            raise RuntimeError(f"two migrations numbered {version:03d}")
        by_version[version] = Migration(version, match.group(2), sql)
    return [by_version[v] for v in sorted(by_version)]


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return 0 if row is None else int(row[0])  # PRAGMA user_version always answers one row


async def status(conn: aiosqlite.Connection, folder: Path | None = None) -> SchemaStatus:
    """Where the database stands against the code's migrations."""
    migrations = available_migrations(folder)
    current = await schema_version(conn)
    latest = migrations[-1].version if migrations else 0
    pending = [f"{m.version:03d}-{m.name}" for m in migrations if m.version > current]
    return SchemaStatus(current, latest, pending)


async def open_database(path: Path) -> aiosqlite.Connection:
    """Connect, refusing (before changing a byte) a file that is not SQLite or is newer than
    the code; then switch to WAL. Migrations are applied separately, by `migrate`."""
    conn = await connect(path, wal=False)
    try:
        await _refuse_newer(conn, available_migrations())
        await enable_wal(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


async def _refuse_newer(conn: aiosqlite.Connection, migrations: list[Migration]) -> int:
    latest = migrations[-1].version if migrations else 0
    current = await schema_version(conn)
    if current > latest:
        raise DatabaseError(
            f"the database is at schema version {current} but this code only knows up to "
            f"{latest}; it was left untouched. Upgrade filmbot, or use a backup made for this version."
        )
    return current


async def migrate(conn: aiosqlite.Connection, folder: Path | None = None) -> list[str]:
    """Apply every pending migration; refuse a database newer than the code. Returns names applied."""
    migrations = available_migrations(folder)
    current = await _refuse_newer(conn, migrations)
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        await _apply(conn, migration)
        applied.append(f"{migration.version:03d}-{migration.name}")
        log.info("applied migration %03d-%s", migration.version, migration.name)
    return applied


async def _apply(conn: aiosqlite.Connection, migration: Migration) -> None:
    """One migration in one transaction. Foreign keys are off while it runs, as SQLite's way of
    changing a table (create the new one, copy, drop the old, rename) requires, and every
    foreign key is checked before the commit: a migration that leaves a dangling reference is
    rolled back."""
    # executescript would commit implicitly; split statements so the whole file is one transaction.
    statements = _split_statements(migration.sql)
    enforced = await _foreign_keys(conn)
    await conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set first
    try:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await conn.execute(statement)
            await _check_foreign_keys(conn)
            await conn.execute(f"PRAGMA user_version = {migration.version}")
        except Exception as exc:
            await conn.rollback()
            raise DatabaseError(
                f"migration {migration.version:03d}-{migration.name} failed and was rolled "
                f"back: {exc}"
            ) from exc
        await conn.commit()
    finally:
        await conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


async def _foreign_keys(conn: aiosqlite.Connection) -> bool:
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


async def _check_foreign_keys(conn: aiosqlite.Connection) -> None:
    async with conn.execute("PRAGMA foreign_key_check") as cursor:
        dangling = list(await cursor.fetchall())
    if dangling:
        first = dangling[0]  # (table, rowid, parent table, foreign key index)
        raise sqlite3.IntegrityError(
            f"{len(dangling)} row(s) refer to rows that do not exist "
            f"(first: {first[0]} row {first[1]} -> {first[2]})"
        )


def _split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (handles triggers' inner semicolons)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return [s for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    return any(
        line.strip() and not line.strip().startswith("--") for line in statement.splitlines()
    )
