"""A real `python -m bot run` killed (os._exit at a crash point) while it posts the alert of a
flagged message or of a member's report, then a fresh start on the same database: one alert
in the alert channel, its id stored (the one posted before the kill is found and adopted)."""

from __future__ import annotations

import pytest

from bot.journal.crash import CRASH_ENV
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._screening import alerts, ready, screen_everywhere, use_alert_channel
from tests.e2e._screening import report as report_through_the_menu
from tests.e2e.test_message_path_kill import bot_process, died_at

BORDERLINE = "the director of this ending is a total moron"  # flagged, not hidden
POINTS = ["screening-alert:alert:before", "screening-alert:alert:sent"]


async def flag(emu) -> None:
    await emu.post("Alice", "film-talk", BORDERLINE)


async def report(emu) -> None:
    target = await emu.post("Bob", "general", "buy cheap films at shady.example")
    await report_through_the_menu(emu, "Dave", target, "spam")


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("why", ["flag", "report"])
async def test_an_alert_killed_midway_is_there_once_at_restart(
    emu, start_bot, settings, why, point
):
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        await screen_everywhere(bot, emu)
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        await (flag if why == "flag" else report)(emu)
        await died_at(process, point)
    assert len(alerts(emu)) == (1 if point.endswith("sent") else 0)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        (alert,) = alerts(emu)
        item = await bot.services.screening.review_item(1)
        assert item.alert_message_id == int(alert["id"])
        shown = "flagged for review" if why == "flag" else "reported by a member"
        assert shown in message_text(alert)
