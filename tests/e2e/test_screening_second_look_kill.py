"""A real `python -m bot run` killed (os._exit at a crash point) between a veiled threat's
first verdict (pass: stored, its second look pending) and the second look's flag, then a fresh
start on the same database: the alert is posted once, and a second restart posts no other."""

from __future__ import annotations

import asyncio

import pytest

from bot.journal.crash import CRASH_ENV
from bot.sandbox.emulator.interactions import message_text
from bot.screening.look_service import FLAGGED, LOOKED
from tests.e2e._screening import alerts, discussion_thread, ready, use_alert_channel
from tests.e2e.test_message_path_kill import bot_process, died_at

VEILED = "One of these nights you just won't wake up"


async def posted_then_killed(
    emu, start_bot, settings, point: str, text: str = VEILED
) -> tuple[str, dict]:
    """A discussion thread (and an alert channel) set up; then a bot process that Dave's
    message (a veiled threat) kills at `point`: the thread and the message."""
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        thread = await discussion_thread(bot, emu)
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        posted = await emu.post("Dave", thread, text)
        await died_at(process, point)
    return thread, posted


@pytest.mark.parametrize("point", [LOOKED, FLAGGED])
async def test_a_second_look_killed_before_its_alert_alerts_once_after_restart(
    emu, start_bot, settings, point
):
    _, posted = await posted_then_killed(emu, start_bot, settings, point)
    assert alerts(emu) == []
    async with start_bot(settings) as bot:
        # killed at LOOKED, the catch-up looks again and the look loop alerts; killed at
        # FLAGGED, the item is stored and the start-up sweep posts its alert
        looked = asyncio.ensure_future(
            bot.wait_for("second_look", check=lambda h: h.stored.content == VEILED, timeout=60)
        )
        await ready(bot)
        await bot.get_cog("Screening").swept.wait()
        if point == LOOKED:
            assert (await looked).review_item is not None
        else:
            looked.cancel()
        stored = await bot.services.screening.latest_screening(int(posted["id"]))
        assert stored.outcome == "flag" and stored.second_look == "done"
        assert await bot.services.screening.second_looks.count_pending() == 0
        (item,) = await bot.services.screening.pending_reviews(stored.guild_id)
        assert item.alert_message_id is not None
    async with start_bot(settings) as bot:
        await ready(bot)
        await bot.get_cog("Screening").swept.wait()
        await bot.get_cog("Screening").catch_up()
        await bot.services.journal.resume_unfinished()
    (alert,) = alerts(emu)
    assert "flagged for review" in message_text(alert) and "threat" in message_text(alert)
    assert emu.world.find_message(posted["id"]) is not None  # still visible: a flag
