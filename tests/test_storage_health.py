"""A database that cannot be written is said plainly: disk full, read-only, locked too long.
Real SQLite refusals on a real file (a capped size, the read-only switch, another connection
holding the write lock)."""

from __future__ import annotations

import pytest
from storage_support import fill_the_disk, free_the_disk, make_read_only

from bot.errors import StorageUnavailable
from storage import db as storage_db
from storage.db import connect, pragma, write
from storage.health import health

INSERT = ("INSERT INTO error_reports (error_id, summary) VALUES (?, ?)", ("e1", "boom"))


async def test_a_full_disk_is_named_and_remembered_until_a_write_works(db):
    await fill_the_disk(db)
    with pytest.raises(StorageUnavailable) as caught:
        await write(  # the filler packed this table: a new row needs a page
            db,
            "INSERT INTO journal_intents (kind, payload, steps, created_at, updated_at)"
            " VALUES ('warn', ?, '[]', '', '')",
            ("x" * 300,),
        )
    assert caught.value.problem == "disk full"
    assert caught.value.message.startswith("The database cannot be written: disk full.")
    assert "disk full" in health(db).describe()
    await free_the_disk(db)
    await write(db, *INSERT)
    assert health(db).describe() is None


async def test_read_only_is_named(db):
    await make_read_only(db)
    with pytest.raises(StorageUnavailable) as caught:
        await write(db, *INSERT)
    assert caught.value.problem == "the database is read-only"
    assert "1 failed write" in health(db).describe()
    with pytest.raises(StorageUnavailable):
        await write(db, *INSERT)
    assert "2 failed writes" in health(db).describe()


async def test_locked_too_long_by_another_process_is_named(db, db_path, monkeypatch):
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 100)
    await pragma(db, "PRAGMA busy_timeout = 50")
    other = await connect(db_path)
    await other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StorageUnavailable) as caught:
            await write(db, *INSERT)
        assert caught.value.problem.startswith("it stayed locked for too long")
    finally:
        await other.rollback()
        await other.close()
    await write(db, *INSERT)
    assert health(db).describe() is None


async def test_other_errors_are_not_storage_trouble(db):
    with pytest.raises(Exception) as caught:
        await write(db, "INSERT INTO no_such_table VALUES (1)")
    assert not isinstance(caught.value, StorageUnavailable)
    assert health(db).describe() is None
