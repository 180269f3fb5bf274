"""The batcher: one worker thread, bounded queue, adaptive micro-batches, clean shutdown."""

from __future__ import annotations

import asyncio

import pytest
from screening_support import GatedBackend, embedded

from bot.screening.batcher import (
    FIRST_BATCH,
    AdaptiveBatchSize,
    Batcher,
    ScreenerBusy,
    ScreenerClosed,
    length_buckets,
)


async def wait_until_scoring(backend: GatedBackend) -> None:
    assert await asyncio.to_thread(backend.started.wait, 10)


async def test_screen_returns_the_scores_of_the_text() -> None:
    batcher = Batcher(embedded())
    try:
        scores = await batcher.screen("you are an idiot")
    finally:
        await batcher.close()
    assert scores["insult"] > 0.9


async def test_messages_waiting_while_the_model_is_busy_share_the_next_batch() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_batch=32, max_wait=0, batch_seconds=None)
    first = asyncio.create_task(batcher.screen("first"))
    await wait_until_scoring(backend)
    waiting = [asyncio.create_task(batcher.screen(f"message {i}")) for i in range(5)]
    await asyncio.sleep(0)  # let the tasks enqueue
    backend.gate.set()
    results = await asyncio.gather(first, *waiting)
    await batcher.close()
    assert backend.batches == [["first"], [f"message {i}" for i in range(5)]]
    assert results[1] == {"toxicity": len("message 0") / 100}
    assert batcher.stats.batches == 2 and batcher.stats.largest_batch == 5


async def test_batches_never_exceed_the_cap() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_batch=4, max_wait=0, batch_seconds=None)
    first = asyncio.create_task(batcher.screen("first"))
    await wait_until_scoring(backend)
    waiting = [asyncio.create_task(batcher.screen(f"m{i}")) for i in range(10)]
    await asyncio.sleep(0)
    backend.gate.set()
    await asyncio.gather(first, *waiting)
    await batcher.close()
    assert [len(batch) for batch in backend.batches] == [1, 4, 4, 2]


async def test_a_full_queue_is_reported_at_once_so_the_message_can_wait_in_storage() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_queue=2, max_wait=0)
    busy = asyncio.create_task(batcher.screen("being scored"))
    await wait_until_scoring(backend)
    queued = [asyncio.create_task(batcher.screen(f"q{i}")) for i in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(ScreenerBusy, match="queue full"):
        await batcher.screen("one too many")
    backend.gate.set()
    await asyncio.gather(busy, *queued)
    await batcher.close()
    assert batcher.stats.rejected == 1
    assert "one too many" not in [t for batch in backend.batches for t in batch]


async def test_the_event_loop_keeps_running_while_the_model_works() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend)
    scoring = asyncio.create_task(batcher.screen("slow"))
    await wait_until_scoring(backend)
    ticks = 0
    for _ in range(50):  # the loop turns freely while the worker is blocked in score()
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 50 and not scoring.done()
    backend.gate.set()
    await scoring
    await batcher.close()


async def test_one_failing_text_does_not_fail_the_others_in_its_batch() -> None:
    backend = GatedBackend(fail_on="bad")
    batcher = Batcher(backend, max_wait=0)
    first = asyncio.create_task(batcher.screen("first"))
    await wait_until_scoring(backend)
    good = asyncio.create_task(batcher.screen("good"))
    bad = asyncio.create_task(batcher.screen("bad"))
    await asyncio.sleep(0)
    backend.gate.set()
    assert (await good)["toxicity"] == pytest.approx(0.04)
    with pytest.raises(ValueError, match="cannot score 'bad'"):
        await bad
    await first
    await batcher.close()
    assert batcher.stats.failures == 1


async def test_close_flushes_what_is_queued() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_batch=2, max_wait=0, batch_seconds=None)
    tasks = [asyncio.create_task(batcher.screen(f"m{i}")) for i in range(5)]
    await wait_until_scoring(backend)
    closing = asyncio.create_task(batcher.close())
    await asyncio.sleep(0)
    backend.gate.set()
    await closing
    results = await asyncio.gather(*tasks)
    assert len(results) == 5
    with pytest.raises(ScreenerClosed):
        await batcher.screen("after close")


async def test_close_without_flush_fails_the_waiting_messages() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_wait=0)
    running = asyncio.create_task(batcher.screen("running"))
    await wait_until_scoring(backend)
    waiting = asyncio.create_task(batcher.screen("waiting"))
    await asyncio.sleep(0)
    closing = asyncio.create_task(batcher.close(flush=False))
    await asyncio.sleep(0)
    backend.gate.set()
    await closing
    assert await running == {"toxicity": 0.07}
    with pytest.raises(ScreenerClosed):
        await waiting


async def test_a_caller_that_gave_up_does_not_break_the_worker() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_wait=0)
    abandoned = asyncio.create_task(batcher.screen("abandoned"))
    await wait_until_scoring(backend)
    abandoned.cancel()
    backend.gate.set()
    assert await batcher.screen("next") == {"toxicity": 0.04}
    await batcher.close()


async def test_waiting_messages_are_scored_in_buckets_of_similar_length() -> None:
    backend = GatedBackend()
    batcher = Batcher(backend, max_batch=2, max_wait=0, batch_seconds=None)
    first = asyncio.create_task(batcher.screen("first"))
    await wait_until_scoring(backend)
    texts = ["long " * 20, "hi", "longer " * 20, "yo", "mid text"]
    waiting = [asyncio.create_task(batcher.screen(text)) for text in texts]
    await asyncio.sleep(0)
    backend.gate.set()
    results = await asyncio.gather(first, *waiting)
    await batcher.close()
    assert backend.batches == [
        ["first"],
        ["hi", "yo"],
        ["mid text", "long " * 20],
        ["longer " * 20],
    ]
    assert results[1:] == [{"toxicity": min(1.0, len(text) / 100)} for text in texts]


class Job:
    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)


def test_length_buckets_sort_by_the_longest_text_and_respect_the_limit() -> None:
    short, medium, long, chunked = Job("ab"), Job("abcd"), Job("abcdefgh"), Job("abc", "x" * 9)
    same = Job("cd")
    buckets = length_buckets([long, short, chunked, medium, same], limit=2)
    assert buckets == [[short, same], [medium, long], [chunked]]
    assert length_buckets([chunked], limit=1) == [[chunked]]  # too many texts: alone


def test_the_batch_size_follows_the_measured_speed() -> None:
    size = AdaptiveBatchSize(largest=32, target=0.1)
    assert size.limit == FIRST_BATCH  # nothing measured yet
    size.observe(8, 0.4)  # 50 ms a text: two fit in 100 ms
    assert size.limit == 2
    for _ in range(20):
        size.observe(10, 0.01)  # the backend got fast (1 ms a text)
    assert size.limit == 32  # never above the cap
    for _ in range(20):
        size.observe(1, 5.0)  # very slow
    assert size.limit == 1  # never below one text
    assert AdaptiveBatchSize(largest=7, target=None).limit == 7  # fixed size
