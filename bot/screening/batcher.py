"""One worker thread owns the model and scores whatever is waiting, in micro-batches.

Callers on the event loop `await batcher.screen(text)`; they never block: the request goes
into a bounded queue and the answer comes back through a future. When the queue is full,
`ScreenerBusy` is raised at once so the caller can store the message as unscreened (a
catch-up pass screens it later). The worker takes the first waiting job, then everything
else already waiting, waiting at most `max_wait` seconds for more: batches grow with the
load, and a lone message is not held back. (The queue, the thread and their stopping are
batch_worker.py's, shared with the second look's queue.)

How many texts a batch takes adapts to the backend's measured speed (`AdaptiveBatchSize`):
as many as it scores in about `batch_seconds`, never more than `max_batch` (by default the
backend's `preferred_batch`). A message then waits for at most about two batches. When more
is waiting than one batch takes, the worker takes up to `BUCKET_WINDOW` batches' worth,
sorts those messages by length and scores them in buckets of similar length: a batch is
padded to its longest text, so one long message among short ones no longer multiplies the
work of the rest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.screening.backend import ScoringBackend
from bot.screening.batch_worker import BatchWorker
from bot.screening.results import Scores

log = logging.getLogger(__name__)

DEFAULT_MAX_QUEUE = 256
DEFAULT_MAX_BATCH = 32
DEFAULT_MAX_WAIT = 0.005
# A batch's target scoring time under a backlog (a batch only takes what is waiting). Measured
# on 2 cores: 0.12 s kept BERT-base batches at 1-2 texts and lost throughput (docs/screening.md).
DEFAULT_BATCH_SECONDS = 0.6
FIRST_BATCH = 8  # the limit until the backend's speed has been measured
SMOOTHING = 0.3  # weight of the newest batch in the measured seconds per text
BUCKET_WINDOW = 4  # batches' worth of waiting messages sorted by length together


class ScreenerBusy(Exception):
    """The queue is full: store the message as unscreened and screen it later."""


class ScreenerClosed(Exception):
    """The batcher was shut down; nothing more is scored."""


@dataclass
class _Job:
    texts: list[str]
    future: asyncio.Future[list[Scores]]
    loop: asyncio.AbstractEventLoop
    queued_at: float = field(default_factory=time.monotonic)


@dataclass
class BatcherStats:
    """Counters for /mod screening and the benchmarks."""

    jobs: int = 0
    texts: int = 0
    batches: int = 0
    rejected: int = 0
    failures: int = 0
    largest_batch: int = 0
    busy_seconds: float = 0.0

    @property
    def mean_batch(self) -> float:
        return self.texts / self.batches if self.batches else 0.0


class AdaptiveBatchSize:
    """How many texts the next batch may take: as many as the backend scored in about
    `target` seconds lately (a moving average of seconds per text), from 1 to `largest`.
    With `target` None the limit is always `largest`."""

    def __init__(self, largest: int, target: float | None = DEFAULT_BATCH_SECONDS) -> None:
        self.largest = max(1, largest)
        self.target = target
        self._per_text: float | None = None

    @property
    def limit(self) -> int:
        if self.target is None:
            return self.largest
        if self._per_text is None:
            return min(self.largest, FIRST_BATCH)
        if self._per_text <= 0.0:
            return self.largest
        return max(1, min(self.largest, int(self.target / self._per_text)))

    def observe(self, texts: int, seconds: float) -> None:
        """Record one scored batch of `texts` texts that took `seconds`."""
        if texts <= 0 or seconds < 0.0:
            return
        per_text = seconds / texts
        if self._per_text is None:
            self._per_text = per_text
        else:
            self._per_text += SMOOTHING * (per_text - self._per_text)


def length_buckets(jobs: Sequence[_Job], limit: int) -> list[list[_Job]]:
    """Jobs sorted by their longest text (ties keep their order), cut into batches of at most
    `limit` texts; a job with more texts than that is a batch of its own."""
    ordered = sorted(jobs, key=lambda job: max(map(len, job.texts)))
    buckets: list[list[_Job]] = []
    size = 0
    for job in ordered:
        if buckets and size + len(job.texts) <= limit:
            buckets[-1].append(job)
            size += len(job.texts)
        else:
            buckets.append([job])
            size = len(job.texts)
    return buckets


class Batcher:
    """Bounded queue + one worker thread (batch_worker.py) around a ScoringBackend."""

    def __init__(
        self,
        backend: ScoringBackend,
        *,
        max_queue: int = DEFAULT_MAX_QUEUE,
        max_batch: int | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
        batch_seconds: float | None = DEFAULT_BATCH_SECONDS,
    ) -> None:
        self.backend = backend
        preferred = getattr(backend, "preferred_batch", DEFAULT_MAX_BATCH)
        self.max_batch = max(1, max_batch if max_batch is not None else preferred)
        self.batch_size = AdaptiveBatchSize(self.max_batch, batch_seconds)
        self.stats = BatcherStats()
        self._worker: BatchWorker[_Job] = BatchWorker(
            self._score_window,
            name="screening-worker",
            max_queue=max_queue,
            limit=lambda: self.batch_size.limit,
            size=lambda job: len(job.texts),
            max_wait=max_wait,
            window=BUCKET_WINDOW,
        )

    @property
    def queued(self) -> int:
        """Jobs waiting (not counting the batch being scored)."""
        return self._worker.waiting

    async def screen(self, text: str) -> Scores:
        """Scores for one text, computed by the worker; ScreenerBusy if the queue is full."""
        return (await self.score_many([text]))[0]

    async def score_many(self, texts: Sequence[str]) -> list[Scores]:
        """Scores for several texts of one message, scored together in the same batch."""
        if self._worker.closed:
            raise ScreenerClosed("the screener is shutting down")
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        job = _Job(list(texts), loop.create_future(), loop)
        if not self._worker.put(job):
            if self._worker.closed:
                raise ScreenerClosed("the screener is shutting down")
            self.stats.rejected += 1
            raise ScreenerBusy(f"screening queue full ({self._worker.maxsize} waiting)")
        return await job.future

    async def close(self, *, flush: bool = True) -> None:
        """Stop accepting work; score what is queued (flush) or fail it, then stop the thread."""
        self._fail(self._worker.close(drop_waiting=not flush))
        await asyncio.to_thread(self._worker.join)  # waits while a full queue drains

    def close_sync(self, *, flush: bool = True) -> None:
        """close() for code without an event loop (benchmarks, scripts)."""
        self._fail(self._worker.close(drop_waiting=not flush))
        self._worker.join()

    def _score_window(self, window: list[_Job]) -> None:
        """What the worker took at once, scored in buckets of similar length."""
        limit = self.batch_size.limit
        for bucket in length_buckets(window, limit):
            self._score_batch(bucket)

    def _score_batch(self, batch: list[_Job]) -> None:
        texts = [text for job in batch for text in job.texts]
        started = time.monotonic()
        try:
            results = self.backend.score(texts)
            self.batch_size.observe(len(texts), time.monotonic() - started)
        except Exception:
            log.exception(
                "scoring a batch of %d texts failed; retrying them one by one", len(texts)
            )
            self._score_separately(batch)
            return
        finally:
            self._count(len(batch), len(texts), time.monotonic() - started)
        cursor = 0
        for job in batch:
            _resolve(job, results[cursor : cursor + len(job.texts)])
            cursor += len(job.texts)

    def _score_separately(self, batch: list[_Job]) -> None:
        for job in batch:
            try:
                _resolve(job, self.backend.score(job.texts))
            except Exception as exc:
                self.stats.failures += 1
                _resolve(job, exc)

    def _count(self, jobs: int, texts: int, seconds: float) -> None:
        stats = self.stats
        stats.jobs += jobs
        stats.texts += texts
        stats.batches += 1
        stats.largest_batch = max(stats.largest_batch, texts)
        stats.busy_seconds += seconds

    @staticmethod
    def _fail(jobs: list[_Job]) -> None:
        error = ScreenerClosed("the screener shut down before scoring this")
        for job in jobs:
            _resolve(job, error)


def _resolve(job: _Job, outcome: list[Scores] | Exception) -> None:
    def settle() -> None:
        if job.future.done():  # the caller gave up (timeout or cancel)
            return
        if isinstance(outcome, Exception):
            job.future.set_exception(outcome)
        else:
            job.future.set_result(outcome)

    try:
        job.loop.call_soon_threadsafe(settle)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        log.debug("dropping a result for a closed event loop")
