"""Wikipedia's XML dumps into the catalog: films with plots, cast and crew, in batches.

`import_wikipedia(db_path, path)` reads a pages-articles export (.xml, .xml.bz2, or the
multistream .xml.bz2; with its index file beside it, two processes decompress and parse its
streams side by side). Films are committed every `batch_films` films together with the point
reached (storage/wikipedia.py, checkpoints), so an interrupted or truncated run keeps what it committed and
the next run on the same file name continues after it; re-running a finished file re-reads it
and merges into the same films, adding nothing. Films merge with the catalog by IMDb id, then
by normalised title and year (±1).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import sqlite3
import xml.etree.ElementTree as ET
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from bot.errors import InvalidInput
from bot.films.importers.common import ImportReport
from bot.films.merge import CatalogMerger
from bot.films.wikipedia import dump, rawpages
from bot.films.wikipedia.details import SOURCE_PREFIX, to_details
from bot.progress import Progress
from storage.db import connect_sync
from storage.film_writer import in_transaction
from storage.wikipedia import Checkpoint, forget_checkpoint, load_checkpoint, save_checkpoint

log = logging.getLogger(__name__)

SOURCE = "wikipedia"
BATCH_FILMS = 500
STREAMS_PER_TASK = 20  # multistream: 2,000 pages per worker task
YEAR_SLACK = 1
WORKERS = 2  # the machine's cores; the parent process only writes to SQLite


class _Run:
    """One import: the writer connection, the checkpoint, the counters and the progress bar."""

    def __init__(self, conn: sqlite3.Connection, point: Checkpoint, progress: Progress) -> None:
        self.conn = conn
        self.writer = CatalogMerger(conn)
        self.point = point
        self.progress = progress
        self.pending = dump.Outcome(last_page_id=point.last_page_id)
        self.failures: list[str] = []
        self.reached = point.next_offset  # multistream: the end of the last stream read

    def add(self, outcome: dump.Outcome) -> None:
        self.pending.films += outcome.films
        self.pending.pages += outcome.pages
        self.pending.skipped += outcome.skipped
        self.pending.failed += outcome.failed
        self.pending.last_page_id = max(self.pending.last_page_id, outcome.last_page_id)
        self.failures += outcome.failures[: max(0, 20 - len(self.failures))]
        p = self.point
        self.progress.detail = (
            f"films {p.films + len(self.pending.films):,}, "
            f"skipped {p.skipped + self.pending.skipped:,}, failed {p.failed + self.pending.failed:,}"
        )

    def commit(self, *, next_offset: int | None = None, finished: bool = False) -> None:
        """Write the pending films and the point reached, in one transaction."""
        done, p = self.pending, self.point
        with in_transaction(self.conn):
            for film in done.films:
                self.writer.store_revision(to_details(film), SOURCE_PREFIX, year_slack=YEAR_SLACK)
            self.point = Checkpoint(
                p.file_name,
                done.last_page_id,
                next_offset,
                p.pages_read + done.pages,
                p.films + len(done.films),
                p.skipped + done.skipped,
                p.failed + done.failed,
                finished,
            )
            save_checkpoint(self.conn, self.point)
            if finished:
                self.writer.renumber_search_ranks()
        self.pending = dump.Outcome(last_page_id=self.point.last_page_id)


def import_wikipedia(
    db_path: Path | str,
    path: Path | str,
    *,
    stream: TextIO | None = None,
    batch_films: int = BATCH_FILMS,
    restart: bool = False,
    parallel: bool | None = None,
) -> ImportReport:
    """Import the film articles of the dump at `path` into the catalog at `db_path`.

    Raises DumpError (an InvalidInput) for a file that is not an export, or that stops
    part-way: its message names the byte offset and what was kept.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file; give a Wikipedia .xml or .xml.bz2 dump")
    index = dump.index_path(path)
    with contextlib.closing(connect_sync(db_path)) as conn:
        if restart:
            forget_checkpoint(conn, path.name)
        point = load_checkpoint(conn, path.name)
        if point.finished:  # a finished file is read again from the start (merges, adds nothing)
            point = Checkpoint(path.name)
        resumed = point.pages_read
        label = f"Wikipedia {path.name}"
        with Progress(label, total=path.stat().st_size, stream=stream, unit="bytes") as progress:
            run = _Run(conn, point, progress)
            if index is not None and parallel is not False:
                _read_multistream(run, path, index, batch_films)
            else:
                _read_sequential(run, path, batch_films)
        added, merged = run.writer.films_added, run.writer.films_merged
    return _report(run, added, merged, resumed)


def _report(run: _Run, added: int, merged: int, resumed: int) -> ImportReport:
    report = ImportReport(SOURCE, films_added=added, films_merged=merged)
    report.counts = {
        "pages read": run.point.pages_read,
        "films found": run.point.films,
        "pages skipped": run.point.skipped,
        "pages failed": run.point.failed,
    }
    if resumed:
        report.counts["pages read by an earlier run"] = resumed
    for failure in run.failures:
        log.warning("skipped a page with broken wikitext: %s", failure)
    return report


def _stopped(run: _Run, error: dump.DumpError) -> dump.DumpError:
    """The error for a dump that stopped part-way, saying what was kept."""
    kept = run.point.films
    message = (
        f"{error.message}. Kept the {kept:,} films committed before it; run the import again "
        "to continue from there."
    )
    return dump.DumpError(message, error.offset)


def _read_sequential(run: _Run, path: Path, batch_films: int) -> None:
    """Read the export page by page: pages whose raw text has no Infobox film are counted
    and passed over; the others are parsed (mwxml) in small batches. An earlier run's pages
    (`pages_read`) are passed over uncounted."""
    skip = run.point.pages_read
    with path.open("rb") as file:
        raw = dump.CountingReader(file)
        source = dump.open_export(cast(BinaryIO, raw), path.name)  # reads like a binary file
        pages = rawpages.split_pages(source)
        reader = _Batches(run, path.name, batch_films)
        try:
            reader.header = next(pages)
            for number, page in enumerate(pages, start=1):
                if number > skip:
                    reader.add(page)
                if number % 256 == 0:
                    run.progress.advance(raw.position - run.progress.done)
            reader.flush()
        except (EOFError, OSError, ET.ParseError, rawpages.CutOff) as exc:
            reader.flush(stopping=True)
            run.commit()
            raise _stopped(run, _read_error(path.name, exc, raw.position)) from None
        finally:
            source.close()
        run.progress.advance(raw.position - run.progress.done)
        run.commit(finished=True)


class _Batches:
    """Raw pages waiting to be parsed together; films committed every `batch_films`."""

    SIZE = 64

    def __init__(self, run: _Run, name: str, batch_films: int) -> None:
        self.run, self.name, self.batch_films = run, name, batch_films
        self.header = b""
        self.waiting: list[bytes] = []
        self.outcome = dump.Outcome()

    def add(self, page: bytes) -> None:
        if dump.RAW_INFOBOX_FILM.search(page):
            self.waiting.append(page)
            if len(self.waiting) >= self.SIZE:
                self.flush()
        else:  # not a film: counted, never parsed
            self.outcome.pages += 1
            self.outcome.skipped += 1

    def flush(self, *, stopping: bool = False) -> None:
        waiting, self.waiting = self.waiting, []
        try:
            for page in dump.parse_pages(self.header, waiting, self.name):
                dump.classify(page, self.outcome)
        except ET.ParseError:
            if not stopping:
                raise
        self.run.add(self.outcome)
        self.outcome = dump.Outcome()
        if len(self.run.pending.films) >= self.batch_films and not stopping:
            self.run.commit()


def _read_error(name: str, exc: Exception, offset: int) -> dump.DumpError:
    if isinstance(exc, rawpages.CutOff):
        return dump.DumpError(
            f"{name}: the XML is cut off or malformed (it ends inside a page), at byte {offset:,}",
            offset,
        )
    return dump.xml_error(name, exc, offset)


def _read_multistream(run: _Run, path: Path, index: Path, batch_films: int) -> None:
    streams = dump.read_index(index)
    size = path.stat().st_size
    header = dump.read_header(path, streams[0].offset) if streams else b""
    resume = run.point.next_offset or 0
    if resume:  # an earlier run read every stream before this offset
        streams = [s for s in streams if s.offset >= resume]
        run.progress.advance(resume)
    tasks = []
    for i in range(0, len(streams), STREAMS_PER_TASK):
        group = streams[i : i + STREAMS_PER_TASK]
        end = streams[i + len(group)].offset if i + len(group) < len(streams) else size
        tasks.append((group, end))
    skip_to = run.point.last_page_id
    # Workers are started fresh (not forked from a process with threads and an event loop).
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        queue: deque[tuple[int, Future[dump.Outcome]]] = deque()
        for group, end in tasks:
            job = pool.submit(dump.classify_streams, str(path), header, group, end, skip_to)
            queue.append((end, job))
            if len(queue) > 4:  # a few tasks in flight: memory stays flat
                _collect(run, queue.popleft(), batch_films)
        while queue:
            _collect(run, queue.popleft(), batch_films)
    run.commit(next_offset=size, finished=True)


def _collect(run: _Run, task: tuple[int, Future[dump.Outcome]], batch_films: int) -> None:
    end, future = task
    try:
        outcome = future.result()
    except (dump.DumpError, EOFError, ET.ParseError) as exc:
        run.commit(next_offset=run.reached)
        if not isinstance(exc, dump.DumpError):
            exc = dump.xml_error(run.point.file_name, exc, end)
        raise _stopped(run, exc) from None
    run.add(outcome)
    if outcome.stopped:  # the streams before the cut are kept, and the next run starts there
        run.commit(next_offset=outcome.reached)
        raise _stopped(run, dump.DumpError(outcome.stopped, outcome.reached))
    run.reached = end
    run.progress.advance(end - run.progress.done)
    if len(run.pending.films) >= batch_films:
        run.commit(next_offset=end)


async def import_wikipedia_async(
    db_path: Path | str,
    path: Path | str,
    *,
    stream: TextIO | None = None,
    batch_films: int = BATCH_FILMS,
) -> ImportReport:
    """`import_wikipedia` in a worker thread, so the event loop keeps answering."""
    return await asyncio.to_thread(
        import_wikipedia, db_path, path, stream=stream, batch_films=batch_films
    )
