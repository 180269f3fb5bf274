"""Migrations 013 and 014 rebuild mod_cases and spoiler_guard_records so a DM Discord failed
to deliver can be stored as 'failed' (013) and one whose sending was interrupted as 'unknown'
(014): a database left at version 12 or 13 keeps every case, citation, amendment, guard record
and re-post, and the runner that applies them turns foreign keys back on and refuses a
migration that leaves a dangling reference."""

from __future__ import annotations

import shutil
from importlib import resources

import pytest

from storage import migrate
from storage.db import DatabaseError, connect

CASE = (
    "INSERT INTO mod_cases (id, guild_id, number, type, member_id, member_name, moderator_id,"
    " reason, created_at, active, dm_status) VALUES (?, 1, ?, ?, 42, 'Bob', 7, ?,"
    " '2026-12-01T10:00:00.000000Z', ?, ?)"
)


async def at_version_12(tmp_path, version: int = 12):
    """A database migrated up to `version` with two cases, one citing the other, an
    amendment, and a guard record with a re-post."""
    folder = tmp_path / f"up-to-{version}"
    folder.mkdir()
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        if entry.name[:3].isdigit() and int(entry.name[:3]) <= version:
            shutil.copyfile(str(entry), folder / entry.name)
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate.migrate(conn, folder)
    assert await migrate.schema_version(conn) == version
    await conn.execute(CASE, (1, 1, "warn", "Spoiled the ending", 1, "closed"))
    await conn.execute(CASE, (2, 2, "auto-timeout", "Third warning", 1, "sent"))
    await conn.execute("INSERT INTO mod_case_citations VALUES (2, 1)")
    await conn.execute(
        "INSERT INTO mod_case_amendments (case_id, amended_by, amended_at, old_reason,"
        " new_reason) VALUES (1, 7, '2026-12-01T11:00:00.000000Z', 'Spoiled it', ?)",
        ("Spoiled the ending",),
    )
    await conn.execute(
        "INSERT INTO discussions (id, guild_id, channel_id, thread_id, film_id, film_label,"
        " spoiler_policy, created_by, auto_archive_minutes)"
        " VALUES (5, 1, 2, 3, 4, 'Never Let Me Go (2010)', 'tagged-only', 7, 1440)"
    )
    await conn.execute(
        "INSERT INTO spoiler_guard_records (id, discussion_id, original_message_id, author_id,"
        " original_text, rewritten_text, trigger, note_status)"
        " VALUES (8, 5, 100, 42, 'Ruth dies', '||Ruth dies||', 'guard', 'closed')"
    )
    await conn.execute("INSERT INTO spoiler_guard_reposts VALUES (101, 8, 0)")
    return conn


async def rows(conn, sql: str) -> list[tuple]:
    async with conn.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_cases_survive_the_rebuild_and_failed_is_accepted(tmp_path):
    conn = await at_version_12(tmp_path)
    with pytest.raises(Exception, match="CHECK constraint"):
        await conn.execute("UPDATE mod_cases SET dm_status = 'failed' WHERE id = 1")
    applied = await migrate.migrate(conn)
    assert applied[:2] == ["013-dm-not-delivered", "014-dm-unknown"]
    assert await rows(conn, "SELECT id, number, type, dm_status FROM mod_cases ORDER BY id") == [
        (1, 1, "warn", "closed"),
        (2, 2, "auto-timeout", "sent"),
    ]
    assert await rows(conn, "SELECT case_id, cited_case_id FROM mod_case_citations") == [(2, 1)]
    assert await rows(conn, "SELECT case_id, new_reason FROM mod_case_amendments") == [
        (1, "Spoiled the ending")
    ]
    await conn.execute("UPDATE mod_cases SET dm_status = 'failed' WHERE id = 1")
    assert await rows(conn, "PRAGMA foreign_keys") == [(1,)]
    with pytest.raises(Exception, match="FOREIGN KEY"):  # still enforced on the new table
        await conn.execute("INSERT INTO mod_case_citations VALUES (2, 99)")
    names = {r[0] for r in await rows(conn, "SELECT name FROM sqlite_master")}
    assert {"mod_cases_member", "mod_cases_expiring", "mod_cases_intent"} <= names
    assert {"spoiler_guard_by_discussion", "spoiler_guard_by_author"} <= names
    assert not {"mod_cases_new", "spoiler_guard_records_new"} & names
    await conn.close()


async def test_guard_records_survive_the_rebuild_and_failed_is_accepted(tmp_path):
    conn = await at_version_12(tmp_path)
    await migrate.migrate(conn)
    kept = (
        "SELECT id, original_text, note_status, created_at IS NOT NULL FROM spoiler_guard_records"
    )
    assert await rows(conn, kept) == [(8, "Ruth dies", "closed", 1)]
    await conn.execute("UPDATE spoiler_guard_records SET note_status = 'failed' WHERE id = 8")
    assert await rows(conn, "SELECT message_id, record_id FROM spoiler_guard_reposts") == [(101, 8)]
    with pytest.raises(Exception, match="FOREIGN KEY"):
        await conn.execute("INSERT INTO spoiler_guard_reposts VALUES (102, 99, 1)")
    await conn.close()


async def test_014_keeps_every_row_and_accepts_unknown(tmp_path):
    conn = await at_version_12(tmp_path, 13)
    with pytest.raises(Exception, match="CHECK constraint"):
        await conn.execute("UPDATE mod_cases SET dm_status = 'unknown' WHERE id = 1")
    assert (await migrate.migrate(conn))[0] == "014-dm-unknown"
    assert await rows(conn, "SELECT id, number, type, dm_status FROM mod_cases ORDER BY id") == [
        (1, 1, "warn", "closed"),
        (2, 2, "auto-timeout", "sent"),
    ]
    await conn.execute("UPDATE mod_cases SET dm_status = 'unknown' WHERE id = 1")
    await conn.execute("UPDATE spoiler_guard_records SET note_status = 'unknown' WHERE id = 8")
    assert await rows(conn, "SELECT case_id, cited_case_id FROM mod_case_citations") == [(2, 1)]
    assert await rows(conn, "SELECT message_id, record_id FROM spoiler_guard_reposts") == [(101, 8)]
    names = {r[0] for r in await rows(conn, "SELECT name FROM sqlite_master")}
    assert {"mod_cases_member", "mod_cases_expiring", "mod_cases_intent"} <= names
    assert not {"mod_cases_new", "spoiler_guard_records_new"} & names
    await conn.close()


async def test_a_migration_leaving_a_dangling_reference_is_rolled_back(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001-parent.sql").write_text(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));\n"
        "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (1);"
    )
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate.migrate(conn, folder)
    (folder / "002-drop-parent.sql").write_text("DELETE FROM parent;")
    with pytest.raises(DatabaseError, match="002-drop-parent.*rolled back.*child row 1 -> parent"):
        await migrate.migrate(conn, folder)
    assert await migrate.schema_version(conn) == 1
    assert await rows(conn, "SELECT id FROM parent") == [(1,)]
    assert await rows(conn, "PRAGMA foreign_keys") == [(1,)]
    await conn.close()
