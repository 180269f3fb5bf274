"""IMDb's non-commercial datasets (https://datasets.imdbws.com/), streamed in constant memory.

Reads, from one folder: title.basics.tsv.gz (required), then title.ratings.tsv.gz,
title.principals.tsv.gz and name.basics.tsv.gz when present. Lines are read one at a time;
principals are staged in a temporary table so names are only kept for people credited on
films in the catalog. A truncated or malformed file stops the import with its line number and
rolls back everything (one transaction).
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.errors import InvalidInput
from bot.films.importers.common import ImportFileError, ImportReport, write_import
from bot.films.merge import CatalogMerger
from bot.films.model import Credit, Film
from bot.progress import Progress

log = logging.getLogger(__name__)

SOURCE = "imdb"
NULL = "\\N"
FILM_TYPES = frozenset({"movie", "tvMovie"})
ROLES = {
    "director": "director",
    "writer": "writer",
    "actor": "cast",
    "actress": "cast",
    "self": "cast",
    "composer": "composer",
    "cinematographer": "cinematographer",
    "producer": "producer",
}
HEADERS = {
    "title.basics": [
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ],
    "title.ratings": ["tconst", "averageRating", "numVotes"],
    "title.principals": ["tconst", "ordering", "nconst", "category", "job", "characters"],
    "name.basics": [
        "nconst",
        "primaryName",
        "birthYear",
        "deathYear",
        "primaryProfession",
        "knownForTitles",
    ],
}


def import_imdb(
    folder: Path | str, db_path: Path | str, *, stream: TextIO | None = None
) -> ImportReport:
    """Import IMDb's TSV files from `folder` into the catalog at `db_path`."""
    files = _find_files(Path(folder))

    def body(writer: CatalogMerger, report: ImportReport) -> None:
        report.counts["films read"] = _import_basics(writer, files["title.basics"], stream)
        if "title.ratings" in files:
            report.counts["ratings"] = _import_ratings(writer, files["title.ratings"], stream)
        if "title.principals" in files and "name.basics" in files:
            report.counts["credits"] = _import_credits(writer, files, stream)
        elif "title.principals" in files or "name.basics" in files:
            log.warning("credits need both title.principals and name.basics; skipped")

    return write_import(db_path, SOURCE, body)


def _find_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise InvalidInput(
            f"{folder} is not a folder; give the folder holding IMDb's .tsv.gz files"
        )
    files = {}
    for name in HEADERS:
        for candidate in (folder / f"{name}.tsv.gz", folder / f"{name}.tsv"):
            if candidate.is_file():
                files[name] = candidate
                break
    if "title.basics" not in files:
        raise InvalidInput(
            f"{folder} has no title.basics.tsv.gz (download it from IMDb's datasets page)"
        )
    return files


def read_tsv(
    path: Path, name: str, stream: TextIO | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each data line of an IMDb TSV file, checking its header and
    column count; a cut-off or corrupt file raises ImportFileError naming the line."""
    expected = HEADERS[name]
    line_number = 0
    with path.open("rb") as raw, _progress(path, raw, stream) as progress:
        text = _open_text(path, raw)
        try:
            for line_number, line in enumerate(text, start=1):
                if line_number % 4096 == 0:
                    progress.advance(raw.tell() - progress.done)
                fields = line.rstrip("\n").rstrip("\r").split("\t")
                if line_number == 1:
                    if fields != expected:
                        raise ImportFileError(
                            path.name, 1, f"expected the header {' '.join(expected)}"
                        )
                    continue
                if len(fields) != len(expected):
                    reason = f"expected {len(expected)} tab-separated columns, found {len(fields)}"
                    raise ImportFileError(path.name, line_number, reason)
                yield line_number, fields
        except (EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as exc:
            raise ImportFileError(
                path.name, line_number + 1, f"the file is truncated or corrupt ({exc})"
            ) from None
        progress.advance(raw.tell() - progress.done)
    if line_number == 0:
        raise ImportFileError(path.name, 1, "the file is empty")


def _open_text(path: Path, raw: BinaryIO) -> io.TextIOWrapper:
    binary = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
    return io.TextIOWrapper(binary, encoding="utf-8", newline="\n")


def _progress(path: Path, raw: BinaryIO, stream: TextIO | None) -> Progress:
    size = path.stat().st_size
    return Progress(f"IMDb {path.name}", total=size or None, stream=stream, unit="bytes")


def _int(value: str, path: Path, line: int, column: str) -> int | None:
    if value == NULL or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ImportFileError(
            path.name, line, f"{column} is not a number: {value[:20]!r}"
        ) from None


def _import_basics(writer: CatalogMerger, path: Path, stream: TextIO | None) -> int:
    films = 0
    for line, (tconst, kind, primary, original, adult, start, _end, runtime, genres) in read_tsv(
        path, "title.basics", stream
    ):
        if kind not in FILM_TYPES or adult == "1":
            continue
        film = Film(
            id=0,
            title=primary,
            original_title=original if original not in (NULL, primary) else None,
            year=_int(start, path, line, "startYear"),
            runtime_minutes=_int(runtime, path, line, "runtimeMinutes"),
            genres=tuple(g for g in genres.split(",") if g and g != NULL),
            external_ids={SOURCE: tconst},
            source=SOURCE,
        )
        writer.upsert_film(film)
        films += 1
    return films


def _import_ratings(writer: CatalogMerger, path: Path, stream: TextIO | None) -> int:
    count = 0
    for line, (tconst, average, votes) in read_tsv(path, "title.ratings", stream):
        film_id = writer.film_by_external_id(SOURCE, tconst)
        if film_id is None:
            continue
        try:
            rating = float(average)
        except ValueError:
            raise ImportFileError(
                path.name, line, f"averageRating is not a number: {average[:20]!r}"
            ) from None
        writer.set_rating(film_id, rating, _int(votes, path, line, "numVotes") or 0, SOURCE)
        count += 1
    return count


def _import_credits(writer: CatalogMerger, files: dict[str, Path], stream: TextIO | None) -> int:
    with writer.principals_stage():
        _stage_principals(writer, files["title.principals"], stream)
        writer.index_principals()
        _attach_people(writer, files["name.basics"], stream)
        return _store_credits(writer)


def _stage_principals(writer: CatalogMerger, path: Path, stream: TextIO | None) -> None:
    for line, (tconst, ordering, nconst, category, _job, characters) in read_tsv(
        path, "title.principals", stream
    ):
        role = ROLES.get(category)
        film_id = writer.film_by_external_id(SOURCE, tconst) if role else None
        if film_id is None or role is None:
            continue
        order = _int(ordering, path, line, "ordering")
        writer.stage_principal(film_id, nconst, role, order, _characters(characters))


def _characters(value: str) -> str | None:
    if value == NULL:
        return None
    try:
        names = json.loads(value)
    except json.JSONDecodeError:
        return value.strip('[]"') or None
    return " / ".join(str(n) for n in names) if isinstance(names, list) and names else None


def _attach_people(writer: CatalogMerger, path: Path, stream: TextIO | None) -> None:
    for line, (nconst, name, birth, death, _professions, _known) in read_tsv(
        path, "name.basics", stream
    ):
        if not writer.is_principal(nconst):
            continue
        person_id = writer.upsert_person(
            name,
            source=SOURCE,
            imdb_id=nconst,
            birth_year=_int(birth, path, line, "birthYear"),
            death_year=_int(death, path, line, "deathYear"),
        )
        writer.attach_principal(nconst, person_id)


def _store_credits(writer: CatalogMerger) -> int:
    count = 0
    for row in writer.staged_credits():
        count += 1
        credit = Credit(
            name="",
            role=row["role"],
            character=row["characters"],
            order=row["ordering"] or 0,
            source=SOURCE,
        )
        writer.add_credit(row["film_id"], row["person_id"], credit)
    return count
