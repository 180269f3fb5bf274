"""Shutdown never waits for ever: a cancel is never lost, a stuck task is left with its stack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest
from screening_support import GatedBackend

from bot.screening.pipeline import ScreeningPipeline
from bot.screening.results import Scores
from bot.tasks import settle, stop_task


class HandBatcher:
    """The pipeline's batcher, answered by the test at the moment it chooses."""

    def __init__(self) -> None:
        self.answer: asyncio.Future[list[Scores]] | None = None
        self.texts: list[str] = []

    async def score_many(self, texts: Sequence[str]) -> list[Scores]:
        self.texts = list(texts)
        self.answer = asyncio.get_running_loop().create_future()
        return await self.answer


async def test_a_cancel_arriving_with_the_scores_is_not_lost():
    """The race asyncio.wait_for loses on Python 3.11: the scores arrive and the caller is
    cancelled in the same turn of the loop. The cancel must still end the caller."""
    pipeline = ScreeningPipeline(GatedBackend())
    real_batcher = pipeline.batcher
    hand = HandBatcher()
    pipeline.batcher = hand  # type: ignore[assignment]
    try:
        task = asyncio.create_task(pipeline.screen("you are a complete idiot"))
        while hand.answer is None:
            await asyncio.sleep(0)
        hand.answer.set_result([{"toxicity": 0.1} for _ in hand.texts])
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await real_batcher.close()


async def test_stop_task_leaves_a_task_that_swallows_its_cancel(caplog):
    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    task = asyncio.create_task(stubborn(), name="stubborn-loop")
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING, logger="bot.tasks"):
        assert await stop_task(task, timeout=0.2) is False
    assert "stubborn-loop still running after 0.2 s" in caplog.text
    assert "in stubborn" in caplog.text  # where it was stuck
    assert not task.done()
    task.get_coro().close()  # type: ignore[union-attr]  # end it for good (no loop step)


async def test_stop_task_ends_a_well_behaved_task():
    task = asyncio.create_task(asyncio.sleep(3600))
    assert await stop_task(task) is True
    assert task.cancelled()
    assert await stop_task(None) is True


async def test_settle_waits_for_tasks_added_while_it_waits():
    live: set[asyncio.Task[None]] = set()
    finished: list[str] = []

    async def work(name: str, then: str | None = None) -> None:
        await asyncio.sleep(0.01)
        if then is not None:
            live.add(asyncio.create_task(work(then)))
        finished.append(name)

    live.add(asyncio.create_task(work("first", then="second")))
    assert await settle(live, timeout=5) is True
    assert finished == ["first", "second"]
