"""Reading a MediaWiki XML export (.xml, .xml.bz2, multistream .xml.bz2) page by page.

mwxml parses the XML; this module opens the file, counts compressed bytes for the progress
bar, turns decompression and XML errors into a `DumpError` naming the byte offset, and sorts
pages: only main-namespace, non-redirect pages whose raw text mentions an Infobox film are
parsed with mwparserfromhell (the cheap pre-filter), everything else is skipped unparsed.

A multistream dump (concatenated bz2 streams of 100 pages, with an index file beside it) can
also be read stream by stream: `read_index` lists the streams and `classify_streams`
handles a run of them on its own, which lets a process pool work on two runs at once.
"""

from __future__ import annotations

import bz2
import io
import logging
import os
import queue
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import mwxml

from bot.errors import InvalidInput
from bot.films.wikipedia.page import BrokenWikitext, WikiFilm, is_film_candidate, parse_film_page

log = logging.getLogger(__name__)

SNIFF_BYTES = 4096
RAW_INFOBOX_FILM = re.compile(rb"\{\{\s*infobox[ _]+film", re.IGNORECASE)
PAGE_TAG = re.compile(rb"<page>")


class DumpError(InvalidInput):
    """A dump that cannot be read (any further); `offset` is where reading stopped."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.offset = offset
        super().__init__(message)


@dataclass
class Outcome:
    """What became of a run of pages: films parsed, pages skipped, pages that failed."""

    films: list[WikiFilm] = field(default_factory=list)
    pages: int = 0
    skipped: int = 0
    failed: int = 0
    last_page_id: int = 0
    failures: list[str] = field(default_factory=list)  # "Title: reason", a few at most
    stopped: str | None = None  # multistream: why reading stopped part-way (truncated, corrupt)
    reached: int | None = None  # ...and the offset of the stream it stopped at


class CountingReader(io.RawIOBase):
    """A file wrapper that knows how many bytes were read from it (for progress and errors)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.position = raw.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self._raw.seek(offset, whence)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:  # a writable buffer (bytearray, memoryview)
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def open_export(raw: BinaryIO, name: str) -> BinaryIO:
    """The XML of the export in `raw` (decompressed ahead by a thread when it is bz2);
    DumpError when its first bytes are not a MediaWiki export. Close it when done."""
    compressed = raw.read(3) == b"BZh"
    raw.seek(0)
    start = _sniff(raw, compressed, name)
    if start and b"<mediawiki" not in start:
        raise DumpError(
            f"{name} is not a MediaWiki XML export (no <mediawiki> element at the start); "
            "give a Wikipedia pages-articles .xml or .xml.bz2 file"
        )
    return _Bz2Ahead(raw) if compressed else raw  # type: ignore[return-value]  # both are readable binary streams; _Bz2Ahead is no BinaryIO subclass


def parse_pages(header: bytes, pages: list[bytes], name: str) -> Iterator[mwxml.Page]:
    """mwxml pages of a few raw <page> elements, parsed as an export with `header`."""
    document = b"".join((header, *pages, b"</mediawiki>"))
    try:
        yield from mwxml.Dump.from_file(io.BytesIO(document))
    except AssertionError:
        raise DumpError(f"{name} is not a MediaWiki XML export (unexpected elements)") from None


class _Bz2Ahead(io.RawIOBase):
    """bz2 decompressed by a thread running ahead of the XML parser (libbz2 releases the GIL,
    so decompression and parsing use two cores), through a small bounded queue: memory stays
    flat. Concatenated streams (multistream) are read one after another. A cut-off file is
    reported (EOFError) only after everything before the cut was handed over."""

    def __init__(self, raw: BinaryIO, chunk: int = 1 << 18, ahead: int = 4) -> None:
        self._raw = raw
        self._chunk = chunk
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(ahead)
        self._stop = threading.Event()
        self._left = memoryview(b"")
        self._done = False
        self._thread = threading.Thread(target=self._run, name="bz2-ahead", daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        decompressor = bz2.BZ2Decompressor()
        try:
            while not self._stop.is_set():
                if decompressor.eof:  # the next stream, if any, starts in what is left over
                    data = decompressor.unused_data or self._raw.read(self._chunk)
                    decompressor = bz2.BZ2Decompressor()
                    if not data:
                        break
                else:
                    data = self._raw.read(self._chunk)
                    if not data:
                        raise EOFError("the file ends inside a bz2 stream")
                self._put(decompressor.decompress(data))
            self._put(None)
        except BaseException as exc:  # handed to the reading side, which raises it
            self._put(exc)

    def readinto(self, buffer: Any) -> int:  # a writable buffer (bytearray, memoryview)
        while not self._left and not self._done:
            item = self._queue.get()
            if item is None:
                self._done = True
            elif isinstance(item, BaseException):
                self._done = True
                raise item
            else:
                self._left = memoryview(item)
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size

    def close(self) -> None:
        self._stop.set()
        super().close()


def _sniff(raw: BinaryIO, compressed: bool, name: str) -> bytes:
    """The first few KB of the export, or b"" when a cut-off bz2 block hides them."""
    head = raw.read(SNIFF_BYTES * 16 if compressed else SNIFF_BYTES)
    raw.seek(0)
    if not compressed:
        return head
    try:
        return bz2.BZ2Decompressor().decompress(head, SNIFF_BYTES)
    except OSError as exc:
        raise DumpError(f"{name} is not a MediaWiki XML export ({exc})") from None


def classify(page: mwxml.Page, outcome: Outcome, skip_to: int = 0) -> None:
    """Add one page to `outcome`: a film, a skipped page or a failure; pages up to `skip_to`
    were handled by an earlier run and are passed over."""
    revision = None
    for each in page:  # pages-articles dumps hold one revision; the last one wins
        revision = each
    if page.id <= skip_to:
        return
    outcome.pages += 1
    outcome.last_page_id = max(outcome.last_page_id, page.id)
    text = revision.text if revision is not None else None
    if (
        revision is None
        or text is None
        or page.namespace != 0
        or page.redirect
        or not is_film_candidate(text)
    ):
        outcome.skipped += 1
        return
    try:
        film = parse_film_page(page.title, text, page_id=page.id, revision_id=revision.id)
    except BrokenWikitext as exc:
        outcome.failed += 1
        if len(outcome.failures) < 20:
            outcome.failures.append(f"{page.title}: {exc}")
        return
    if film is None:
        outcome.skipped += 1
    else:
        outcome.films.append(film)


def xml_error(name: str, exc: Exception, offset: int) -> DumpError:
    """The message for a dump that stops part-way (truncated bz2 or XML)."""
    if isinstance(exc, EOFError):
        reason = "the compressed file ends early (truncated)"
    elif isinstance(exc, ET.ParseError):
        reason = f"the XML is cut off or malformed ({exc})"
    else:
        reason = f"the file is corrupt ({exc})"
    return DumpError(f"{name}: {reason}, at byte {offset:,}", offset)


# -- multistream ---------------------------------------------------------------------------


def index_path(dump: Path) -> Path | None:
    """The multistream index beside `dump` (…-multistream.xml.bz2 -> …-multistream-index.txt.bz2)."""
    name = dump.name
    if not name.endswith("-multistream.xml.bz2"):
        return None
    candidate = dump.with_name(name.removesuffix(".xml.bz2") + "-index.txt.bz2")
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class Stream:
    """One bz2 stream of a multistream dump: where it starts and the pages the index lists."""

    offset: int
    page_ids: tuple[int, ...]


def read_index(index: Path) -> list[Stream]:
    """The streams the index lists (lines "offset:page_id:title"), in file order."""
    streams: list[Stream] = []
    ids: list[int] = []
    offset = None
    with bz2.open(index, "rt", encoding="utf-8") as lines:
        for line in lines:
            start, page_id, _title = line.split(":", 2)
            if offset is not None and int(start) != offset:
                streams.append(Stream(offset, tuple(ids)))
                ids = []
            offset = int(start)
            ids.append(int(page_id))
    if offset is not None:
        streams.append(Stream(offset, tuple(ids)))
    return streams


def read_header(path: Path, first_stream_end: int) -> bytes:
    """The <mediawiki><siteinfo> head held by a multistream dump's first stream."""
    with path.open("rb") as raw:
        return bz2.decompress(raw.read(first_stream_end))


def classify_streams(
    path: str, header: bytes, streams: list[Stream], end: int, skip_to: int
) -> Outcome:
    """Decompress a run of streams of a multistream dump (the last one ends at `end`) and
    classify their pages. A stream whose raw text never mentions an Infobox film is counted
    from the index without being parsed at all. Runs in a worker process."""
    name = Path(path).name
    with open(path, "rb") as raw:
        size = os.fstat(raw.fileno()).st_size
        raw.seek(streams[0].offset)
        data = raw.read(max(end - streams[0].offset, 0))
    outcome = Outcome()
    bodies = []
    bounds = [s.offset for s in streams[1:]] + [end]
    for stream, stop in zip(streams, bounds, strict=True):
        chunk = data[stream.offset - streams[0].offset : stop - streams[0].offset]
        try:
            if stream.offset >= size or stop > size:
                raise DumpError(
                    f"{name}: the compressed file ends early (truncated), at byte {size:,}", size
                )
            body = _decompress_streams(chunk, name, stream.offset).replace(b"</mediawiki>", b"")
        except DumpError as exc:  # keep the streams before it; the caller stops after them
            outcome.stopped, outcome.reached = exc.message, stream.offset
            break
        kept, passed = _film_pages(body, stream.page_ids)
        bodies += kept
        fresh = [i for i in passed if i > skip_to]
        outcome.pages += len(fresh)
        outcome.skipped += len(fresh)
        outcome.last_page_id = max([outcome.last_page_id, *fresh])
    if bodies:
        for page in parse_pages(header, bodies, name):
            classify(page, outcome, skip_to)
    return outcome


def _film_pages(body: bytes, page_ids: tuple[int, ...]) -> tuple[list[bytes], list[int]]:
    """The <page> elements of a stream whose raw text mentions an Infobox film, and the ids
    of the others (counted from the index, never parsed). A literal "<page>" in wikitext is
    escaped in the XML, so the tag only marks where a page begins. If the stream does not
    hold the pages the index lists, all of it is parsed."""
    if not RAW_INFOBOX_FILM.search(body):
        return [], list(page_ids)
    starts = [m.start() for m in PAGE_TAG.finditer(body)]
    if len(starts) != len(page_ids):
        return [body], []
    bounds = [*starts[1:], len(body)]
    kept, passed = [], []
    for page_id, start, stop in zip(page_ids, starts, bounds, strict=True):
        if RAW_INFOBOX_FILM.search(body, start, stop):
            kept.append(body[start:stop])
        else:
            passed.append(page_id)
    return kept, passed


def _decompress_streams(data: bytes, name: str, start: int) -> bytes:
    """The concatenated bz2 streams in `data` (read from offset `start`), decompressed."""
    pieces = []
    offset = start
    while data:
        decompressor = bz2.BZ2Decompressor()
        try:
            pieces.append(decompressor.decompress(data))
        except OSError as exc:
            raise DumpError(
                f"{name}: the file is corrupt ({exc}), at byte {offset:,}", offset
            ) from None
        if not decompressor.eof:
            raise DumpError(
                f"{name}: the compressed file ends early (truncated), at byte {offset:,}", offset
            )
        offset += len(data) - len(decompressor.unused_data)
        data = decompressor.unused_data
    return b"".join(pieces)
