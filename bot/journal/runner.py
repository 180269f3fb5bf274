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
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.errors import NotFound, StorageUnavailable
from bot.journal.crash import NO_CRASHES, CrashPoints
from bot.journal.handler import (
    INTERRUPTED,
    Clock,
    Handler,
    JournalStore,
    Step,
    StepContext,
    step_method,
)
from bot.journal.model import JSON, Finished, Intent, Retryable, RetryPolicy, Status
from bot.locks import KeyedLocks

log = logging.getLogger(__name__)

FailureListener = Callable[[Intent, str], Awaitable[None]]


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
        """`clock` and `crash` are the test seams (a manual clock, crash points); production
        passes the system clock and the points named in FILMBOT_CRASH_AT.
        `keep_finished`: finished intents older than this are deleted when the loop starts."""
        self._store = store
        self._clock = clock
        self.policy = policy or RetryPolicy()
        self._crash = crash
        self._handlers: dict[str, Handler] = {}
        self._listeners: list[FailureListener] = []
        self._locks: KeyedLocks[int] = KeyedLocks()  # one run at a time per intent
        self._stalled_until: datetime | None = None  # database unwritable: look again then
        self._stalls = 0  # stalls in a row (the wait grows like a retry's)
        self._stopped = False
        self._resume_wanted = False
        self.keep_finished = keep_finished
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._timer: Any = None

    def register(self, kind: str, handler: Handler) -> None:
        """Say how intents of `kind` are carried out (once per kind)."""
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        for step in handler.steps:
            getattr(handler, step_method(step.name))  # a missing step method fails here
        self._handlers[kind] = handler

    def unregister(self, kind: str) -> None:
        """Forget how `kind` is carried out (its extension is unloading; it registers again)."""
        self._handlers.pop(kind, None)

    @property
    def clock(self) -> Clock:
        """The clock the journal runs on (given at construction)."""
        return self._clock

    @property
    def crash(self) -> CrashPoints:
        """Where the journal stops on purpose (given at construction; none in production)."""
        return self._crash

    # --- reading -------------------------------------------------------------------------
    async def get(self, intent_id: int) -> Intent:
        """One intent as stored; NotFound when there is none with that id."""
        intent = await self._store.get(intent_id)
        if intent is None:
            raise NotFound(f"There is no journal intent #{intent_id}.")
        return intent

    async def by_key(self, key: str) -> Intent | None:
        """The intent written under `key`, if any."""
        return await self._store.by_key(key)

    async def unfinished(self) -> list[Intent]:
        """Every pending intent, oldest first (due or waiting for a retry)."""
        return await self._store.unfinished()

    async def counts(self) -> dict[str, int]:
        """How many intents are in each status (for /about)."""
        return await self._store.counts()

    async def prune(self, older_than: timedelta) -> int:
        """Delete finished intents older than `older_than`; how many were deleted."""
        return await self._store.prune(older_than, self._clock.now())

    def _context(self, intent: Intent, step: str) -> StepContext:
        return StepContext(self._store, self._clock, self._crash, intent, step)

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
        return await self._store.add(kind, payload, steps, key, self._clock.now())

    async def perform(self, kind: str, payload: JSON, *, key: str | None = None) -> Intent:
        """Write the intent and carry it out now. A final failure is raised to the caller
        (after undo); a passing one leaves it pending for the retry loop (see `.status`)."""
        intent = await self.begin(kind, payload, key=key)
        return await self.run(intent.id, known=intent)

    async def submit(self, kind: str, payload: JSON, *, key: str | None = None) -> Intent:
        """Write the intent and carry it out now, for an action nobody waits on (a review
        alert): a final failure goes to the failure listeners (the mod log), as one met in the
        background does, and is not raised; the intent is returned whatever its status. Raises
        StorageUnavailable when the database cannot be written (nothing was done then, or the
        intent stays pending for the loop)."""
        intent = await self.begin(kind, payload, key=key)
        try:
            return await self.run(intent.id, background=True, known=intent)
        except StorageUnavailable:
            raise
        except Exception:  # given up, undone where it could be, and the listeners told
            return await self.get(intent.id)

    async def fresh_key(self, base: str, *, reuse: Collection[Status] = (Status.PENDING,)) -> str:
        """The key for a new intent about one thing: `base`, or `base:after-<id>` past the
        intents written under it before whose status is not in `reuse` (by default only a
        pending one is joined: begin returns it; a finished one is passed over)."""
        key = base
        while (intent := await self.by_key(key)) is not None and intent.status not in reuse:
            key = f"{base}:after-{intent.id}"
        return key

    async def run(
        self, intent_id: int, *, background: bool = False, known: Intent | None = None
    ) -> Intent:
        """Carry out the remaining steps of one intent (one runner at a time per intent).
        `known` is the intent as just written (saves reading it back)."""
        async with self._locks.hold(intent_id) as shared:
            fresh = None if shared else known  # someone ran it meanwhile: re-read
            return await self._run_locked(intent_id, background, fresh)

    # --- the background ------------------------------------------------------------------
    async def resume_unfinished(self) -> list[Intent]:
        """Complete (or undo) every pending intent that is due: call at start-up and after
        every reconnect. Intents waiting for a retry time are left to the retry loop."""
        due = await self._store.unfinished(due_by=self._clock.now())
        if due:
            log.info("journal: resuming %d unfinished intent(s)", len(due))
        resumed = [await self._run_quietly(intent.id) for intent in due]
        return [intent for intent in resumed if intent is not None]

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
            if when is not None and when <= self._clock.now() and not just_ran:
                await self._resume_quietly()
                just_ran = True  # still due after running: wait a little, never spin
                continue
            just_ran = False
            if when is not None:
                self._arm(max(when, self._clock.now() + self.policy.base_delay / 4))
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
            pruned = await self._store.prune(self.keep_finished, self._clock.now())
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
            when = await self._store.next_retry_at()
        except Exception:
            log.exception("journal: cannot read the next retry time")
            when = self._clock.now() + self.policy.max_delay
        return min((t for t in (when, stalled) if t is not None), default=None)

    def _arm(self, when: datetime) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._clock.call_at(when, self._wake.set)

    async def _run_quietly(self, intent_id: int) -> Intent | None:
        try:
            return await self.run(intent_id, background=True)
        except Exception:
            given_up = await self._store.get(intent_id)
            if given_up is not None and given_up.finished:  # logged and told in _give_up
                return given_up
            log.exception("journal: intent %s could not be resumed", intent_id)
            return None

    # --- one run -------------------------------------------------------------------------
    async def _run_locked(self, intent_id: int, background: bool, known: Intent | None) -> Intent:
        intent = known if known is not None else await self.get(intent_id)
        if intent.finished:
            return intent
        handler = self._handler(intent.kind)
        remaining = [step for step in handler.steps if step.name not in intent.results]
        if not remaining:  # every step was marked, the finish was not: finish now
            await self._store.finish(intent.id, Status.DONE, None, self._clock.now())
        for index, step in enumerate(remaining):
            state = intent.state
            try:
                result, state = await self._one_step(handler, intent, step)
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
            await self._store.mark_done(intent.id, step.name, result, self._clock.now(), last=last)
            # the next step sees what this one saved (ctx.save), as a resumed run would
            intent = replace(intent, results={**intent.results, step.name: result}, state=state)
            if last:
                break
        self._stalls = 0
        return replace(intent, status=Status.DONE)

    async def _one_step(self, handler: Handler, intent: Intent, step: Step) -> tuple[Any, JSON]:
        """Run one step: its result, and the intent's state as the step left it."""
        prefix = f"{intent.kind}:{step.name}"
        self._crash.reach(f"{prefix}:before")
        if step.at_most_once:
            if step.name in intent.started:
                log.warning("journal: %s step %s was interrupted; not repeated", intent.id, step)
                return dict(INTERRUPTED), intent.state
            await self._store.mark_started(intent.id, step.name, self._clock.now())
        ctx = self._context(intent, step.name)
        result = await getattr(handler, step_method(step.name))(ctx)
        self._crash.reach(f"{prefix}:after")
        return result, ctx.state

    async def _retry_later(self, intent: Intent, error: str, retry_after: float | None) -> Intent:
        attempts = intent.attempts + 1
        if attempts >= self.policy.max_attempts:
            handler = self._handler(intent.kind)
            await self._give_up(handler, intent, Exception(error), background=True)
            return await self.get(intent.id)
        when = self._clock.now() + self.policy.delay(attempts, retry_after)
        await self._store.schedule_retry(intent.id, attempts, when, error, self._clock.now())
        log.info(
            "journal: %s #%s retry %d at %s: %s", intent.kind, intent.id, attempts, when, error
        )
        self._wake.set()
        return await self.get(intent.id)

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
        self._stalled_until = self._clock.now() + wait
        self._wake.set()

    async def _give_up(
        self, handler: Handler, intent: Intent, error: BaseException, background: bool
    ) -> None:
        text = str(error) or type(error).__name__
        status = Status.FAILED
        intent = await self.get(intent.id)  # with the state the steps saved
        try:
            if await handler.undo(self._context(intent, "undo"), text):
                status = Status.UNDONE
        except Exception:
            log.exception("journal: undo of %s #%s failed", intent.kind, intent.id)
        await self._store.finish(intent.id, status, text, self._clock.now())
        log.warning("journal: %s #%s %s: %s", intent.kind, intent.id, status, text)
        if background:
            await self._tell_listeners(await self.get(intent.id), text)

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
