"""Reading a MediaWiki XML export (.xml, .xml.bz2, multistream .xml.bz2) page by page.

mwxml parses the XML; this module opens the file, counts compressed bytes for the progress
bar, turns decompression and XML errors into a `DumpError` naming the byte offset, and sorts
pages: only main-namespace, non-redirect pages whose raw text mentions an Infobox film are
parsed with mwparserfromhell (the cheap pre-filter), everything else is skipped unparsed.

A multistream dump (concatenated bz2 streams of 100 pages, with an index file beside it) can
also be read stream by stream: `stream_starts` lists the streams' offsets and `classify_streams`
handles a run of them on its own, which lets a process pool work on two runs at once.
"""

from __future__ import annotations

import bz2
import io
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import mwxml

from bot.errors import InvalidInput
from bot.films.wikipedia.page import BrokenWikitext, WikiFilm, is_film_candidate, parse_film_page

log = logging.getLogger(__name__)

SNIFF_BYTES = 4096


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

    def readinto(self, buffer) -> int:  # type: ignore[override]  # RawIOBase's signature
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def open_pages(raw: BinaryIO, name: str) -> Iterator[mwxml.Page]:
    """mwxml pages of the export in `raw` (bz2 when its first bytes say so)."""
    compressed = raw.read(3) == b"BZh"
    raw.seek(0)
    start = _sniff(raw, compressed, name)
    if start and b"<mediawiki" not in start:
        raise DumpError(
            f"{name} is not a MediaWiki XML export (no <mediawiki> element at the start); "
            "give a Wikipedia pages-articles .xml or .xml.bz2 file"
        )
    source = _StreamReader(bz2.BZ2File(raw)) if compressed else raw
    try:
        yield from mwxml.Dump.from_file(source)
    except AssertionError:
        raise DumpError(f"{name} is not a MediaWiki XML export (unexpected elements)") from None


class _StreamReader(io.RawIOBase):
    """Reads what the decompressor has ready (`read1`), never waiting to fill a buffer: the
    pages before a cut-off point are parsed before the truncation is noticed."""

    def __init__(self, source: bz2.BZ2File) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]  # RawIOBase's signature
        data = self._source.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


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
    if page.namespace != 0 or page.redirect or not is_film_candidate(text):
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


def stream_starts(index: Path) -> list[int]:
    """The distinct stream offsets the index lists (lines "offset:page_id:title"), in order."""
    starts: list[int] = []
    with bz2.open(index, "rt", encoding="utf-8") as lines:
        for line in lines:
            offset = int(line.split(":", 1)[0])
            if not starts or starts[-1] != offset:
                starts.append(offset)
    return starts


def read_header(path: Path, first_stream_end: int) -> bytes:
    """The <mediawiki><siteinfo> head held by a multistream dump's first stream."""
    with path.open("rb") as raw:
        return bz2.decompress(raw.read(first_stream_end))


def classify_streams(path: str, header: bytes, start: int, end: int, skip_to: int) -> Outcome:
    """Decompress the streams in [start, end) of a multistream dump and classify their pages
    (run in a worker process; everything passed in and out is picklable)."""
    with open(path, "rb") as raw:
        raw.seek(start)
        data = raw.read(end - start)
    body = _decompress_streams(data, Path(path).name, start)
    closing = b"" if body.rstrip().endswith(b"</mediawiki>") else b"</mediawiki>"
    document = b"".join((header, body, closing))
    outcome = Outcome()
    for page in mwxml.Dump.from_file(io.BytesIO(document)):
        classify(page, outcome, skip_to)
    return outcome


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
