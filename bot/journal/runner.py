"""The journal's runner: write an intent, carry out its steps in order, mark each done.

A feature registers a `Handler` per kind (its steps and how to do each), then calls
`perform(kind, payload)` instead of acting directly: the intent is written before any step
runs, so a crash at any point leaves a record that `resume_unfinished()` (called at start-up
and after every reconnect) completes. A step that raises `Retryable` is retried with backoff
(honouring `retry_after`) by a background loop; any other exception is final: the handler's
`undo` runs (if it has one), the intent is marked failed or undone, and in the background
the failure listeners hear of it (the mod log). See docs/journal.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.errors import StorageUnavailable
from bot.journal.crash import NO_CRASHES, CrashPoints
from bot.journal.model import JSON, Finished, Intent, Retryable, Status

log = logging.getLogger(__name__)

FailureListener = Callable[[Intent, str], Awaitable[None]]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def call_at(self, when: datetime, callback: Callable[[], None]) -> Any: ...


class JournalStore(Protocol):
    """What the runner needs from storage (storage/journal.py implements it)."""

    async def add(
        self, kind: str, payload: JSON, steps: tuple[str, ...], key: str | None, now: datetime
    ) -> Intent: ...
    async def get(self, intent_id: int) -> Intent: ...
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


class StepContext:
    """What a step sees: the intent (fresh from the database), a way to save progress inside
    the step, and its own crash points."""

    def __init__(self, journal: Journal, intent: Intent, step: str) -> None:
        self._journal = journal
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
        await self._journal.store.save_state(self.intent.id, state, self._journal.clock.now())
        self.intent = _with(self.intent, state=state)

    def reach(self, label: str) -> None:
        """A crash point inside the step: `<kind>:<step>:<label>`."""
        self._journal.crash.reach(f"{self.intent.kind}:{self.step}:{label}")


def _with(intent: Intent, **changes: Any) -> Intent:
    return replace(intent, **changes)


class Journal:
    """Runs registered handlers over intents kept in `store`."""

    def __init__(
        self,
        store: JournalStore,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        crash: CrashPoints = NO_CRASHES,
        keep_finished: timedelta | None = None,
    ) -> None:
        """`keep_finished`: finished intents older than this are deleted when the loop starts."""
        self.store = store
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.crash = crash
        self._handlers: dict[str, Handler] = {}
        self._listeners: list[FailureListener] = []
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # lock, runs holding or waiting
        self._stalled_until: datetime | None = None  # database unwritable: look again then
        self._stalls = 0  # stalls in a row (the wait grows like a retry's)
        self._stopped = False
        self._resume_wanted = False
        self.keep_finished = keep_finished
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._timer: Any = None

    def register(self, kind: str, handler: Handler) -> None:
        """Say how intents of `kind` are carried out (once per kind)."""
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        for step in handler.steps:
            getattr(handler, _method(step.name))  # a missing step method fails here, not later
        self._handlers[kind] = handler

    def unregister(self, kind: str) -> None:
        """Forget how `kind` is carried out (its extension is unloading; it registers again)."""
        self._handlers.pop(kind, None)

    def on_failure(self, listener: FailureListener) -> None:
        """`listener(intent, error)` hears of every final failure met in the background."""
        self._listeners.append(listener)

    # --- the foreground ------------------------------------------------------------------
    async def begin(self, kind: str, payload: JSON, *, key: str | None = None) -> Intent:
        """Write the intent (nothing is run). With `key`, an intent already written under the
        same key is returned instead of a second one. Raises StorageUnavailable when the
        database cannot be written: then nothing at all may be done."""
        handler = self._handler(kind)
        steps = tuple(step.name for step in handler.steps)
        return await self.store.add(kind, payload, steps, key, self.clock.now())

    async def perform(self, kind: str, payload: JSON, *, key: str | None = None) -> Intent:
        """Write the intent and carry it out now. A final failure is raised to the caller
        (after undo); a passing one leaves it pending for the retry loop (see `.status`)."""
        intent = await self.begin(kind, payload, key=key)
        return await self.run(intent.id, known=intent)

    async def run(
        self, intent_id: int, *, background: bool = False, known: Intent | None = None
    ) -> Intent:
        """Carry out the remaining steps of one intent (one runner at a time per intent).
        `known` is the intent as just written (saves reading it back)."""
        lock, users = self._locks.get(intent_id, (asyncio.Lock(), 0))
        self._locks[intent_id] = (lock, users + 1)
        try:
            async with lock:
                fresh = known if users == 0 else None  # someone ran it meanwhile: re-read
                return await self._run_locked(intent_id, background, fresh)
        finally:
            lock, users = self._locks[intent_id]
            if users == 1:
                del self._locks[intent_id]
            else:
                self._locks[intent_id] = (lock, users - 1)

    # --- the background ------------------------------------------------------------------
    async def resume_unfinished(self) -> list[Intent]:
        """Complete (or undo) every pending intent that is due: call at start-up and after
        every reconnect. Intents waiting for a retry time are left to the retry loop."""
        due = await self.store.unfinished(due_by=self.clock.now())
        if due:
            log.info("journal: resuming %d unfinished intent(s)", len(due))
        return [await self._run_quietly(intent.id) for intent in due]

    @property
    def running(self) -> bool:
        """Whether the retry loop is running."""
        return self._task is not None

    def request_resume(self) -> None:
        """Resume unfinished intents in the background, soon (on_ready, on_resumed); starts
        the retry loop if needed. Ignored once stopped (the bot is closing)."""
        if self._stopped:
            return
        self._resume_wanted = True
        self.start()
        self._wake.set()

    def start(self) -> None:
        """Start the retry loop (it sleeps until the next retry time)."""
        if self._task is None and not self._stopped:
            self._task = asyncio.create_task(self._retry_loop(), name="journal-retries")

    async def stop(self) -> None:
        """Stop the loop (before the database closes); nothing is lost: intents are on disk."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _retry_loop(self) -> None:
        await self._prune_quietly()
        just_ran = False
        while True:
            self._wake.clear()
            if self._resume_wanted:
                self._resume_wanted = False
                await self._resume_quietly()
                continue
            when = await self._next_retry_quietly()
            if when is not None and when <= self.clock.now() and not just_ran:
                await self._resume_quietly()
                just_ran = True  # still due after running: wait a little, never spin
                continue
            just_ran = False
            if when is not None:
                self._arm(max(when, self.clock.now() + self.policy.base_delay / 4))
            await self._wake.wait()

    async def _resume_quietly(self) -> None:
        try:
            await self.resume_unfinished()
        except Exception:
            log.exception("journal: unfinished intents could not be read")

    async def _prune_quietly(self) -> None:
        if self.keep_finished is None:
            return
        try:
            pruned = await self.store.prune(self.keep_finished, self.clock.now())
        except Exception as error:  # a database that cannot be written is said elsewhere
            log.warning("journal: old intents not pruned: %s", error)
            return
        if pruned:
            log.info(
                "journal: %d finished intent(s) older than %s deleted", pruned, self.keep_finished
            )

    async def _next_retry_quietly(self) -> datetime | None:
        stalled, self._stalled_until = self._stalled_until, None
        try:
            when = await self.store.next_retry_at()
        except Exception:
            log.exception("journal: cannot read the next retry time")
            when = self.clock.now() + self.policy.max_delay
        return min((t for t in (when, stalled) if t is not None), default=None)

    def _arm(self, when: datetime) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.clock.call_at(when, self._wake.set)

    async def _run_quietly(self, intent_id: int) -> Intent | None:
        try:
            return await self.run(intent_id, background=True)
        except Exception:
            log.exception("journal: intent %s could not be resumed", intent_id)
            return None

    # --- one run -------------------------------------------------------------------------
    async def _run_locked(self, intent_id: int, background: bool, known: Intent | None) -> Intent:
        intent = known if known is not None else await self.store.get(intent_id)
        if intent.finished:
            return intent
        handler = self._handler(intent.kind)
        remaining = [step for step in handler.steps if step.name not in intent.results]
        if not remaining:  # every step was marked, the finish was not: finish now
            await self.store.finish(intent.id, Status.DONE, None, self.clock.now())
        for index, step in enumerate(remaining):
            try:
                result = await self._one_step(handler, intent, step)
                last = index == len(remaining) - 1
            except Finished as early:
                result, last = early.result, True
            except Retryable as error:
                return await self._retry_later(intent, str(error), error.retry_after)
            except StorageUnavailable as error:
                self._stall(intent, error)
                raise
            except Exception as error:
                await self._give_up(handler, intent, error, background)
                raise
            await self.store.mark_done(intent.id, step.name, result, self.clock.now(), last=last)
            intent = _with(intent, results={**intent.results, step.name: result})
            if last:
                break
        self._stalls = 0
        return _with(intent, status=Status.DONE)

    async def _one_step(self, handler: Handler, intent: Intent, step: Step) -> Any:
        prefix = f"{intent.kind}:{step.name}"
        self.crash.reach(f"{prefix}:before")
        if step.at_most_once:
            if step.name in intent.started:
                log.warning("journal: %s step %s was interrupted; not repeated", intent.id, step)
                return {"interrupted": True}
            await self.store.mark_started(intent.id, step.name, self.clock.now())
        ctx = StepContext(self, intent, step.name)
        result = await getattr(handler, _method(step.name))(ctx)
        self.crash.reach(f"{prefix}:after")
        return result

    async def _retry_later(self, intent: Intent, error: str, retry_after: float | None) -> Intent:
        attempts = intent.attempts + 1
        if attempts >= self.policy.max_attempts:
            handler = self._handler(intent.kind)
            await self._give_up(handler, intent, Exception(error), background=True)
            return await self.store.get(intent.id)
        when = self.clock.now() + self.policy.delay(attempts, retry_after)
        await self.store.schedule_retry(intent.id, attempts, when, error, self.clock.now())
        log.info(
            "journal: %s #%s retry %d at %s: %s", intent.kind, intent.id, attempts, when, error
        )
        self._wake.set()
        return await self.store.get(intent.id)

    def _stall(self, intent: Intent, error: StorageUnavailable) -> None:
        """The database failed mid-way: nothing more can be recorded, so stop here; the
        intent stays pending in the database and the loop looks again after a while (longer
        each time, like a retry; storage.health has already logged the cause)."""
        self._stalls += 1
        wait = self.policy.delay(self._stalls)
        log.warning(
            "journal: %s #%s waits %s for the database (%s)",
            intent.kind,
            intent.id,
            wait,
            error.problem,
        )
        self._stalled_until = self.clock.now() + wait
        self._wake.set()

    async def _give_up(
        self, handler: Handler, intent: Intent, error: BaseException, background: bool
    ) -> None:
        text = str(error) or type(error).__name__
        status = Status.FAILED
        intent = await self.store.get(intent.id)  # with the state the steps saved
        try:
            if await handler.undo(StepContext(self, intent, "undo"), text):
                status = Status.UNDONE
        except Exception:
            log.exception("journal: undo of %s #%s failed", intent.kind, intent.id)
        await self.store.finish(intent.id, status, text, self.clock.now())
        log.warning("journal: %s #%s %s: %s", intent.kind, intent.id, status, text)
        if background:
            await self._tell_listeners(await self.store.get(intent.id), text)

    async def _tell_listeners(self, intent: Intent, text: str) -> None:
        message = f"{self._handler(intent.kind).describe(intent)} failed: {text}"
        for listener in self._listeners:
            try:
                await listener(intent, message)
            except Exception:
                log.exception("journal: a failure listener failed")

    def _handler(self, kind: str) -> Handler:
        try:
            return self._handlers[kind]
        except KeyError:
            raise RuntimeError(f"no journal handler registered for {kind!r}") from None


def _method(step: str) -> str:
    return "step_" + step.replace("-", "_")
