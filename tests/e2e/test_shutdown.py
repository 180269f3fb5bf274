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


async def test_a_handler_still_running_at_the_close_finishes_before_the_database_closes(
    emu, start_bot, settings
):
    # A gateway event that arrives as the bot stops (a thread update after a lock, say) runs
    # in a task of its own: the close waits for it, so it never meets a closed database.
    started = asyncio.Event()
    found: list[object] = []

    async def on_slow_lookup() -> None:
        started.set()
        await asyncio.sleep(0.5)
        cursor = await bot.services.conn.execute("SELECT count(*) FROM discussions")
        found.append((await cursor.fetchone())[0])

    async with start_bot(settings) as bot:
        await ready(bot)
        bot.add_listener(on_slow_lookup, "on_slow_lookup")
        bot.dispatch("slow_lookup")
        await asyncio.wait_for(started.wait(), 10)
    assert found == [0]  # it ran to its end; an error in it would also fail the e2e error log
    assert bot.is_closed()


async def test_a_handler_that_never_ends_is_cancelled_at_the_close(
    emu, start_bot, settings, monkeypatch
):
    import bot.app

    monkeypatch.setattr(bot.app, "HANDLERS_SECONDS", 0.2)
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def on_stuck() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async with start_bot(settings) as filmbot:
        await ready(filmbot)
        filmbot.add_listener(on_stuck, "on_stuck")
        filmbot.dispatch("stuck")
        await asyncio.wait_for(started.wait(), 10)
    assert cancelled == [True]
    assert filmbot.is_closed()
