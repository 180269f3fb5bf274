"""What the journal stores: an intent (a kind, a JSON payload, ordered named steps) and the
errors a step handler raises to say "try again later" or "this cannot be done".

Plain values only: storage/journal.py keeps them, bot/journal/runner.py carries them out
(retrying as its RetryPolicy says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

JSON = dict[str, Any]


class Status(StrEnum):
    """Where an intent stands. Only PENDING intents are resumed."""

    PENDING = "pending"  # written; some steps may be done; run, retried or resumed
    DONE = "done"  # every step done
    FAILED = "failed"  # gave up; surfaced (mod log); what was done stays done
    UNDONE = "undone"  # gave up and the handler's undo reverted what was done


@dataclass(frozen=True)
class Intent:
    """One action that touches Discord and the database, as written before Discord is called.

    `results` maps each finished step to what it returned (JSON); `state` is scratch the
    handler saves inside a step (for example the ids of the parts already posted), so a
    retried step can continue instead of repeating what it did. `started` lists at-most-once
    steps that were begun (see Step.at_most_once).
    """

    id: int
    kind: str
    payload: JSON
    steps: tuple[str, ...]
    status: Status
    created_at: datetime
    updated_at: datetime
    key: str | None = None
    results: JSON = field(default_factory=dict)
    state: JSON = field(default_factory=dict)
    started: tuple[str, ...] = ()
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status != Status.PENDING

    @property
    def remaining(self) -> tuple[str, ...]:
        """The steps not yet done, in order."""
        return tuple(step for step in self.steps if step not in self.results)

    def result(self, step: str) -> Any:
        """What a finished step returned (KeyError if it has not finished)."""
        return self.results[step]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, base*factor, ... capped at max_delay; at most max_attempts."""

    base_delay: timedelta = timedelta(seconds=2)
    factor: float = 2.0
    max_delay: timedelta = timedelta(minutes=15)
    max_attempts: int = 6

    def delay(self, attempt: int, retry_after: float | None = None) -> timedelta:
        """How long to wait before attempt number `attempt + 1` (attempt counts from 1)."""
        backoff = self.base_delay * (self.factor ** (attempt - 1))
        wait = min(backoff, self.max_delay)
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        return wait


class Retryable(Exception):
    """A step failed for a passing reason (rate limit, Discord 5xx, database busy): retry.

    `retry_after` (seconds) is honoured when given (Discord's 429 says how long to wait).
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Finished(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a step: nothing more to do, the remaining steps are skipped (the intent is
    done). `result` is stored as the step's result."""

    def __init__(self, result: Any = None) -> None:
        super().__init__("finished early")
        self.result = result


class SimulatedCrash(BaseException):
    """Raised by a CrashPoints set to raise: the run stops as a killed process would.

    A BaseException, so no `except Exception` on the way swallows it.
    """
