"""`python -m bench autocomplete`: latency of /film autocomplete over ~65,000 titles.

Imports MovieLens and ggplot2movies into a temporary database, then times the function the
command calls (FilmCatalog.autocomplete) for 1-4 typed characters and for full titles,
against a naive `LIKE '%q%'` scan over the same table in the same run (turned into the same
choices, so only the way of searching differs). Then the same kinds of query are sent through
the whole bot, as Discord would: an autocomplete interaction from the local Discord emulator,
received by discord.py, answered by the /film cog, and read back by the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

import aiosqlite

from bench._machine import describe
from bot.films.cards import Choice, autocomplete_choices
from bot.films.catalog import FilmCatalog, ensure_curated
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.movielens import import_movielens
from bot.films.model import Film
from storage.db import connect
from storage.migrate import migrate

NAIVE_SQL = (
    "SELECT id, title, year FROM films WHERE title LIKE '%' || ? || '%' "
    "ORDER BY popularity DESC LIMIT 25"
)
TARGET_P99_MS = 20.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench autocomplete")
    parser.add_argument("--queries", type=int, default=300, help="queries per kind (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--through-bot", type=int, default=100, help="queries per kind sent through the bot"
    )
    args = parser.parse_args(argv)
    print(describe())
    return asyncio.run(_run(args.queries, args.seed, args.through_bot))


async def _run(per_kind: int, seed: int, through_bot: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        conn = await connect(path)
        try:
            await migrate(conn)
            await ensure_curated(conn)
            started = time.perf_counter()
            await asyncio.to_thread(import_movielens, path)
            await asyncio.to_thread(import_ggplot2movies, path)
            async with conn.execute("SELECT count(*) FROM films") as cur:
                row = await cur.fetchone()
            titles = row[0] if row else 0
            print(f"catalog: {titles:,} films (imports took {time.perf_counter() - started:.1f} s)")
            queries = await _queries(conn, per_kind, seed)
            status = await _measure(conn, queries)
        finally:
            await conn.close()
        await _measure_through_bot(path, queries, through_bot)
        return status


async def _queries(conn: aiosqlite.Connection, per_kind: int, seed: int) -> dict[str, list[str]]:
    async with conn.execute("SELECT title FROM films") as cur:
        titles = [row[0] for row in await cur.fetchall()]
    rng = random.Random(seed)
    sample = rng.sample(titles, per_kind)
    kinds = {f"{n} char{'s' if n > 1 else ''}": [t[:n] for t in sample] for n in range(1, 5)}
    kinds["full title"] = sample
    return kinds


async def _measure(conn: aiosqlite.Connection, queries: dict[str, list[str]]) -> int:
    catalog = FilmCatalog(conn)
    for query in queries["1 char"][:20]:  # warm the page cache for both methods
        await catalog.autocomplete(query)
        await _naive(conn, query)
    print(
        f"\n{'typed':<11} {'fts p50':>9} {'fts p99':>9} {'naive p50':>10} {'naive p99':>10} {'p99 ratio':>10}"
    )
    worst = 0.0
    for kind, items in queries.items():
        fts = [await _timed(catalog.autocomplete(q)) for q in items]
        naive = [await _timed(_naive(conn, q)) for q in items]
        fts_p50, fts_p99 = _percentiles(fts)
        naive_p50, naive_p99 = _percentiles(naive)
        worst = max(worst, fts_p99)
        print(
            f"{kind:<11} {fts_p50:8.2f}ms {fts_p99:8.2f}ms {naive_p50:9.2f}ms {naive_p99:9.2f}ms "
            f"{naive_p99 / fts_p99:9.1f}x"
        )
    verdict = "meets" if worst < TARGET_P99_MS else "MISSES"
    print(f"\nworst p99 {worst:.2f} ms: {verdict} the {TARGET_P99_MS:.0f} ms target")
    return 0


async def _measure_through_bot(path: Path, queries: dict[str, list[str]], count: int) -> None:
    """Autocomplete round trips through the emulator, discord.py and the cog."""
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.harness import running_bot, sandbox_settings

    print("\nthrough the bot: emulator -> discord.py -> /film info autocomplete -> emulator")
    print(f"{'typed':<11} {'p50':>9} {'p99':>9} {'max':>9}")
    async with Emulator() as emu, running_bot(emu, sandbox_settings(emu, path)):
        for query in queries["1 char"][:20]:  # warm up
            await emu.autocomplete("Alice", "film info", focused="title", title=query)
        for kind, items in queries.items():
            times = [
                await _timed(emu.autocomplete("Alice", "film info", focused="title", title=q))
                for q in items[:count]
            ]
            p50, p99 = _percentiles(times)
            print(f"{kind:<11} {p50:8.2f}ms {p99:8.2f}ms {max(times):8.2f}ms")


async def _naive(conn: aiosqlite.Connection, query: str) -> list[Choice]:
    """The same answer built the naive way: a LIKE scan, then the same choices."""
    rows = await conn.execute_fetchall(NAIVE_SQL, (query,))
    return autocomplete_choices([Film(id=r[0], title=r[1], year=r[2]) for r in rows])


async def _timed(awaitable: Awaitable[object]) -> float:
    started = time.perf_counter()
    await awaitable
    return (time.perf_counter() - started) * 1000


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]
