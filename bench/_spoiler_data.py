"""Labelled sentences and the films they are about, for `python -m bench spoilers`.

A labelled file is tab-separated with the header `expect<TAB>text[<TAB>film]`: expect is
`spoiler` or `nospoiler`, film (optional) a catalog film as `Title (Year)`; rows without one
are about the curated film. Other columns after `text` are ignored. Films are read from the database given by `--db` or
DATABASE_PATH; with neither, a temporary database is made from the curated film and the
shipped MediaWiki fixture (bench/data/spoiler_films.xml, our own plot text).
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.films.curated import load_curated
from bot.films.model import FilmDetails, SpoilerLevel

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "spoiler_films.xml"
LABELS = ("spoiler", "nospoiler")


@dataclass(frozen=True)
class Row:
    expected: bool
    text: str
    film: str | None  # "Title (Year)"; None: the curated film


def read_labelled(path: Path) -> list[Row]:
    """The file's rows; ValueError naming the line of any bad row. Columns after `text` are
    read by name: `film` if there is one; others (a note, a split) are ignored."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = [h.strip().lower() for h in next(reader, None) or []]
        if header[:2] != ["expect", "text"]:
            raise ValueError(
                f"{path}: the first line must be the header expect<TAB>text[<TAB>film]"
            )
        film_column = header.index("film") if "film" in header else None
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2 or row[0].strip().lower() not in LABELS:
                raise ValueError(f"{path}:{number}: expected spoiler|nospoiler<TAB>text[<TAB>film]")
            film = None
            if film_column is not None and len(row) > film_column:
                film = row[film_column].strip() or None
            rows.append(Row(row[0].strip().lower() == "spoiler", row[1], film))
    return rows


def has_plot(details: FilmDetails) -> bool:
    """Whether the catalog knows anything past the premise."""
    return any(s.level != SpoilerLevel.PREMISE for s in details.summary)


def fixture_database() -> Path:
    """A temporary catalog: the curated film and the MediaWiki fixture imported."""
    from bot.films.importers.wikipedia import import_wikipedia

    path = Path(tempfile.mkdtemp(prefix="bench-spoilers-")) / "catalog.db"
    asyncio.run(_migrate(path))
    import_wikipedia(path, FIXTURE, stream=io.StringIO())  # its progress bar is not shown
    return path


async def _migrate(path: Path) -> None:
    from bot.films.catalog import ensure_curated
    from storage.db import connect
    from storage.migrate import migrate

    conn = await connect(path)
    try:
        await migrate(conn)
        await ensure_curated(conn)
    finally:
        await conn.close()


def load_films(db: Path, labels: set[str]) -> dict[str, FilmDetails]:
    """Each label's details from the catalog; SystemExit naming films it does not have."""
    return asyncio.run(_load(db, labels))


async def _load(db: Path, labels: set[str]) -> dict[str, FilmDetails]:
    from bot.films.catalog import FilmCatalog
    from bot.films.resolve import FilmNotFound
    from storage.db import connect

    conn = await connect(db)
    details, missing = {}, []
    try:
        films = FilmCatalog(conn)
        for label in sorted(labels):
            try:
                details[label] = await films.get_details((await films.find_local(label)).id)
            except FilmNotFound:
                missing.append(label)
    finally:
        await conn.close()
    if missing:
        raise SystemExit(
            f"not in the catalog at {db}: {', '.join(missing)} (import them first, e.g. "
            f"`python -m bot catalog import wikipedia {FIXTURE}`)"
        )
    return details


def curated_film() -> FilmDetails:
    return load_curated()[0]
