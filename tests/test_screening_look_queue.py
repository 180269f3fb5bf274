"""The second look's worker (bot/screening/look_queue.py) and the service around it: results
in submission order, a bounded queue, a shutdown that never waits long, and pending rows in a
real SQLite file that a restarted service looks at again."""

from __future__ import annotations

import threading

import pytest
from screening_support import embedded, migrated

from bot.screening.batch_worker import BatchWorker
from bot.screening.look_queue import LookQueue
from bot.screening.model import IncomingMessage, SecondLookState
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import MessagePlace
from bot.screening.service import ScreeningService

VEILED = "One of these nights you just won't wake up"
CALM = "The donors are treated as less than human and it broke my heart"
FRIENDLY = "You have to see the director's cut on a big screen this weekend"
PLACE = MessagePlace(10, parent_id=20, is_discussion_thread=True)


class HeldLook:
    """A blocking look that waits for the test's gate and records its batches."""

    def __init__(self, fail: bool = False) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.batches: list[list[int]] = []
        self.fail = fail

    def __call__(self, jobs: list[int]) -> list[int]:
        self.started.set()
        self.gate.wait(10)
        self.batches.append(list(jobs))
        if self.fail:
            raise ValueError("the encoder broke")
        return [job * 10 for job in jobs]


async def collect(queue: LookQueue, count: int) -> list:
    done: list = []
    while len(done) < count:
        done += await queue.finished()
    return done


async def test_results_come_back_in_submission_order_in_bounded_batches():
    look = HeldLook()
    queue = LookQueue(look, max_batch=3)
    assert all(queue.submit(job) for job in range(8))
    look.gate.set()
    done = await collect(queue, 8)
    assert [(d.job, d.result) for d in done] == [(job, job * 10) for job in range(8)]
    assert all(len(batch) <= 3 for batch in look.batches) and queue.looked == 8
    assert await queue.close()


async def test_a_full_queue_refuses_at_once_and_counts_it():
    look = HeldLook()
    queue = LookQueue(look, max_queue=2, max_batch=1)
    assert queue.submit(1)
    look.started.wait(5)  # the worker holds job 1; two more fit in the queue
    assert queue.submit(2) and queue.submit(3)
    assert not queue.submit(4)
    assert queue.refused == 1 and queue.waiting == 2
    look.gate.set()
    assert [d.job for d in await collect(queue, 3)] == [1, 2, 3]
    assert await queue.close()


async def test_close_stops_after_the_batch_in_hand_and_leaves_the_rest():
    look = HeldLook()
    queue = LookQueue(look, max_batch=1)
    for job in range(4):
        queue.submit(job)
    look.started.wait(5)
    assert not await queue.close(timeout=0.05)  # held: the wait is bounded, not for ever
    look.gate.set()
    assert await queue.close(timeout=5)
    assert look.batches == [[0]]  # jobs 1-3 were never looked at: their rows stay pending
    assert not queue.submit(9) and queue.closed


async def test_a_failed_look_gives_none_for_each_job():
    look = HeldLook(fail=True)
    look.gate.set()
    queue = LookQueue(look)
    queue.submit(1)
    (done,) = await collect(queue, 1)
    assert done.result is None and queue.looked == 0
    assert await queue.close()


async def test_a_queue_never_used_closes_at_once():
    assert await LookQueue(HeldLook()).close(timeout=0.01)


def test_the_shared_worker_sizes_batches_drops_what_waits_and_survives_a_failing_batch():
    look = HeldLook()
    handled: list[list[int]] = []

    def handle(batch: list[int]) -> None:
        look(batch)
        handled.append(batch)
        if 0 in batch:
            raise ValueError("this batch broke")  # logged; the worker goes on

    worker = BatchWorker(handle, name="test-worker", max_queue=8, limit=lambda: 4, size=len)
    assert worker.put([0])
    look.started.wait(5)
    for item in ([1, 2], [3], [4, 5, 6], [7]):
        assert worker.put(item)
    look.gate.set()
    assert worker.join(5) and handled[:2] == [[[0]], [[1, 2], [3], [4, 5, 6]]]  # 4+ items
    assert handled[2:] == [[[7]]] and not worker.put([8]) and worker.closed

    held = HeldLook()
    worker = BatchWorker(held, name="test-worker", max_queue=8, limit=lambda: 1)
    assert all(worker.put(n) for n in range(4))
    held.started.wait(5)
    assert not worker.join(0.05)  # held: the stop marker waits behind 1-3
    assert worker.close(drop_waiting=True) == [1, 2, 3]  # the marker stays
    held.gate.set()
    assert worker.join(5) and held.batches == [[0]]


def incoming(message_id: int, content: str) -> IncomingMessage:
    return IncomingMessage(1, 10, message_id, 500, content, None, 20)


@pytest.fixture
async def conn(tmp_path):
    connection = await migrated(tmp_path / "filmbot.sqlite3")
    yield connection
    await connection.close()


async def test_pending_looks_survive_a_shutdown_and_the_next_start_flags_them(conn):
    first = ScreeningPipeline(embedded(), defer_second_look=True)
    held = HeldLook()
    first.looks._look = held  # the worker never gets to look before the shutdown
    service = ScreeningService(conn, pipeline=first)
    veiled = await service.handle_message(incoming(1, VEILED), PLACE)
    friendly = await service.handle_message(incoming(2, FRIENDLY), PLACE)
    calm = await service.handle_message(incoming(3, CALM), PLACE)
    assert veiled.outcome == "pass" and veiled.stored.second_look is SecondLookState.PENDING
    assert friendly.outcome == "pass" and friendly.stored.second_look is SecondLookState.PENDING
    # the gate takes nothing of it (no one addressed, no group): its row is final at once
    assert calm.outcome == "pass" and calm.stored.second_look is None
    assert service.second_looks.waiting == 2
    held.started.wait(5)
    await first.looks.close(timeout=0.05)
    held.gate.set()
    await first.close()
    assert await service.second_looks.count_pending() == 2

    again = ScreeningPipeline(embedded(), defer_second_look=True)
    restarted = ScreeningService(conn, pipeline=again)
    assert await restarted.second_looks.catch_up() == 2
    assert await restarted.second_looks.catch_up() == 0  # already in the worker's hands
    looked = []
    while len(looked) < 2:
        looked += await restarted.second_looks.settle(await restarted.second_looks.finished())
    flagged = {h.stored.message_id: h for h in looked if h.review_item is not None}
    assert list(flagged) == [1] and flagged[1].verdict.label == "threat"
    assert await restarted.second_looks.count_pending() == 0
    stored = await restarted.latest_screening(1)
    assert stored.outcome == "flag" and stored.second_look is SecondLookState.DONE
    assert (await restarted.latest_screening(2)).outcome == "pass"
    assert (await restarted.latest_screening(2)).second_look is SecondLookState.DONE
    assert (await restarted.latest_screening(3)).second_look is None
    assert "second look after the verdict, 0 waiting" in restarted.status()
    await again.close()


async def test_a_deleted_message_keeps_its_first_verdict(conn):
    pipeline = ScreeningPipeline(embedded(), defer_second_look=True)
    held = HeldLook()
    pipeline.looks._look = held
    service = ScreeningService(conn, pipeline=pipeline)
    await service.handle_message(incoming(1, VEILED), PLACE)
    assert await service.second_looks.forget([1]) == 1
    held.gate.set()
    await pipeline.close()
    stored = await service.latest_screening(1)
    assert stored.outcome == "pass" and stored.second_look is SecondLookState.DELETED
    assert await service.pending_reviews(1) == []


async def test_a_look_about_to_flag_a_message_gone_meanwhile_marks_it_deleted(conn):
    pipeline = ScreeningPipeline(embedded(), defer_second_look=True)
    service = ScreeningService(conn, pipeline=pipeline)
    await service.handle_message(incoming(1, VEILED), PLACE)
    await service.handle_message(incoming(2, FRIENDLY), PLACE)
    asked: list[int] = []

    async def gone(stored) -> bool:
        asked.append(stored.message_id)
        return True  # as Discord answers for a message deleted while the bot was down

    looked = []
    while len(looked) < 2:
        looked += await service.second_looks.settle(await service.second_looks.finished(), gone)
    assert asked == [1]  # asked only before a flag: the friendly message passes unasked
    by_id = {h.stored.message_id: h for h in looked}
    assert by_id[1].review_item is None and "deleted" in by_id[1].reason
    assert (await service.latest_screening(1)).second_look is SecondLookState.DELETED
    assert (await service.latest_screening(1)).content == VEILED
    assert (await service.latest_screening(2)).second_look is SecondLookState.DONE
    assert await service.pending_reviews(1) == []
    await pipeline.close()


async def test_a_resumed_look_asks_whether_its_message_is_gone_even_when_it_passes(conn):
    first = ScreeningPipeline(embedded(), defer_second_look=True)
    first.looks._look = HeldLook()  # shut down before it looks
    await ScreeningService(conn, pipeline=first).handle_message(incoming(2, FRIENDLY), PLACE)
    await first.looks.close(timeout=0.05)
    first.looks._look.gate.set()
    await first.close()
    again = ScreeningPipeline(embedded(), defer_second_look=True)
    restarted = ScreeningService(conn, pipeline=again)
    assert await restarted.second_looks.catch_up() == 1
    asked: list[int] = []

    async def gone(stored) -> bool:
        asked.append(stored.message_id)
        return True

    (handled,) = await restarted.second_looks.settle(await restarted.second_looks.finished(), gone)
    assert asked == [2] and handled.review_item is None
    assert (await restarted.latest_screening(2)).second_look is SecondLookState.DELETED
    await again.close()
