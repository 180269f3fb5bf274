"""One worker thread taking batches from a bounded queue: the shape the batcher (first verdict)
and the second look's queue share.

`put(item)` never blocks: False when the queue is full or closed. The thread starts with the
first item. It takes the first item waiting, then more: waiting up to `max_wait` seconds while
the batch is under `limit()` (sizes from `size(item)`), then, without waiting, whatever is
already queued up to `window` times that. It hands the batch to `handle` (in the thread), and
goes on until the stop marker.

Stopping is in two steps: `close()` refuses new items and, with `drop_waiting`, takes out
(and returns) what had not been started, so that the thread ends after the batch in hand;
`join()` then queues the stop marker (behind what is left) and waits for the thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")

_STOP = object()


def _one(_item: object) -> int:
    return 1


class BatchWorker(Generic[Item]):
    """A bounded queue and one daemon thread that hands `handle` batches of its items."""

    def __init__(
        self,
        handle: Callable[[list[Item]], None],
        *,
        name: str,
        max_queue: int,
        limit: Callable[[], int],
        size: Callable[[Item], int] = _one,
        max_wait: float = 0.0,
        window: int = 1,
    ) -> None:
        self._handle = handle
        self._limit = limit
        self._size = size
        self.max_wait = max(0.0, max_wait)
        self._window = max(1, window)
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, max_queue))
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._lock = threading.Lock()  # the thread's start and the stop marker, once each
        self._closed = False
        self._started = False
        self._stop_queued = False

    @property
    def maxsize(self) -> int:
        return self._queue.maxsize

    @property
    def waiting(self) -> int:
        """Items queued (not counting the batch in hand)."""
        return self._queue.qsize()

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, item: Item) -> bool:
        """Queue an item; False if the queue is full or the worker closed."""
        if not self._start():
            return False
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            return False
        return True

    def close(self, *, drop_waiting: bool = False) -> list[Item]:
        """Refuse new items; with `drop_waiting`, take out and return those not yet started
        (the thread then ends after its batch in hand). Call `join` next."""
        self._closed = True
        if not drop_waiting:
            return []
        dropped: list[Item] = []
        stop = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
            else:
                dropped.append(item)  # type: ignore[arg-type]  # only items and _STOP are queued
        if stop:  # a join before this one queued it: it stays, now first
            self._queue.put_nowait(_STOP)
        return dropped

    def join(self, timeout: float | None = None) -> bool:
        """Let the thread handle what is queued, then end (blocking: waits while a full queue
        drains); True if it ended within `timeout` seconds."""
        with self._lock:
            self._closed = True
            if not self._started:
                return True
            queue_stop, self._stop_queued = not self._stop_queued, True
        started = time.monotonic()
        if queue_stop:
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                return False
        if timeout is not None:
            timeout = max(0.0, timeout - (time.monotonic() - started))
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _start(self) -> bool:
        """Start the thread with the first item; False once closed."""
        with self._lock:
            if self._closed:
                return False
            if not self._started:
                self._started = True
                self._thread.start()
            return True

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch, stop = self._collect(first)  # type: ignore[arg-type]  # not _STOP: an item
            try:
                self._handle(batch)
            except Exception:  # the handler says what failed; the worker goes on
                log.exception("%s: a batch of %d items failed", self._thread.name, len(batch))
            if stop:
                return

    def _collect(self, first: Item) -> tuple[list[Item], bool]:
        """The batch that starts with `first`; True if the stop marker came after it."""
        limit = max(1, self._limit())
        batch, size = [first], self._size(first)
        deadline = time.monotonic() + self.max_wait
        while size < limit * self._window:
            wait = max(0.0, deadline - time.monotonic()) if size < limit else 0.0
            try:
                item = self._queue.get(timeout=wait) if wait > 0.0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)  # type: ignore[arg-type]  # only items and _STOP are queued
            size += self._size(item)  # type: ignore[arg-type]  # the same
        return batch, False
