"""Run the real bot against the emulator in this process (used by the sandbox and the tests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot.app import FilmBot
from bot.journal import CrashPoints
from bot.sandbox.emulator import Emulator
from bot.services import Services, open_services
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def sandbox_settings(emu: Emulator, database_path: Path, **overrides: object) -> Settings:
    """Settings for a bot talking to `emu`: its token, its guild for command sync."""
    values = {
        "discord_token": emu.token,
        "database_path": database_path,
        "dev_guild_id": int(emu.world.guild["id"]),
        "toxicity_backend": "embedded",
        "wikipedia_lookup": "off",  # the sandbox is offline; tests point it at a local fake
        "spoiler_encoder": "off",  # a 90 MB model per test run; the encoder has its own tests
        **overrides,
    }
    return load_settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running_bot(
    emu: Emulator,
    settings: Settings,
    *,
    ready_timeout: float = 30.0,
    prepare: Callable[[Services], None] | None = None,
    crash: CrashPoints | None = None,
) -> AsyncIterator[FilmBot]:
    """Start the bot against the emulator, wait until it is ready, and close it cleanly after.

    `prepare` may adjust the services before the bot starts (tests swap in a manual clock);
    `crash` is where the journal stops on purpose (tests).
    """
    with emu.install():
        services: Services = await open_services(settings, crash=crash)
        if prepare is not None:
            prepare(services)
        bot = FilmBot(settings=settings, services=services, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(emu.token), name="filmbot")
        try:
            await _wait_ready(bot, task, ready_timeout)
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await services.aclose()


async def _wait_ready(bot: FilmBot, task: asyncio.Task, timeout: float) -> None:
    ready = asyncio.ensure_future(bot.wait_until_ready())
    done, _ = await asyncio.wait(
        {ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    if task in done:
        ready.cancel()
        task.result()  # re-raises why start-up failed
        raise RuntimeError("the bot stopped before it was ready")
    if ready not in done:
        ready.cancel()
        raise TimeoutError(f"the bot was not ready after {timeout} s")
