"""Clocks for everything time-dependent in moderation: the real one, and one tests move by hand.

Code that needs the time takes a clock (or a `now`) instead of calling datetime.now(), so the
ladder's decay and the expiry scheduler can be tested without sleeping through real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """The current time and one-shot timers at a wall-clock moment."""

    def now(self) -> datetime: ...

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle: ...


class SystemClock:
    """The real UTC time; timers run on the running asyncio loop."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle:
        delay = max(0.0, (when - self.now()).total_seconds())
        return asyncio.get_running_loop().call_later(delay, callback)


class _ManualTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock that only moves when told to (`advance`, `set`); due timers fire as it moves."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._timers: list[tuple[datetime, int, _ManualTimer, Callable[[], None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._now

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle:
        timer = _ManualTimer()
        heapq.heappush(self._timers, (when, next(self._order), timer, callback))
        return timer

    def advance(self, delta: timedelta) -> None:
        """Move time forward by `delta`, firing every timer that falls due, in time order."""
        if delta < timedelta(0):
            raise ValueError("a clock cannot go backwards")
        self.set(self._now + delta)

    def set(self, moment: datetime) -> None:
        """Move time to `moment` (not earlier than now), firing due timers in time order."""
        if moment < self._now:
            raise ValueError("a clock cannot go backwards")
        while self._timers and self._timers[0][0] <= moment:
            when, _, timer, callback = heapq.heappop(self._timers)
            self._now = max(self._now, when)
            if not timer.cancelled:
                callback()
        self._now = moment

    @property
    def pending_timers(self) -> int:
        """Timers not yet fired nor cancelled (tests check the scheduler cleans up)."""
        return sum(1 for _, _, timer, _ in self._timers if not timer.cancelled)
