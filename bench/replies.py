"""`python -m bench replies`: capture throughput and tree view time against naive baselines.

1. Storing messages: one transaction per message (what a plain on_message handler would do)
   against the batched writer (bot.replies.capture), in messages/s, plus what each costs the
   event handler that calls it.
2. The tree of a 10,000-message thread: one query + build + render every page, against a
   naive walk that runs one query per comment to find its replies (same rendering).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._machine import describe
from bot.replies.capture import ReplyCapture
from bot.replies.model import MessageRecord
from bot.replies.render import render_tree
from bot.replies.tree import Node, ReplyTree, build_tree
from storage.db import connect
from storage.marks import ChannelMarks
from storage.migrate import migrate
from storage.replies import _MESSAGE_COLUMNS, ReplyRepository, _to_stored

START = datetime(2024, 5, 1, tzinfo=UTC)
WORDS = [
    "the",
    "film",
    "ending",
    "kathy",
    "tommy",
    "ruth",
    "hailsham",
    "donor",
    "gallery",
    "cold",
    "tone",
    "novel",
]


def synthetic_thread(count: int, thread_id: int, seed: int = 6) -> list[MessageRecord]:
    """A busy discussion: most messages reply to one of the 30 before them; some spoilers."""
    rng = random.Random(seed)
    records = []
    for n in range(1, count + 1):
        parent = None
        if n > 1 and rng.random() < 0.8:
            parent = thread_id * 1_000_000 + max(1, n - rng.randint(1, 30))
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        if rng.random() < 0.1:
            text += " ||" + " ".join(rng.choice(WORDS) for _ in range(6)) + "||"
        records.append(
            MessageRecord(
                message_id=thread_id * 1_000_000 + n,
                thread_id=thread_id,
                guild_id=1,
                author_id=rng.randint(1, 200),
                author_name=f"member{rng.randint(1, 200)}",
                content=text,
                created_at=START + timedelta(seconds=n * 7),
                parent_id=parent,
            )
        )
    return records


@contextlib.asynccontextmanager
async def fresh_repository(folder: Path, name: str) -> AsyncIterator[ReplyRepository]:
    """A new database file; closed on the way out (an open aiosqlite thread keeps us alive)."""
    conn = await connect(folder / f"{name}.sqlite3")
    try:
        await migrate(conn)
        yield ReplyRepository(conn)
    finally:
        await conn.close()


async def bench_per_message(folder: Path, records: list[MessageRecord]) -> tuple[float, float]:
    """(messages/s, handler ms per message) storing each message in its own transaction."""
    async with fresh_repository(folder, "per-message") as repo:
        started = time.perf_counter()
        for record in records:
            await repo.upsert_messages([record])
        elapsed = time.perf_counter() - started
    return len(records) / elapsed, elapsed / len(records) * 1000


async def bench_batched(
    folder: Path, records: list[MessageRecord], *, marks: bool = False
) -> tuple[float, float]:
    """(messages/s until all are stored, handler µs per message) with the batched writer;
    with `marks`, each message also moves its channel's mark, as the message path does."""
    async with fresh_repository(folder, "batched-marks" if marks else "batched") as repo:
        channel_marks = ChannelMarks(repo._conn) if marks else None
        capture = ReplyCapture(repo, batch_size=200, flush_ms=50, marks=channel_marks)
        capture.start()
        started = time.perf_counter()
        handler_time = 0.0
        for index, record in enumerate(records):
            before = time.perf_counter()
            capture.record(record)
            if marks:
                guild_id = record.guild_id or 0  # every generated record has a guild
                capture.mark_processed(guild_id, record.thread_id, record.message_id)
            handler_time += time.perf_counter() - before
            if index % 50 == 49:
                await asyncio.sleep(0)  # let the loop run, as between gateway events
        await capture.stop()
        elapsed = time.perf_counter() - started
    return len(records) / elapsed, handler_time / len(records) * 1_000_000


async def tree_view(
    repo: ReplyRepository, thread_id: int, stages: list[tuple[float, float, float]]
) -> list[str]:
    """What `/thread tree` does: one query, build, render every page. Returns the pages and
    appends (query, build, render) milliseconds to `stages`."""
    started = time.perf_counter()
    messages = await repo.thread_messages(thread_id)
    loaded = time.perf_counter()
    tree = build_tree(messages)
    built = time.perf_counter()
    pages = render_tree(tree).pages
    rendered = time.perf_counter()
    stages.append(((loaded - started) * 1000, (built - loaded) * 1000, (rendered - built) * 1000))
    return pages


async def naive_tree_view(repo: ReplyRepository, thread_id: int) -> list[str]:
    """The baseline: fetch top-level comments, then one query per comment for its replies."""
    columns = _MESSAGE_COLUMNS
    conn = repo._conn
    async with conn.execute(
        f"SELECT {columns} FROM reply_messages WHERE thread_id = ? AND parent_id IS NULL "
        "ORDER BY created_at",
        (thread_id,),
    ) as cur:
        roots = [Node(_to_stored(row)) for row in await cur.fetchall()]
    by_id = {node.id: node for node in roots}
    pending = list(roots)
    discovered: list[Node] = []
    while pending:
        node = pending.pop()
        async with conn.execute(
            f"SELECT {columns} FROM reply_messages WHERE parent_id = ? ORDER BY created_at",
            (node.id,),
        ) as cur:
            for row in await cur.fetchall():
                child = Node(_to_stored(row))
                child.parent, child.depth = node, node.depth + 1
                node.children.append(child)
                by_id[child.id] = child
                pending.append(child)
                discovered.append(child)
    for child in reversed(discovered):  # replies counted into their parents, deepest first
        if child.parent is not None:
            child.parent.size += child.size
    return render_tree(ReplyTree(roots, by_id)).pages


async def _timed(
    repeat: int, work: Callable[[], Awaitable[list[str]]]
) -> tuple[list[float], list[str]]:
    times, result = [], []
    for _ in range(repeat):
        gc.collect()  # start each run from the same state
        started = time.perf_counter()
        result = await work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


async def bench_tree(folder: Path, size: int, repeat: int) -> None:
    async with fresh_repository(folder, "tree") as repo:
        await _bench_tree(repo, size, repeat)


async def _bench_tree(repo: ReplyRepository, size: int, repeat: int) -> None:
    await repo.upsert_messages(synthetic_thread(size, thread_id=7))
    stages: list[tuple[float, float, float]] = []
    fast, pages = await _timed(repeat, lambda: tree_view(repo, 7, stages))
    naive, naive_pages = await _timed(max(1, repeat // 2), lambda: naive_tree_view(repo, 7))
    assert pages == naive_pages, "both views must render the same pages"
    query, build, render = (statistics.median(column) for column in zip(*stages, strict=True))
    fast_median, naive_median = statistics.median(fast), statistics.median(naive)
    print(f"\nTree of a {size:,}-message thread ({len(pages)} pages of at most 4,096 characters):")
    print(
        f"  one query + build + render: best {min(fast):.0f} ms, median {fast_median:.0f} ms "
        f"over {repeat} runs (target < 200 ms)"
    )
    print(
        f"    median stages: query {query:.0f} ms, build {build:.0f} ms, render all pages "
        f"{render:.0f} ms"
    )
    print(
        f"  naive query per comment:    best {min(naive):.0f} ms, median {naive_median:.0f} ms "
        f"({naive_median / fast_median:.1f}x slower)"
    )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-replies-") as tmp:
        folder = Path(tmp)
        records = synthetic_thread(args.messages, thread_id=3)
        per_rate, per_ms = await bench_per_message(folder, records)
        batch_rate, batch_us = await bench_batched(folder, records)
        print(f"\nStoring {args.messages:,} messages (SQLite WAL, synchronous=NORMAL):")
        print(
            f"  one transaction per message: {per_rate:,.0f} messages/s, handler waits {per_ms:.2f} ms each"
        )
        print(
            f"  batched writer (200 / 50 ms): {batch_rate:,.0f} messages/s, handler spends "
            f"{batch_us:.1f} µs each  ({batch_rate / per_rate:.1f}x the throughput)"
        )
        mark_rate, mark_us = await bench_batched(folder, records, marks=True)
        print(
            f"  batched writer + channel marks: {mark_rate:,.0f} messages/s, handler spends "
            f"{mark_us:.1f} µs each  ({mark_rate / batch_rate:.2f}x the writer without marks)"
        )
        await bench_tree(folder, args.thread_size, args.repeat)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench replies", description=__doc__)
    parser.add_argument("--messages", type=int, default=5000, help="messages to store")
    parser.add_argument("--thread-size", type=int, default=10_000, help="messages in the tree")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the tree view")
    args = parser.parse_args(argv)
    print(describe())
    asyncio.run(run(args))
    return 0
