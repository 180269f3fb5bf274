"""Ends tempbans and the bot's record of timeouts on time, across restarts.

At start the scheduler reloads every active case with an expiry from the ledger; any expiry
missed while the bot was offline is applied at once. After that it sleeps on one timer set for
the next expiry (re-armed at least every `longest_wait`, so a wall-clock jump cannot make it
late by more than that). Nothing polls.

For each due case it re-reads the case (it may have been voided or lifted meanwhile), calls
`apply_expiry(case)` (the Discord side: unban, post to the mod log) and then marks the case
expired. If the callback fails it is retried later; the case stays active in the ledger, so a
restart retries it too. The callback must therefore tolerate being called again for a case
whose expiry was applied just before a crash (e.g. treat "not banned" as done).

Other features register their own job kinds (`register(kind, jobs)`): movie nights close their
poll, remind and start through the same timer. A job kind lists its pending jobs (reloaded at
registration, so they survive restarts) and runs one when due, returning when it next wants to
run (or None when done); an exception retries it later, like a failed expiry.

The callback may be given later (`set_apply_expiry`): the bot starts the scheduler right after
migrations and the moderation cog supplies the Discord side when it loads. Until then nothing
is applied; expiries missed while offline are applied as soon as the callback arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.moderation.clock import Clock, TimerHandle
from bot.moderation.model import Case
from storage.moderation import CaseRepository

log = logging.getLogger(__name__)

CaseKey = tuple[int, int]  # (guild_id, case number)
JobKey = tuple[str, int]  # (job kind, job id) of a registered kind
Key = CaseKey | JobKey
ApplyExpiry = Callable[[Case], Awaitable[None]]


class JobKind(Protocol):
    """A kind of scheduled job another feature runs on this scheduler."""

    async def pending(self) -> list[tuple[int, datetime]]:
        """Every unfinished job: (job id, when it is due)."""
        ...

    async def run(self, job_id: int, now: datetime) -> datetime | None:
        """Do what is due; return when to run again (None: done). Raise to retry later."""
        ...


class ExpiryScheduler:
    """Keeps the next expiries and applies each when it falls due."""

    def __init__(
        self,
        cases: CaseRepository,
        clock: Clock,
        apply_expiry: ApplyExpiry | None = None,
        *,
        retry_after: timedelta = timedelta(minutes=10),
        max_attempts: int = 5,
        longest_wait: timedelta = timedelta(hours=1),
    ) -> None:
        self._cases = cases
        self._clock = clock
        self._apply_expiry = apply_expiry
        self._retry_after = retry_after
        self._max_attempts = max_attempts
        self._longest_wait = longest_wait
        self._due: dict[Key, datetime] = {}
        self._heap: list[tuple[datetime, int, Key]] = []
        self._order = itertools.count()  # keeps heap entries comparable across key types
        self._attempts: dict[Key, int] = {}
        self._kinds: dict[str, JobKind] = {}
        self._timer: TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._can_apply = asyncio.Event()
        if apply_expiry is not None:
            self._can_apply.set()

    def set_apply_expiry(self, apply_expiry: ApplyExpiry) -> None:
        """Give (or replace) the callback that applies an expiry on Discord."""
        self._apply_expiry = apply_expiry
        self._can_apply.set()

    async def start(self) -> int:
        """Reload active cases with an expiry and start; returns how many were loaded."""
        if self._task is not None:
            raise RuntimeError("the expiry scheduler is already running")
        loaded = await self._cases.active_expiring()
        for case in loaded:
            if case.expires_at is not None:  # always: only cases with an expiry are loaded
                self._put((case.guild_id, case.number), case.expires_at)
        self._task = asyncio.create_task(self._run(), name="moderation-expiry")
        self._poke()
        log.info("expiry scheduler started with %d active cases", len(loaded))
        return len(loaded)

    def schedule(self, case: Case) -> None:
        """Watch a newly recorded (or changed) case; cases without an expiry are ignored."""
        if case.expires_at is None or not case.active:
            return
        self._put((case.guild_id, case.number), case.expires_at)
        self._poke()

    async def register(self, kind: str, jobs: JobKind) -> int:
        """Run jobs of `kind` on this scheduler; their pending jobs are loaded now."""
        self._kinds[kind] = jobs
        loaded = await jobs.pending()
        for job_id, when in loaded:
            self._put((kind, job_id), when)
        self._poke()
        log.info("scheduler: %d pending %s jobs", len(loaded), kind)
        return len(loaded)

    def schedule_job(self, kind: str, job_id: int, when: datetime) -> None:
        """Run job `job_id` of a registered kind at `when` (replacing an earlier time)."""
        self._put((kind, job_id), when)
        self._poke()

    def forget_job(self, kind: str, job_id: int) -> None:
        """Stop watching a job (cancelled); harmless if it was not watched."""
        self._due.pop((kind, job_id), None)
        self._attempts.pop((kind, job_id), None)

    def forget(self, guild_id: int, number: int) -> None:
        """Stop watching a case (voided or lifted); harmless if it was not watched."""
        self._due.pop((guild_id, number), None)
        self._attempts.pop((guild_id, number), None)

    @property
    def next_expiry(self) -> datetime | None:
        """When the scheduler will next act, or None if nothing is pending."""
        return min(self._due.values(), default=None)

    async def wait_idle(self) -> None:
        """Return once every expiry due by now has been handled (for tests and shutdown)."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Cancel the timer and the worker; pending cases stay active in the ledger."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._idle.set()

    def _put(self, key: Key, when: datetime) -> None:
        self._due[key] = when
        heapq.heappush(self._heap, (when, next(self._order), key))

    def _poke(self) -> None:
        if self._task is None:
            return
        self._idle.clear()
        self._wake.set()

    async def _run(self) -> None:
        await self._can_apply.wait()
        while True:
            if not self._wake.is_set():
                self._idle.set()
            await self._wake.wait()
            self._wake.clear()
            await self._apply_due()
            self._arm()

    def _pop_due(self, now: datetime) -> list[Key]:
        due = []
        while self._heap and self._heap[0][0] <= now:
            when, _, key = heapq.heappop(self._heap)
            if self._due.get(key) == when:  # otherwise a stale entry: rescheduled or forgotten
                del self._due[key]
                due.append(key)
        return due

    async def _apply_due(self) -> None:
        for key in self._pop_due(self._clock.now()):
            try:
                if isinstance(key[0], str):
                    await self._run_job(key)
                else:
                    await self._expire(key)
            except Exception:
                log.exception("expiry of case %s #%s failed unexpectedly", *key)

    async def _expire(self, key: CaseKey) -> None:
        case = await self._cases.get_case(*key)
        if case is None:
            return
        now = self._clock.now()
        if not case.active or case.expires_at is None:
            self._attempts.pop(key, None)
            return
        if case.expires_at > now:
            self._put(key, case.expires_at)
            return
        try:
            assert self._apply_expiry is not None  # _run waits for it
            await self._apply_expiry(case)
        except Exception:
            self._retry_later(key, now)
            return
        self._attempts.pop(key, None)
        await self._cases.mark_expired(case.guild_id, case.number, now)
        log.info("case %s #%d expired", case.guild_id, case.number)

    async def _run_job(self, key: JobKey) -> None:
        now = self._clock.now()
        try:
            again = await self._kinds[key[0]].run(key[1], now)
        except Exception:
            self._retry_later(key, now)
            return
        self._attempts.pop(key, None)
        if again is not None:
            self._put(key, again)

    def _retry_later(self, key: Key, now: datetime) -> None:
        attempts = self._attempts.get(key, 0) + 1
        self._attempts[key] = attempts
        if attempts >= self._max_attempts:
            log.exception(
                "giving up on the expiry of case %s #%s after %d attempts; it stays active "
                "and will be retried at the next start",
                *key,
                attempts,
            )
            return
        log.exception("expiry of case %s #%s failed; retrying later", *key)
        self._put(key, now + self._retry_after)

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        upcoming = self.next_expiry
        if upcoming is None:
            return
        wake_at = min(upcoming, self._clock.now() + self._longest_wait)
        self._timer = self._clock.call_at(wake_at, self._poke)
