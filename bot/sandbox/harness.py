"""Run the real bot against the emulator in this process (used by the sandbox and the tests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import FilmBot
from bot.journal import CrashPoints
from bot.moderation.clock import Clock
from bot.sandbox.emulator import Emulator
from bot.services import open_services
from bot.settings import Settings, load_settings
from bot.tasks import stack

log = logging.getLogger(__name__)

CLOSE_SECONDS = 90.0  # cog unloads wait 10 to 30 s each for work in flight


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
    clock: Clock | None = None,
    crash: CrashPoints | None = None,
) -> AsyncIterator[FilmBot]:
    """Start the bot against the emulator, wait until it is ready, and close it cleanly after.

    `clock` is the services' clock (tests pass a ManualClock; the system clock otherwise);
    `crash` is where the journal stops on purpose (tests).
    """
    with emu.install():
        services = await open_services(settings, clock=clock, crash=crash)
        bot = FilmBot(settings=settings, services=services, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(emu.token), name="filmbot")
        try:
            await _wait_ready(bot, task, ready_timeout)
            yield bot
        finally:
            try:
                await _close(bot, task)
            finally:
                await services.aclose()  # the database closes even if the bot's close hung


async def _close(bot: FilmBot, task: asyncio.Task[None]) -> None:
    """Close the bot and wait for its task, at most CLOSE_SECONDS; a close that hangs fails
    with the stack of every task still running, instead of hanging the caller."""
    try:
        async with asyncio.timeout(CLOSE_SECONDS):
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    except TimeoutError:
        running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        stacks = "\n".join(f"{t.get_name()}:\n{stack(t)}" for t in running)
        raise RuntimeError(f"the bot did not close within {CLOSE_SECONDS} s:\n{stacks}") from None


async def _wait_ready(bot: FilmBot, task: asyncio.Task[None], timeout: float) -> None:
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
