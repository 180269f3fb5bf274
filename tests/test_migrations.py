import hashlib

import pytest

from storage import migrate
from storage.db import DatabaseError, connect


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_fresh_database_reaches_latest_version(db):
    state = await migrate.status(db)
    assert state.current == state.latest >= 1
    assert state.pending == []
    async with db.execute("SELECT name FROM sqlite_master WHERE type='table'") as cur:
        tables = {row[0] for row in await cur.fetchall()}
    assert {"meta", "error_reports"} <= tables


async def test_connection_settings(db):
    async with db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    async with db.execute("PRAGMA busy_timeout") as cur:
        assert (await cur.fetchone())[0] >= 1000


async def test_upgrade_applies_only_pending_migrations(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001-first.sql").write_text("CREATE TABLE a (x INTEGER);")
    conn = await connect(tmp_path / "db.sqlite3")
    assert await migrate.migrate(conn, folder) == ["001-first"]
    await conn.execute("INSERT INTO a VALUES (7)")
    await conn.commit()
    (folder / "002-second.sql").write_text(
        "CREATE TABLE b (y INTEGER);\n-- a comment\nINSERT INTO b SELECT x FROM a;"
    )
    assert await migrate.migrate(conn, folder) == ["002-second"]
    async with conn.execute("SELECT y FROM b") as cur:
        assert [r[0] for r in await cur.fetchall()] == [7]
    assert await migrate.migrate(conn, folder) == []
    await conn.close()


async def test_failed_migration_is_rolled_back_whole(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001-broken.sql").write_text("CREATE TABLE ok (x);\nCREATE TABLE oops (;")
    conn = await connect(tmp_path / "db.sqlite3")
    with pytest.raises(DatabaseError, match="001-broken.*rolled back"):
        await migrate.migrate(conn, folder)
    assert await migrate.schema_version(conn) == 0
    async with conn.execute("SELECT count(*) FROM sqlite_master WHERE name='ok'") as cur:
        assert (await cur.fetchone())[0] == 0
    await conn.close()


async def test_newer_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "db.sqlite3"
    conn = await connect(path, wal=False)
    await conn.execute("PRAGMA user_version = 999")
    await conn.close()
    before = digest(path)
    with pytest.raises(DatabaseError, match="schema version 999.*left untouched"):
        await migrate.open_database(path)
    assert digest(path) == before


async def test_non_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 20)
    before = digest(path)
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        await migrate.open_database(path)
    assert digest(path) == before


async def test_corrupted_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = digest(path)
    with pytest.raises(DatabaseError, match="cannot be opened"):
        await migrate.open_database(path)
    assert digest(path) == before
