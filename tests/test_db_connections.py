"""Two processes (the bot and a `python -m bot threads import --post`) share one database file."""

from __future__ import annotations

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
