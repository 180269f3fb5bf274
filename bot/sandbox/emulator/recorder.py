"""Every request the bot makes is recorded; tests await what they expect instead of sleeping."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.sandbox.emulator.payloads import JSON, JSONBody

DEFAULT_TIMEOUT = 10.0
T = TypeVar("T")


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the /api/v10 prefix, e.g. /channels/1/messages
    query: dict[str, str]
    json: JSONBody
    files: list[JSON] = field(default_factory=list)
    status: int = 0
    response: JSONBody = None  # the answer, or Discord's error body {code, message}
    reason: str | None = None  # the X-Audit-Log-Reason header, URL-decoded


@dataclass
class Fault:
    """An error to answer instead of handling a request (see Emulator.inject_error)."""

    method: str
    path: re.Pattern[str]
    status: int
    code: int
    message: str
    retry_after: float | None
    remaining: int
    skip: int = 0  # matching requests still let through before the first error

    def matches(self, method: str, path: str) -> bool:
        return self.remaining != 0 and self.method in (method, "*") and bool(self.path.search(path))


@dataclass
class HeldAnswer:
    """The answer to the next matching request, computed when it arrives and sent only once
    the test calls `release()` (see Emulator.hold_answer): what the bot read is fixed, and
    the bot waits on the network meanwhile."""

    method: str
    path: re.Pattern[str]
    reached: asyncio.Event = field(default_factory=asyncio.Event)  # the answer is ready
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        return not self.reached.is_set() and method == self.method and bool(self.path.search(path))

    def release(self) -> None:
        self._released.set()

    async def sent(self) -> None:
        """Hold the answer until `release()`."""
        self.reached.set()
        await self._released.wait()


class Recorder:
    """A log of requests and a way to wait for one that matches, without sleeping."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._changed = asyncio.Condition()

    async def record(self, request: RecordedRequest) -> None:
        self.requests.append(request)
        await self.notify()

    async def notify(self) -> None:
        """Wake every waiter: something in the world changed."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(
        self, predicate: Callable[[], T | None], timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        """Wait until `predicate()` returns something truthy (and so not None), re-checked at
        every change; returns what it returned."""
        async with self._changed:
            # wait_for (not asyncio.timeout) on purpose: its own task wakes a turn of the loop
            # later, so the bot reads the answer to its request before the test acts on it
            # (a select picked on a message whose view the bot has not stored yet goes
            # unanswered). A lost cancel cannot hang anything here: tests time out.
            result = await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
        assert result is not None  # wait_for returns only a truthy result
        return result

    def find(
        self,
        method: str,
        path: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        since: int = 0,
    ) -> list[RecordedRequest]:
        pattern = re.compile(path)
        return [
            r
            for r in self.requests[since:]
            if r.method == method and pattern.search(r.path) and (predicate is None or predicate(r))
        ]

    async def wait_for(
        self,
        method: str,
        path: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        since: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> RecordedRequest:
        """The first request (after index `since`) matching method, path regex and predicate."""
        matching = await self.wait_until(
            lambda: self.find(method, path, predicate, since=since), timeout
        )
        return matching[0]
