"""The hand-written Wikipedia fixture (tests/fixtures/wikipedia/films.xml) in dump layouts."""

from __future__ import annotations

from pathlib import Path

from bench._wikidump import split_export, write_bz2, write_multistream

FIXTURE = Path(__file__).parent / "fixtures" / "wikipedia" / "films.xml"
FILM_ARTICLES = ("Moon (2009 film)", "Shutter Island (film)", "Her (film)")


def fixture_pages():
    """(header, pages, footer) of the fixture export."""
    return split_export(FIXTURE.read_text(encoding="utf-8"))


def fixture_bz2(folder: Path, name: str = "enwiki-20261101-pages-articles.xml.bz2") -> Path:
    """The fixture as one bz2 stream, like pages-articles.xml.bz2."""
    folder.mkdir(parents=True, exist_ok=True)
    header, pages, footer = fixture_pages()
    path = folder / name
    write_bz2(path, header, pages, footer)
    return path


def fixture_multistream(
    folder: Path, *, per_stream: int = 2, index: bool = True,
    name: str = "enwiki-20261101-pages-articles-multistream.xml.bz2",
) -> Path:  # fmt: skip
    """The fixture as concatenated bz2 streams (with the index file unless `index` is False)."""
    folder.mkdir(parents=True, exist_ok=True)
    header, pages, footer = fixture_pages()
    path = folder / name
    written = write_multistream(path, header, pages, per_stream=per_stream, footer=footer)
    if not index:
        written.unlink()
    return path
