"""Shared plumbing for subcommands: settings with a one-line failure, and a database session."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from typing import TypeAlias

import aiosqlite

from bot.settings import Settings, SettingsError, load_settings
from storage import migrate
from storage.db import DatabaseError

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What each subcommand module's `register(subparsers)` adds its parser to."""


class CommandFailed(Exception):
    """A subcommand failed for a reason the user can act on; the message is printed as is."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def settings_or_fail() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise CommandFailed(str(exc), 2) from None


@contextlib.asynccontextmanager
async def migrated_database(settings: Settings) -> AsyncIterator[aiosqlite.Connection]:
    """The configured database, migrated to the latest schema; closed on exit."""
    try:
        settings.prepare_database_folder()
        conn = await migrate.open_database(settings.database_path)
    except (SettingsError, DatabaseError) as exc:
        raise CommandFailed(str(exc)) from None
    try:
        await migrate.migrate(conn)
        yield conn
    finally:
        await conn.close()


def run_command(work: Callable[[], int | None]) -> int:
    """Run a subcommand body; CommandFailed becomes `error: ...` on stderr and its exit code."""
    try:
        return work() or 0
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
