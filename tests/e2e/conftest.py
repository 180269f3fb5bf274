"""End-to-end fixtures: the real bot against the emulator; any logged error fails the test."""

from __future__ import annotations

import contextlib
import logging

import aiohttp
import pytest

from bot.sandbox.emulator import Emulator
from bot.sandbox.harness import running_bot, sandbox_settings
from tests.e2e._rules import RawApi


class ErrorLog(logging.Handler):
    """Collects ERROR records from every logger (discord.py logs handler exceptions there)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.consumed: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def expect(self, fragment: str) -> logging.LogRecord:
        """Mark one error containing `fragment` as expected by the test; returns it."""
        for record in self.records:
            if fragment in record.getMessage() and record not in self.consumed:
                self.consumed.append(record)
                return record
        raise AssertionError(f"no logged error contains {fragment!r}")

    def unexpected(self) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()}\n{self.format(r) if r.exc_info else ''}"
            for r in self.records
            if r not in self.consumed
        ]


@pytest.fixture
def error_log():
    handler = ErrorLog()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    unexpected = handler.unexpected()
    assert not unexpected, "errors were logged during the test:\n" + "\n".join(unexpected)


@pytest.fixture(autouse=True)
def refused_requests(request):
    """The recorded-request check: an e2e test fails when the bot sent a request that a Discord
    rule refuses (see docs/emulator.md), unless the test called `emu.expect_violation(code)`."""
    if "emu" not in request.fixturenames:
        yield
        return
    emulator = request.getfixturevalue("emu")
    yield
    unexpected = emulator.unexpected_violations()
    assert not unexpected, "Discord would refuse these requests:\n" + "\n".join(
        map(str, unexpected)
    )


@pytest.fixture
async def emu():
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
def settings(emu, tmp_path):
    return sandbox_settings(emu, tmp_path / "filmbot.sqlite3")


@pytest.fixture
def start_bot(emu, error_log):
    """`async with start_bot(settings) as bot:` starts (or restarts) the bot on the same world;
    `prepare=fn(services)` adjusts services first (e.g. a manual clock)."""

    @contextlib.asynccontextmanager
    async def start(settings, prepare=None, crash=None):
        async with running_bot(emu, settings, prepare=prepare, crash=crash) as bot:
            yield bot

    return start


@pytest.fixture
async def bot(start_bot, settings):
    async with start_bot(settings) as running:
        yield running


@pytest.fixture
async def api(emu):
    """Raw REST calls to the emulator (for the rule tests), with the bot's token."""
    async with aiohttp.ClientSession() as session:
        yield RawApi(emu, session)
