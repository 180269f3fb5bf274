"""Two processes (the bot and a `python -m bot threads import --post`) share one database file."""

from __future__ import annotations

import asyncio

from storage.db import connect, write


async def test_connections_to_one_file_take_turns_to_write(tmp_path):
    path = tmp_path / "shared.sqlite3"
    first = await connect(path)
    second = await connect(path)  # the first must not hold a lock once it is open
    try:
        await write(second, "CREATE TABLE notes (text TEXT)")
        await write(second, "INSERT INTO notes VALUES ('from the second')")
        await write(first, "INSERT INTO notes VALUES ('from the first')")  # no stale snapshot

        async with first.execute("SELECT text FROM notes ORDER BY rowid") as cursor:
            rows = [row[0] for row in await cursor.fetchall()]
        assert rows == ["from the second", "from the first"]
    finally:
        await first.close()
        await second.close()


async def test_a_write_waits_for_a_read_on_the_same_connection_that_holds_an_old_snapshot(
    tmp_path,
):
    """The bot reads (SELECT, then fetch later) while another task writes on the same
    connection, after another process committed: SQLite refuses BEGIN IMMEDIATE at once
    ("database is locked") until the read ends; the write must wait for it, not fail."""
    path = tmp_path / "shared.sqlite3"
    bot, other_process = await connect(path), await connect(path)
    try:
        await write(bot, "CREATE TABLE notes (text TEXT)")
        for n in range(3):
            await write(bot, "INSERT INTO notes VALUES (?)", (f"note {n}",))
        reading = await bot.execute("SELECT text FROM notes")  # a snapshot, rows not all read
        await write(other_process, "INSERT INTO notes VALUES ('imported')")  # newer than it

        async def finish_reading() -> list[str]:
            await asyncio.sleep(0.05)
            rows = [row[0] for row in await reading.fetchall()]
            await reading.close()
            return rows

        reader = asyncio.create_task(finish_reading())
        await write(bot, "INSERT INTO notes VALUES ('captured')")
        assert await reader == ["note 0", "note 1", "note 2"]
        async with bot.execute("SELECT count(*) FROM notes") as cursor:
            assert (await cursor.fetchone())[0] == 5
    finally:
        await bot.close()
        await other_process.close()
