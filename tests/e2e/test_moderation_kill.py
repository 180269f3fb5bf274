"""A real `python -m bot run` process killed (os._exit, no cleanup) at the worst moments of a
journaled action, then a fresh start on the same database: the action is completed
(issue 12, D6: a tempban applied but not recorded must not become permanent)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.journal.crash import CRASH_ENV, CRASH_EXIT_CODE
from bot.moderation.model import CaseType, DmStatus
from tests.e2e._moderation import cases_of, confirm, manual_clock
from tests.e2e._process import bot_env


async def run_until_killed(emu, database: Path, point: str, command: str, **options) -> None:
    """Start the bot as a process armed to die at `point`, run the command as Mona (confirming
    when asked), and wait for the process to die there."""
    env = bot_env(emu, database, **{CRASH_ENV: point})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=database.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await emu.recorder.wait_for("PUT", r"/guilds/\d+/commands$", timeout=60)
        await emu.wait_connected(timeout=30)
        record = await emu.slash("Mona", command, member="Bob", **options)
        if command != "mod warn":
            await confirm(emu, "Mona", record, "Ban")
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    log = output.decode()
    assert process.returncode == CRASH_EXIT_CODE, log
    assert f"crash point {point} reached: killing the process" in log


async def test_a_tempban_killed_after_discord_banned_gets_its_case_and_ends(
    emu, start_bot, settings
):
    point = "mod-discord-first:discord:after"
    await run_until_killed(
        emu, settings.database_path, point, "mod tempban", duration="1d", reason="Raid"
    )
    bob = emu.world.user_id("Bob")
    assert bob in emu.world.bans  # banned on Discord, and the process died before the case
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await bot.services.journal.resume_unfinished()
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType.TEMPBAN and case.active
        assert case.expires_at == case.created_at + timedelta(days=1)
        clock.set(case.expires_at)
        await bot.services.expiry.wait_idle()
        assert bob not in emu.world.bans


@pytest.mark.parametrize("point", ["mod-record-first:case:after"])
async def test_a_warn_killed_around_its_case_is_recorded_once_and_sent_once(
    emu, start_bot, settings, point
):
    await run_until_killed(emu, settings.database_path, point, "mod warn", reason="Spoilers")
    assert emu.dms("Bob") == []  # the case comes first: nothing was sent before the kill
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        [case] = await cases_of(bot, emu, "Bob")
        assert case.type == CaseType.WARN and case.dm_status == DmStatus.SENT
        assert len(emu.dms("Bob")) == 1
