"""Writing MediaWiki XML exports the way Wikimedia publishes them, for the benchmark and tests:
one bz2 stream (pages-articles.xml.bz2), or the multistream layout (a stream for the header,
streams of 100 pages, a stream for the closing tag, and the offset:page_id:title index).
"""

from __future__ import annotations

import bz2
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HEADER = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>enwiki</dbname>
    <base>https://en.wikipedia.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.43.0-wmf.1</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
    </namespaces>
  </siteinfo>
"""
FOOTER = "</mediawiki>\n"
PAGE_START = re.compile(r"^  <page>", re.MULTILINE)
TITLE = re.compile(r"<title>(.*?)</title>")
PAGE_ID = re.compile(r"<ns>\d+</ns>\s*<id>(\d+)</id>")


@dataclass(frozen=True)
class PageXml:
    page_id: int
    title: str
    xml: str


def page_xml(
    title: str,
    text: str,
    *,
    page_id: int,
    revision_id: int,
    ns: int = 0,
    redirect: str | None = None,
) -> PageXml:
    """One <page> element with a single revision, escaped as a dump escapes it."""
    redirect_xml = f"    <redirect title={quoteattr(redirect)} />\n" if redirect else ""
    xml = (
        f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n"
        f"    <id>{page_id}</id>\n{redirect_xml}    <revision>\n      <id>{revision_id}</id>\n"
        "      <timestamp>2026-11-01T00:00:00Z</timestamp>\n"
        "      <contributor><username>Bench</username><id>1</id></contributor>\n"
        "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text)}</text>\n'
        "      <sha1>0</sha1>\n    </revision>\n  </page>\n"
    )
    return PageXml(page_id, title, xml)


def split_export(xml: str) -> tuple[str, list[PageXml], str]:
    """A hand-written export cut into its header, its pages and its closing tag."""
    starts = [m.start() for m in PAGE_START.finditer(xml)]
    end = xml.rindex("</mediawiki>")
    bounds = [*starts, end]
    pages = []
    for start, stop in zip(bounds, bounds[1:], strict=False):
        chunk = xml[start:stop]
        page_id, title = PAGE_ID.search(chunk), TITLE.search(chunk)
        assert page_id is not None and title is not None, "every <page> has an id and a title"
        pages.append(PageXml(int(page_id.group(1)), title.group(1), chunk))
    return xml[: starts[0]], pages, xml[end:]


def write_bz2(path: Path, header: str, pages: Iterable[PageXml], footer: str = FOOTER) -> None:
    """pages-articles.xml.bz2: the whole export as one bz2 stream, written as it goes."""
    with bz2.open(path, "wt", encoding="utf-8") as out:
        out.write(header)
        for page in pages:
            out.write(page.xml)
        out.write(footer)


def write_multistream(
    path: Path,
    header: str,
    pages: Sequence[PageXml],
    *,
    per_stream: int = 100,
    footer: str = FOOTER,
) -> Path:
    """pages-articles-multistream.xml.bz2 and its index; returns the index's path."""
    index_lines = []
    with path.open("wb") as out:
        out.write(bz2.compress(header.encode()))
        for i in range(0, len(pages), per_stream):
            group = pages[i : i + per_stream]
            offset = out.tell()
            out.write(bz2.compress("".join(p.xml for p in group).encode()))
            index_lines += [f"{offset}:{p.page_id}:{p.title}\n" for p in group]
        out.write(bz2.compress(footer.encode()))
    index = path.with_name(path.name.removesuffix(".xml.bz2") + "-index.txt.bz2")
    index.write_bytes(bz2.compress("".join(index_lines).encode()))
    return index
