"""The gateway keeps discord.py's heartbeat healthy, as an idle sandbox prompt needs for hours."""

from __future__ import annotations

import asyncio
import threading

from bot.cli.sandbox import _interactive
from bot.sandbox.session import SandboxSession
from bot.sandbox.transcript import Transcript

INTERVAL_MS = 500  # Discord says 41,250; half a second keeps the test short


async def test_heartbeat_acks_arrive_after_the_beat_is_noted(emu, start_bot, settings):
    """Answered in-process at once, an ACK could reach discord.py before its heartbeat thread
    noted the send time, and it then measured a whole interval as latency: "Can't keep up,
    websocket is 41.3s behind" after a minute at the sandbox prompt."""
    emu.gateway.heartbeat_interval_ms = INTERVAL_MS
    async with start_bot(settings) as bot:
        keep_alive = bot.ws._keep_alive
        measured: list[float] = []
        acknowledge = keep_alive.ack

        def ack() -> None:
            acknowledge()
            measured.append(keep_alive.latency)
            bot.loop.create_task(emu.recorder.notify())

        keep_alive.ack = ack
        await emu.recorder.wait_until(lambda: len(measured) >= 8, timeout=30)
        assert max(measured) < 0.8 * INTERVAL_MS / 1000, measured


async def test_a_waiting_prompt_does_not_block_the_gateway(emu, start_bot, settings, monkeypatch):
    """The interactive sandbox reads its prompt in a worker thread: while a person thinks, the
    loop keeps answering the gateway (heartbeats go on)."""
    emu.gateway.heartbeat_interval_ms = INTERVAL_MS
    release = threading.Event()

    def person_thinking(prompt: str) -> str:
        release.wait(30)
        raise EOFError

    monkeypatch.setattr("builtins.input", person_thinking)
    async with start_bot(settings):
        session = SandboxSession(emu, Transcript(emu, write=lambda text: None))
        prompt = asyncio.ensure_future(_interactive(session))
        beats = emu.gateway.heartbeats
        await emu.recorder.wait_until(lambda: emu.gateway.heartbeats >= beats + 3, timeout=20)
        assert not prompt.done()  # still waiting for the person, and the gateway is alive
        release.set()
        assert await prompt == 0
