"""The offered-load runner of `python -m bench screening`, section (a)'s latency: messages
sent at Poisson times to naive per-message predict and to the pipeline, each verdict's
latency measured, and the share of the run other processes kept us waiting for a CPU."""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.films.model import FilmDetails
    from bot.screening.backend import ScoringBackend
    from bot.screening.detoxify_backend import DetoxifyBackend

Submit = Callable[[str], Awaitable[None]]

LOADS = (5, 10, 20, 40)
QUEUE = 256


@dataclass
class LoadResult:
    offered: float
    completed: int
    deferred: int  # the pipeline's queue was full: stored unscreened in the bot
    unfinished: int  # still waiting when the run's time was up
    latencies: list[float]
    stalled: float = float("nan")  # % of the run other processes kept us waiting for a CPU

    def row(self, name: str) -> str:
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        late = f"{self.unfinished} unfinished" if self.unfinished else ""
        deferred = f"{self.deferred} deferred" if self.deferred else ""
        stalled = f"cpu stall {self.stalled:.0f}%"
        extra = ", ".join(x for x in (stalled, late, deferred) if x)
        marker = ">" if self.unfinished else " "
        return (
            f"  {name:<20} {self.offered:>4.0f} msg/s  done {self.completed:>4}  "
            f"p50 {p50 * 1000:>7.0f} ms  p99 {marker}{p99 * 1000:>6.0f} ms  {extra}"
        )


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _arrivals(rate: float, duration: float, rng: random.Random) -> list[float]:
    times: list[float] = []
    now = 0.0
    while True:
        now += rng.expovariate(rate)
        if now > duration:
            return times
        times.append(now)


@dataclass(frozen=True)
class Load:
    """An offered load: `rate` messages a second for `duration` s, then `drain` s to finish."""

    rate: float
    duration: float
    drain: float
    rng: random.Random


async def _offer(load: Load, messages: list[str], submit: Submit) -> LoadResult:
    """Send messages at Poisson times; each `submit(text)` resolves when its verdict is ready."""
    from bot.screening.batcher import ScreenerBusy

    rate, duration, drain, rng = load.rate, load.duration, load.drain, load.rng

    result = LoadResult(rate, 0, 0, 0, [])
    stall = CpuStall()
    start = time.perf_counter()
    pending: set[asyncio.Task[None]] = set()

    async def one(text: str, sent: float) -> None:
        try:
            await submit(text)
        except ScreenerBusy:
            result.deferred += 1
            return
        result.completed += 1
        result.latencies.append(time.perf_counter() - sent)

    sent_at: dict[asyncio.Task[None], float] = {}
    for offset in _arrivals(rate, duration, rng):
        await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
        sent = time.perf_counter()
        task = asyncio.create_task(one(messages[len(pending) % len(messages)], sent))
        pending.add(task)
        sent_at[task] = sent
    remaining = max(0.1, start + duration + drain - time.perf_counter())
    _, late = await asyncio.wait(pending, timeout=remaining)
    now = time.perf_counter()
    result.unfinished = len(late)
    result.latencies += [now - sent_at[task] for task in late]  # lower bounds
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    result.stalled = stall.percent()
    return result


async def _naive_run(detox: Any, messages: list[str], load: Load) -> LoadResult:
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()

    async def submit(text: str) -> None:
        await loop.run_in_executor(executor, detox.predict, text)

    try:
        return await _offer(load, messages, submit)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


async def _pipeline_run(
    backend: ScoringBackend, film: FilmDetails, messages: list[str], load: Load
) -> LoadResult:
    from bot.screening.pipeline import ScreeningPipeline
    from bot.screening.policy import ScreeningPolicy, decide

    pipeline = ScreeningPipeline(backend, max_queue=QUEUE)
    policy = ScreeningPolicy(guild_id=0)

    async def submit(text: str) -> None:
        decide((await pipeline.screen(text, film)).scores, policy)

    try:
        return await _offer(load, messages, submit)
    finally:
        await pipeline.batcher.close(flush=False)


async def latency_section(
    args: argparse.Namespace,
    detox: Any,
    variants: dict[str, DetoxifyBackend],
    film: FilmDetails,
    messages: list[str],
) -> None:
    duration, drain = (3.0, 3.0) if args.quick else (6.0, 4.0)
    print(
        f"(a) verdict latency, Poisson arrivals for {duration:.0f} s (at least 60 messages), "
        f"then up to {drain:.0f} s to finish; queue bound {QUEUE}:"
    )
    rng = random.Random(11)
    for rate in LOADS:
        run_for = max(duration, 60 / rate) if not args.quick else duration
        load = Load(rate, run_for, drain, rng)
        print((await _naive_run(detox, messages, load)).row("naive predict()"))
        for name, backend in variants.items():
            result = await _pipeline_run(backend, film, messages, load)
            print(result.row(name))


class CpuStall:
    """Share of wall time some runnable task waited for a CPU (Linux PSI), since creation."""

    def __init__(self) -> None:
        self._start = (time.perf_counter(), self._total())

    @staticmethod
    def _total() -> float:
        try:
            first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
            return float(first.rsplit("total=", 1)[1]) / 1e6
        except (OSError, IndexError, ValueError):
            return float("nan")

    def percent(self) -> float:
        wall = time.perf_counter() - self._start[0]
        return 100 * (self._total() - self._start[1]) / wall if wall > 0 else float("nan")
