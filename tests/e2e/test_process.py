"""`python -m bot run` as a real process against the emulator: starts, serves, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from storage import migrate

ROOT = Path(__file__).resolve().parents[2]


async def test_run_serves_and_shuts_down_cleanly_on_sigterm(emu, tmp_path):
    database = tmp_path / "bot.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))},
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": emu.token,
        "DATABASE_PATH": str(database),
        "DEV_GUILD_ID": emu.world.guild["id"],
        "DISCORD_API_BASE": emu.base_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "TOXICITY_BACKEND": "embedded",
    }
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
