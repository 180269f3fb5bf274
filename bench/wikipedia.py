"""`python -m bench wikipedia`: how fast `catalog import wikipedia` reads a dump.

Generates an English-Wikipedia-like export (default 24,000 pages: about a third redirects,
0.8% film articles, the rest articles, templates and categories of the usual sizes), writes it
as pages-articles.xml.bz2 (one stream) and as pages-articles-multistream.xml.bz2 with its
index, then runs, each in a fresh process watched for its memory (the process and its
workers):

- naive: mwxml over the single-stream file, every page's wikitext parsed with mwparserfromhell;
- import: `import_wikipedia` on the single-stream file (the raw-text pre-filter, one core);
- import multistream: `import_wikipedia` on the multistream file (streams on 2 workers).

It prints compressed MB/s, pages/s, films/s and peak RSS for each, the RSS early and late in
the run (flat means it does not grow with the input), and the time a 22 GB dump would take.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench._machine import describe
from bench._wikidump import HEADER, PageXml, page_xml, write_bz2, write_multistream

FULL_DUMP_GB = 22.0
TARGET_MB_S = 3.0
TICKS = os.sysconf("SC_CLK_TCK")
WORD_LIST = (
    "the of and in to a was is for on as by with he that at from his it an were are which "
    "this be also or had first one their its new after who they two her she been other when "
    "there all during into school time may years more most only over city some world would "
    "where later up such used many can state about national out known university united then "
    "made north river county south war family album season team league club population "
    "village district government party born church station railway game series record film "
    "music band song released company history century park island lake mountain bridge road"
)
WORDS = WORD_LIST.split(" ")
SECTIONS = ("History", "Geography", "Career", "Early life", "Description", "Reception", "Legacy")


Job = Callable[[Path, Path], tuple[int, int]]  # an import run: (pages read, films found)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench wikipedia")
    parser.add_argument("--pages", type=int, default=24_000, help="pages to generate (>= 20,000)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--naive-pages",
        type=int,
        default=4000,
        help="pages the naive baseline reads (its rates are per byte, so a part is enough)",
    )
    args = parser.parse_args(argv)
    print(describe())
    with tempfile.TemporaryDirectory(prefix="bench-wikipedia-") as folder:
        plain, multi, sample, facts = _generate(
            Path(folder), args.pages, args.seed, args.naive_pages
        )
        print(facts)
        runs = [
            (f"naive ({args.naive_pages:,} pages)", _naive, sample),
            ("import, one stream", _import, plain),
            ("import, multistream x2", _import, multi),
        ]
        results = [
            (name, _watched(job, path, Path(folder) / f"db{i}.sqlite3"))
            for i, (name, job, path) in enumerate(runs)
        ]
        _print(results)
    return 0


def _generate(folder: Path, count: int, seed: int, naive: int) -> tuple[Path, Path, Path, str]:
    rng = random.Random(seed)
    started = time.perf_counter()
    pages = [_page(rng, number) for number in range(1, count + 1)]
    plain = folder / "enwiki-bench-pages-articles.xml.bz2"
    multi = folder / "enwiki-bench-pages-articles-multistream.xml.bz2"
    write_bz2(plain, HEADER, pages)
    write_multistream(multi, HEADER, pages)
    sample = folder / "enwiki-bench-sample-pages-articles.xml.bz2"
    write_bz2(sample, HEADER, pages[:naive])
    xml_mb = sum(len(p.xml.encode()) for p in pages) / 1e6
    films = sum(1 for p in pages if "{{Infobox film" in p.xml)
    facts = (
        f"input: {count:,} pages ({films:,} film articles), {xml_mb:,.1f} MB of XML; "
        f"single stream {plain.stat().st_size / 1e6:,.1f} MB bz2 "
        f"(ratio {xml_mb * 1e6 / plain.stat().st_size:.1f}x), multistream "
        f"{multi.stat().st_size / 1e6:,.1f} MB; generated in {time.perf_counter() - started:.0f} s"
    )
    return plain, multi, sample, facts


def _words(rng: random.Random, count: int) -> str:
    words = rng.choices(WORDS, k=count)
    for i in range(0, count, rng.randint(9, 16)):
        words[i] = f"[[{words[i].title()} {rng.choice(WORDS)}]]"
    return " ".join(words) + "."


def _page(rng: random.Random, number: int) -> PageXml:
    kind = rng.random()
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {number}"
    if kind < 0.35:
        return page_xml(
            title,
            f"#REDIRECT [[Target {number}]]",
            page_id=number,
            revision_id=number * 7,
            redirect=f"Target {number}",
        )
    if kind < 0.358:  # ~150,000 films among ~20 million pages, as in English Wikipedia
        return page_xml(
            f"{title} (film)", _film_text(rng, title), page_id=number, revision_id=number * 7
        )
    ns = 10 if kind < 0.40 else 14 if kind < 0.43 else 0
    prefix = {10: "Template:", 14: "Category:", 0: ""}[ns]
    return page_xml(
        prefix + title, _article_text(rng), page_id=number, revision_id=number * 7, ns=ns
    )


def _article_text(rng: random.Random) -> str:
    """An ordinary article: an infobox that is not a film's, a lead, sections, references."""
    size = int(rng.lognormvariate(6.3, 0.9))  # words: median ~550, long tail
    parts = [f"{{{{Infobox settlement\n| name = {rng.choice(WORDS)}\n| population = {size}\n}}}}"]
    for section in rng.sample(SECTIONS, k=min(len(SECTIONS), 1 + size // 300)):
        parts.append(f"== {section} ==\n" + _words(rng, max(20, size // 4)))
        parts.append(f"<ref>{{{{cite web |title={rng.choice(WORDS)} |year=2001}}}}</ref>")
    return "\n\n".join(parts)


def _film_text(rng: random.Random, title: str) -> str:
    year = rng.randint(1930, 2025)
    cast = "\n".join(
        f"* [[Actor {rng.randint(1, 9999)}]] as {rng.choice(WORDS).title()}"
        for _ in range(rng.randint(3, 12))
    )
    plot = "\n\n".join(_words(rng, rng.randint(60, 160)) for _ in range(rng.randint(2, 5)))
    return (
        f"{{{{Infobox film\n| name = {title}\n| director = [[Director {rng.randint(1, 999)}]]\n"
        f"| starring = {{{{Plainlist|\n* [[Actor 1]]\n* [[Actor 2]]\n}}}}\n"
        f"| released = {{{{Film date|{year}|5|1}}}}\n| runtime = {rng.randint(80, 180)} minutes\n"
        f"| country = United States\n| budget = $12 million\n}}}}\n"
        f"'''{title}''' is a {year} film. It follows {_words(rng, 25)}\n\n"
        f"== Plot ==\n{plot}\n\n== Cast ==\n{cast}\n\n"
        f"== External links ==\n* {{{{IMDb title|{rng.randint(100000, 9999999)}|{title}}}}}\n"
    )


# -- the runs, each in its own process ----------------------------------------------------


def _naive(path: Path, _db: Path) -> tuple[int, int]:
    import bz2

    import mwparserfromhell
    import mwxml

    pages = films = 0
    with bz2.open(path, "rb") as source:
        for page in mwxml.Dump.from_file(source):
            for revision in page:
                code = mwparserfromhell.parse(revision.text or "")
                pages += 1
                if (
                    page.namespace == 0
                    and not page.redirect
                    and any(
                        str(t.name).strip().lower() == "infobox film"
                        for t in code.filter_templates()
                    )
                ):
                    films += 1
    return pages, films


def _import(path: Path, db: Path) -> tuple[int, int]:
    import asyncio
    import io

    from bot.films.importers.wikipedia import import_wikipedia
    from storage.migrate import migrate, open_database

    async def prepare() -> None:
        conn = await open_database(db)
        await migrate(conn)
        await conn.close()

    asyncio.run(prepare())
    report = import_wikipedia(db, path, stream=io.StringIO())
    return report.counts["pages read"], report.counts["films found"]


def _child(job: Job, path: Path, db: Path, out: Connection) -> None:
    started = time.perf_counter()
    pages, films = job(path, db)
    seconds = time.perf_counter() - started
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    out.send((seconds, sum(u.ru_utime + u.ru_stime for u in used), pages, films))


def _watched(job: Job, path: Path, db: Path) -> dict[str, Any]:
    """Run `job` in a fresh process, sampling the RSS of it and its workers as it goes."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, path, db, send))
    process.start()
    pid = process.pid
    assert pid is not None, "a started process has a pid"
    samples: list[int] = []
    cpu: dict[int, float] = {}
    while not receive.poll(0.1):
        samples.append(_tree_rss(pid, cpu))
    seconds, own_cpu, pages, films = receive.recv()
    process.join()
    quarter = max(1, len(samples) // 4)
    return {
        "seconds": seconds,
        "cpu": max(own_cpu, sum(cpu.values())),
        "pages": pages,
        "films": films,
        "bytes": path.stat().st_size,
        "peak": max(samples or [0]),
        "early": max(samples[:quarter] or [0]),
        "late": max(samples[-quarter:] or [0]),
    }


def _tree_rss(pid: int, cpu: dict[int, float]) -> int:
    """Resident memory of a process and its descendants (workers, the fork server), in
    bytes; records each one's CPU seconds so far in `cpu` (Linux /proc)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                total += sum(_tree_rss(int(child), cpu) for child in children.read().split())
    except OSError:
        pass
    return total


def _print(results: list[tuple[str, dict[str, Any]]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average during the runs: {load} (the machine is shared)")
    print(
        f"\n{'run':<26}{'MB/s bz2':>9}{'per CPU s':>10}{'pages/s':>9}{'films/s':>8}"
        f"{'peak RSS':>9}{'RSS early→late':>16}{'22 GB dump':>11}"
    )
    naive_rate = results[0][1]["bytes"] / results[0][1]["seconds"]
    for name, r in results:
        rate = r["bytes"] / r["seconds"]
        hours = FULL_DUMP_GB * 1e9 / rate / 3600
        print(
            f"{name:<26}{rate / 1e6:>9.2f}{r['bytes'] / r['cpu'] / 1e6:>10.2f}"
            f"{r['pages'] / r['seconds']:>9,.0f}{r['films'] / r['seconds']:>8,.1f}"
            f"{r['peak'] / 1e6:>7.0f}MB{r['early'] / 1e6:>8.0f}→{r['late'] / 1e6:.0f}MB"
            f"{hours:>9.1f} h   ({rate / naive_rate:.1f}x naive)"
        )
    best = max(r["bytes"] / r["seconds"] for _, r in results[1:]) / 1e6
    verdict = "meets" if best >= TARGET_MB_S else "misses"
    print(
        f"\nbest import {best:.2f} MB/s of bz2 (wall clock): {verdict} the {TARGET_MB_S:g} MB/s "
        f"target (a {FULL_DUMP_GB:g} GB dump in {FULL_DUMP_GB * 1e3 / best / 3600:.1f} h). "
        "'per CPU s' is MB of bz2 per CPU-second of the run and its workers: the rate on "
        "an idle machine, per core used."
    )
