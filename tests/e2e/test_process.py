"""`python -m bot run` as a real process against the emulator: starts, serves, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

from storage import migrate
from tests.e2e._process import bot_env


async def test_run_serves_and_shuts_down_cleanly_on_sigterm(emu, tmp_path):
    database = tmp_path / "bot.sqlite3"
    env = bot_env(emu, database)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await emu.recorder.wait_for("PUT", r"/guilds/\d+/commands$", timeout=60)
        await emu.wait_connected(timeout=30)
        record = await emu.slash("Alice", "about")
        assert "FilmBot" in await record.text()
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    log = output.decode()
    assert process.returncode == 0, log
    assert "received SIGTERM: shutting down" in log and "database closed" in log
    assert "Traceback" not in log
    conn = await migrate.open_database(database)
    assert (await migrate.status(conn)).pending == []
    await conn.close()
