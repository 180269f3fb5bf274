"""open_services: the database migrated first, every service built, test seams passed in."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime

import pytest

from bot.journal import CrashPoints
from bot.moderation.clock import ManualClock
from bot.services import open_services
from bot.settings import load_settings
from storage.db import DatabaseError, connect


def offline_settings(path):
    return load_settings(
        _env_file=None,
        database_path=path,
        toxicity_backend="embedded",
        spoiler_encoder="off",
        wikipedia_lookup="off",
    )


async def test_every_service_is_built_on_a_migrated_database(db_path):
    services = await open_services(offline_settings(db_path))
    try:
        missing = [
            f.name for f in dataclasses.fields(services) if getattr(services, f.name) is None
        ]
        assert missing == []
        schema = await services.database.schema()
        assert schema.pending == [] and schema.current == schema.latest
        assert await services.database.fact("no such fact") is None
    finally:
        await services.aclose()
    with pytest.raises(ValueError):  # aclose closed the connection last
        await services.conn.execute("SELECT 1")


async def test_the_clock_and_crash_points_passed_in_are_the_ones_used(db_path):
    clock = ManualClock(datetime(2030, 5, 1, 20, 0, tzinfo=UTC))
    crash = CrashPoints(["mod-record-first:record:before"], mode="raise")
    services = await open_services(offline_settings(db_path), clock=clock, crash=crash)
    try:
        assert services.clock is clock and services.journal.clock is clock
        assert services.journal.crash is crash
    finally:
        await services.aclose()


async def test_a_database_newer_than_the_code_is_refused_untouched(db_path):
    conn = await connect(db_path, wal=False)
    await conn.execute("PRAGMA user_version = 999")
    await conn.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseError, match="schema version 999.*left untouched"):
        await open_services(offline_settings(db_path))
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
