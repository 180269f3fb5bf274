"""The bot closes even when a background task loses its cancel (asyncio.wait_for on 3.11)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.e2e._screening import ready


async def test_a_catch_up_that_swallows_its_cancel_does_not_hang_the_shutdown(
    emu, start_bot, settings, monkeypatch
):
    entered = asyncio.Event()
    ran: list[int] = []

    async def catch_up_losing_its_cancel(self) -> int:
        ran.append(1)
        entered.set()
        with contextlib.suppress(asyncio.CancelledError):  # as wait_for may, on 3.11
            await asyncio.sleep(3600)
        return 0

    from cogs.screening.events import Screening

    monkeypatch.setattr(Screening, "catch_up", catch_up_losing_its_cancel)
    async with start_bot(settings) as bot:  # its close fails after 90 s if it hangs
        await ready(bot)
        await asyncio.wait_for(entered.wait(), 30)
    assert ran == [1]  # the loop did not go round again
    assert bot.is_closed()
    with pytest.raises(ValueError, match="no active connection"):
        await bot.services.conn.execute("SELECT 1")  # the database was closed
