"""The second look's own worker thread: looks again at messages whose first verdict is out.

`submit(job)` never blocks: the job goes into a bounded queue, or, when that is full, it is
refused (False) and stays pending in the database, where the catch-up finds it later. The
worker takes the first job waiting and whatever else already waits, up to `max_batch`, and
hands them to `look` (a blocking function: one encode for all their candidates). Results come
back on the event loop, in the order the jobs were submitted, through `finished()`.

`close()` never waits long: the worker stops after the batch it is in (at most `timeout`
seconds are waited for it) and what is still queued is left pending for the next start.
The queue, the thread and their stopping are batch_worker.py's, shared with the batcher.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.screening.batch_worker import BatchWorker

log = logging.getLogger(__name__)

DEFAULT_MAX_QUEUE = 512
DEFAULT_MAX_BATCH = 16  # the encoder's cost is its tokens: bigger batches gain little
CLOSE_SECONDS = 5.0

Job = TypeVar("Job")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Looked(Generic[Job, Result]):
    """One job and what the look found (None: the look failed; the row stays pending)."""

    job: Job
    result: Result | None


class LookQueue(Generic[Job, Result]):
    """A bounded queue and one worker thread (batch_worker.py) around a blocking
    `look(jobs) -> results`."""

    def __init__(
        self,
        look: Callable[[list[Job]], Sequence[Result]],
        *,
        max_queue: int = DEFAULT_MAX_QUEUE,
        max_batch: int = DEFAULT_MAX_BATCH,
        name: str = "second-look-worker",
    ) -> None:
        self._look = look
        self.max_batch = max(1, max_batch)
        self._worker: BatchWorker[Job] = BatchWorker(
            self._look_at, name=name, max_queue=max_queue, limit=lambda: self.max_batch
        )
        self._done: asyncio.Queue[list[Looked[Job, Result]]] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.looked = 0  # jobs looked at so far
        self.refused = 0  # jobs refused because the queue was full

    @property
    def waiting(self) -> int:
        """Jobs queued (not counting the batch being looked at)."""
        return self._worker.waiting

    @property
    def closed(self) -> bool:
        return self._worker.closed

    def submit(self, job: Job) -> bool:
        """Queue a job (call on the event loop); False if the queue is full or closed."""
        if self._worker.closed:
            return False
        self._loop = self._loop or asyncio.get_running_loop()
        if self._worker.put(job):
            return True
        self.refused += 1
        return False

    async def finished(self) -> list[Looked[Job, Result]]:
        """The next batch of finished jobs, in submission order (waits for one)."""
        return await self._done.get()

    async def close(self, timeout: float = CLOSE_SECONDS) -> bool:
        """Stop after the current batch, leaving what waits pending; True if the thread ended
        within `timeout` seconds (else it is left behind: a daemon thread, its jobs pending)."""
        self._worker.close(drop_waiting=True)  # their rows stay pending for the next start
        ended = await asyncio.to_thread(self._worker.join, timeout)
        if not ended:
            log.warning("the second look's worker did not stop within %s s", timeout)
        return ended

    def _look_at(self, batch: list[Job]) -> None:
        self._deliver(batch, self._results(batch))

    def _results(self, batch: list[Job]) -> Sequence[Result | None]:
        try:
            results = self._look(batch)
        except Exception:
            log.exception("the second look of %d messages failed; they stay pending", len(batch))
            return [None] * len(batch)
        self.looked += len(batch)
        return results

    def _deliver(self, batch: list[Job], results: Sequence[Result | None]) -> None:
        done = [Looked(job, result) for job, result in zip(batch, results, strict=True)]
        assert self._loop is not None  # set before the first job is queued
        try:
            self._loop.call_soon_threadsafe(self._done.put_nowait, done)
        except RuntimeError:  # the loop is closed: the rows stay pending for the next start
            log.debug("dropping second looks for a closed event loop")
