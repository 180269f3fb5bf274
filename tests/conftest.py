"""Shared fixtures: no network, a migrated SQLite file per test."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

# Shared test helpers (e.g. films_support.py) import by their plain module name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402

from storage import migrate  # noqa: E402


def _open_database_threads() -> list[threading.Thread]:
    """aiosqlite's worker threads still running: each is a connection never closed. They are
    not daemon threads, so one of them keeps the interpreter from ever exiting."""
    return [
        t
        for t in threading.enumerate()
        if t.is_alive() and not t.daemon and "_connection_worker_thread" in t.name
    ]


def pytest_sessionfinish(session, exitstatus):
    leaked = _open_database_threads()
    if leaked:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_sep(
            "!",
            f"{len(leaked)} database connection(s) were never closed "
            f"({', '.join(t.name for t in leaked)}): failing the run and exiting without them",
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if _open_database_threads():  # an exit would wait for them for ever
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(pytest.ExitCode.TESTS_FAILED))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "filmbot.sqlite3"


@pytest.fixture
async def db(db_path):
    """A real, migrated SQLite database file."""
    conn = await migrate.open_database(db_path)
    await migrate.migrate(conn)
    yield conn
    await conn.close()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """Tests never read the developer's .env or real token."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "TOXICITY_", "TMDB_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
