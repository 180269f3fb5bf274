"""Start-up never waits for the model: messages are stored unscreened meanwhile and caught
up once it has loaded; a model that cannot load (fallback off) is reported, not fatal."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from screening_support import embedded, migrated

from bot.screening.backend import ModelLoadError
from bot.screening.loader import ActiveBackend
from bot.screening.model import IncomingMessage
from bot.screening.policy import MessagePlace
from bot.screening.service import ScreeningService
from bot.screening.startup import ScreeningStartup

SETTINGS = SimpleNamespace(toxicity_backend="detoxify", toxicity_model="original")
IN_THREAD = MessagePlace(10, parent_id=20, is_discussion_thread=True)


@pytest.fixture
async def service(tmp_path):
    conn = await migrated(tmp_path / "filmbot.sqlite3")
    yield ScreeningService(conn)
    await conn.close()


async def test_messages_wait_unscreened_while_the_model_loads(service):
    gate = asyncio.Event()

    async def slow_loader(settings):
        await gate.wait()
        return ActiveBackend(embedded(), "TOXICITY_BACKEND=embedded")

    startup = ScreeningStartup(service, SETTINGS, loader=slow_loader)
    startup.begin()
    assert "loading Detoxify (original) in the background" in startup.describe()
    insult = IncomingMessage(1, 10, 99, 5, "you are a pathetic idiot", parent_id=20)
    handled = await service.handle_message(insult, IN_THREAD)
    assert handled.unscreened and "still loading" in handled.reason
    assert await service.count_unscreened() == 1

    gate.set()
    assert await startup.wait_loaded()
    caught_up = await service.catch_up()
    assert caught_up.screened == 1 and caught_up.flagged_or_hidden[0].outcome == "hide"
    assert (await service.latest_screening(99)).status == "screened"
    assert startup.describe().startswith("backend embedded (TOXICITY_BACKEND=embedded)")
    await startup.close()


async def test_a_model_that_cannot_load_without_fallback_is_reported(service):
    async def failing_loader(settings):
        raise ModelLoadError("the checkpoint x.ckpt does not exist", "set TOXICITY_CHECKPOINT")

    startup = ScreeningStartup(service, SETTINGS, loader=failing_loader)
    startup.begin()
    assert not await startup.wait_loaded()
    assert startup.describe().startswith("none: the checkpoint x.ckpt does not exist")
    assert "TOXICITY_FALLBACK=off" in startup.describe()
    message = IncomingMessage(1, 10, 100, 5, "hello", parent_id=20)
    assert (await service.handle_message(message, IN_THREAD)).unscreened
    await startup.close()


async def test_closing_while_loading_stops_waiting(service):
    never = asyncio.Event()

    async def stuck_loader(settings):
        await never.wait()

    startup = ScreeningStartup(service, SETTINGS, loader=stuck_loader)
    startup.begin()
    await startup.close()
    assert not startup.loaded and service.pipeline is None
