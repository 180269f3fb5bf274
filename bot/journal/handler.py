"""What a feature writes to journal an action: a `Handler` with its `Step`s, each step given a
`StepContext`; and what the runner needs from storage (`JournalStore`) and from the clock.

bot/journal/runner.py carries the steps out; storage/journal.py implements the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.journal.crash import CrashPoints
from bot.journal.model import JSON, Intent, Status


class Clock(Protocol):
    def now(self) -> datetime: ...

    def call_at(self, when: datetime, callback: Callable[[], None]) -> Any: ...


class JournalStore(Protocol):
    """What the runner needs from storage (storage/journal.py implements it)."""

    async def add(
        self, kind: str, payload: JSON, steps: tuple[str, ...], key: str | None, now: datetime
    ) -> Intent: ...
    async def get(self, intent_id: int) -> Intent | None: ...
    async def by_key(self, key: str) -> Intent | None: ...
    async def mark_started(self, intent_id: int, step: str, now: datetime) -> None: ...
    async def mark_done(
        self, intent_id: int, step: str, result: Any, now: datetime, *, last: bool = False
    ) -> None: ...
    async def save_state(self, intent_id: int, state: JSON, now: datetime) -> None: ...
    async def schedule_retry(
        self, intent_id: int, attempts: int, when: datetime, error: str, now: datetime
    ) -> None: ...
    async def finish(
        self, intent_id: int, status: Status, error: str | None, now: datetime
    ) -> None: ...
    async def unfinished(self, due_by: datetime | None = None) -> list[Intent]: ...
    async def next_retry_at(self) -> datetime | None: ...
    async def counts(self) -> dict[str, int]: ...
    async def prune(self, older_than: timedelta, now: datetime) -> int: ...


INTERRUPTED: JSON = {"interrupted": True}  # an at-most-once step's result after a crash in it


def was_interrupted(result: object) -> bool:
    """True if an at-most-once step's stored result says the process died inside it."""
    return result == INTERRUPTED


@dataclass(frozen=True)
class Step:
    """A named step. An at-most-once step (a DM: it cannot be checked afterwards) is marked
    started before it runs; if the process dies inside it, it is not run again on resume and
    its result is `{"interrupted": True}`."""

    name: str
    at_most_once: bool = False


class Handler:
    """How one kind of intent is carried out. Subclasses set `steps` and define one coroutine
    `step_<name>(ctx)` per step (dashes become underscores); each must be idempotent: run
    again after a crash, it finds what it did (ctx.intent.state, the database, Discord)
    instead of doing it twice. Its return value (JSON) is stored as the step's result."""

    steps: tuple[Step, ...] = ()

    async def undo(self, ctx: StepContext, error: str) -> bool:
        """Revert what the done steps did after a final failure; True if reverted."""
        return False

    def describe(self, intent: Intent) -> str:
        """One line naming the action, for the failure message."""
        return f"{intent.kind} #{intent.id}"


def step_method(step: str) -> str:
    """The handler's coroutine for a step: `step_<name>`, dashes as underscores."""
    return "step_" + step.replace("-", "_")


class StepContext:
    """What a step sees: the intent (fresh from the database), a way to save progress inside
    the step, and its own crash points."""

    def __init__(
        self, store: JournalStore, clock: Clock, crash: CrashPoints, intent: Intent, step: str
    ) -> None:
        self._store = store
        self._clock = clock
        self._crash = crash
        self.intent = intent
        self.step = step

    @property
    def payload(self) -> JSON:
        return self.intent.payload

    @property
    def state(self) -> JSON:
        return self.intent.state

    async def save(self, **values: Any) -> None:
        """Merge `values` into the intent's state and write it now (before the next effect)."""
        state = {**self.intent.state, **values}
        await self._store.save_state(self.intent.id, state, self._clock.now())
        self.intent = replace(self.intent, state=state)

    def reach(self, label: str) -> None:
        """A crash point inside the step: `<kind>:<step>:<label>`."""
        self._crash.reach(f"{self.intent.kind}:{self.step}:{label}")
