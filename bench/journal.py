"""`python -m bench journal [--actions N]`

What the journal costs on a real SQLite file (WAL, synchronous=NORMAL, as the bot runs): N
actions of three steps, one of which writes a row (as a case would), carried out
1) naively: just the row write, no record of progress (what moderation did before), and
2) journaled: the intent written first, each step marked done, the intent finished.
Discord is not called (its round trip, ~100 ms, dwarfs both); this is the database's share.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bench._machine import describe
from bot.journal import Handler, Journal, Step, StepContext
from storage import migrate
from storage.db import write
from storage.journal import JournalRepository

ROW = "INSERT INTO error_reports (error_id, summary) VALUES (?, ?)"


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def call_at(self, when: datetime, callback: Callable[[], None]) -> None:
        raise NotImplementedError  # the retry loop is not started here


class ThreeSteps(Handler):
    steps = (Step("discord"), Step("case"), Step("log", at_most_once=True))

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def step_discord(self, ctx: StepContext) -> None:
        return None

    async def step_case(self, ctx: StepContext) -> dict[str, int]:
        await write(self.conn, ROW, (f"j{ctx.intent.id}", "x" * 200))
        return {"number": ctx.intent.id}

    async def step_log(self, ctx: StepContext) -> None:
        return None


async def _timed(count: int, action: Callable[[int], Awaitable[object]]) -> list[float]:
    times = []
    for index in range(count):
        start = time.perf_counter()
        await action(index)
        times.append(time.perf_counter() - start)
    return times


async def run(count: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        conn = await migrate.open_database(Path(folder) / "bench.sqlite3")
        await migrate.migrate(conn)
        journal = Journal(JournalRepository(conn), _Clock())
        journal.register("bench", ThreeSteps(conn))
        naive = await _timed(count, lambda i: write(conn, ROW, (f"n{i}", "x" * 200)))
        journaled = await _timed(count, lambda i: journal.perform("bench", {"i": i, "x": "y"}))
        await conn.close()
    return [
        _line("naive (row only)", naive),
        _line("journaled", journaled),
        _ratio(naive, journaled),
    ]


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return (
        f"{name:<18} {len(times) / sum(times):8.0f} actions/s  mean {statistics.mean(times) * 1000:6.2f} ms"
        f"  p99 {p99 * 1000:6.2f} ms"
    )


def _ratio(naive: list[float], journaled: list[float]) -> str:
    extra = (statistics.mean(journaled) - statistics.mean(naive)) * 1000
    return (
        f"journaled / naive time: {sum(journaled) / sum(naive):.1f}x "
        f"(+{extra:.2f} ms per action: the intent, 3 step marks (the last finishes it), 1 at-most-once mark)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench journal")
    parser.add_argument("--actions", type=int, default=500)
    args = parser.parse_args(argv)
    print(describe())
    print(f"inputs: {args.actions} actions of 3 steps on a temporary SQLite file (WAL)")
    for line in asyncio.run(run(args.actions)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
