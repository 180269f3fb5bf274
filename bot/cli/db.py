"""`python -m bot db migrate|status|backup PATH`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import aiosqlite

from bot.about import format_bytes
from bot.cli._common import (
    CommandFailed,
    Subparsers,
    migrated_database,
    run_command,
    settings_or_fail,
)
from storage import migrate
from storage.db import connect


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("db", help="inspect, migrate or back up the database")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("migrate", help="apply pending migrations").set_defaults(
        handler=handle_migrate
    )
    actions.add_parser("status", help="schema version and pending migrations").set_defaults(
        handler=handle_status
    )
    backup = actions.add_parser("backup", help="copy the live database (SQLite online backup)")
    backup.add_argument("path", type=Path, help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite an existing file")
    backup.set_defaults(handler=handle_backup)


def handle_migrate(args: argparse.Namespace) -> int:
    return run_command(lambda: asyncio.run(_migrate()))


async def _migrate() -> int:
    settings = settings_or_fail()
    async with migrated_database(settings) as conn:
        version = await migrate.schema_version(conn)
    print(f"{settings.database_path}: schema is at version {version} (up to date)")
    return 0


def handle_status(args: argparse.Namespace) -> int:
    return run_command(lambda: asyncio.run(_status()))


async def _status() -> int:
    settings = settings_or_fail()
    path = settings.database_path
    if not path.exists():
        print(f"{path}: no database yet (it is created on first start or by `db migrate`)")
        return 0
    conn = await migrate.open_database(path)
    try:
        state = await migrate.status(conn)
    finally:
        await conn.close()
    print(
        f"{path}: {format_bytes(path.stat().st_size)}, schema version {state.current} "
        f"of {state.latest}"
    )
    print("pending migrations: " + (", ".join(state.pending) if state.pending else "none"))
    return 0


def handle_backup(args: argparse.Namespace) -> int:
    return run_command(lambda: asyncio.run(_backup(args.path, args.force)))


async def _backup(target: Path, force: bool) -> int:
    settings = settings_or_fail()
    source_path = settings.database_path
    if not source_path.exists():
        raise CommandFailed(f"there is no database at {source_path} to back up")
    if target.exists() and not force:
        raise CommandFailed(f"{target} already exists; pass --force to overwrite it")
    if target.resolve() == source_path.resolve():
        raise CommandFailed("the backup path is the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = await migrate.open_database(source_path)
    try:
        partial = target.with_name(target.name + ".partial")
        async with aiosqlite.connect(partial) as copy:
            await source.backup(copy)
        partial.replace(target)
    finally:
        await source.close()
    check = await connect(target, wal=False)
    version = await migrate.schema_version(check)
    await check.close()
    print(
        f"backed up {source_path} to {target} ({format_bytes(target.stat().st_size)}, "
        f"schema version {version})"
    )
    return 0
