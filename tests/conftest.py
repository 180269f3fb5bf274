"""Shared fixtures: no network, a migrated SQLite file per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Shared test helpers (e.g. films_support.py) import by their plain module name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402

from storage import migrate  # noqa: E402


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
