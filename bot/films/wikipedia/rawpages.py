"""An export cut into its header and its raw <page> elements, before any XML parsing, so that
the cheap "{{Infobox film" check decides which pages mwxml parses at all.

In a MediaWiki export a literal "<page>" inside wikitext is escaped ("&lt;page&gt;"), so the
bytes "<page>" only ever start a page element; a page runs to the next one (or to the
closing </mediawiki>). Nothing else about the XML is read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

PAGE_TAG = re.compile(rb"<page>")
CLOSING = b"</mediawiki>"
READ_SIZE = 1 << 20


class CutOff(Exception):
    """The export ends inside a page (no closing </mediawiki>)."""


def split_pages(source: BinaryIO) -> Iterator[bytes]:
    """The header (everything before the first page), then each page's raw bytes in order.
    Raises CutOff after the last complete page when the export ends early."""
    buffer = b""
    header_sent = False
    while True:
        data = source.read(READ_SIZE)
        buffer += data
        starts = [m.start() for m in PAGE_TAG.finditer(buffer)]
        if not header_sent and (starts or not data):
            cut = starts[0] if starts else len(buffer)
            yield buffer[:cut]
            buffer, header_sent = buffer[cut:], True
            starts = [s - cut for s in starts]
        if not data:
            yield from _last_pages(buffer, starts)
            return
        for start, stop in zip(starts, starts[1:], strict=False):
            yield buffer[start:stop]
        if len(starts) > 1:
            buffer = buffer[starts[-1] :]


def _last_pages(buffer: bytes, starts: list[int]) -> Iterator[bytes]:
    end = buffer.rfind(CLOSING)
    if end < 0:
        yield from (buffer[a:b] for a, b in zip(starts, starts[1:], strict=False))
        raise CutOff("the export ends inside a page")
    bounds = [*starts, end]
    yield from (buffer[a:b] for a, b in zip(bounds, bounds[1:], strict=False))
