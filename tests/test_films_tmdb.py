"""TMDB lookups against a local fake TMDB server: found, cached, 429 back-off, no key."""

from __future__ import annotations

import pytest
from aiohttp import web
from films_support import migrated

from bot.films.catalog import FilmCatalog, open_catalog
from bot.films.errors import FilmNotFound
from bot.films.tmdb import TmdbClient
from bot.settings import Settings

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
    """Answers like TMDB's v3 API; the first `throttle` requests get a 429."""

    def __init__(self, throttle: int = 0) -> None:
        self.throttle = throttle
        self.requests: list[web.Request] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/3/search/movie", self.search)
        app.router.add_get("/3/movie/{id}", self.movie)
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
        hits = (
            [{"id": 264660, "title": "Ex Machina"}] if "machina" in request.query["query"] else []
        )
        return web.json_response({"page": 1, "results": hits})

    async def movie(self, request):
        if (refused := self._limited(request)) is not None:
            return refused
        assert request.query["append_to_response"] == "credits"
        return web.json_response(MOVIE)


async def serve(fake: FakeTmdb):
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/3"


@pytest.fixture
async def conn(tmp_path):
    conn = await migrated(tmp_path / "catalog.sqlite3")
    yield conn
    await conn.close()


async def make_catalog(conn, fake, waits):
    runner, base = await serve(fake)

    async def record_wait(seconds: float) -> None:
        waits.append(seconds)

    client = TmdbClient(conn, "k3y", base, sleep=record_wait)
    return runner, FilmCatalog(conn, tmdb=client)


async def test_unknown_film_is_looked_up_stored_and_cached(conn):
    # The curated data names Ex Machina (2015) only as a related film; this catalog has none.
    fake, waits = FakeTmdb(), []
    runner, catalog = await make_catalog(conn, fake, waits)
    try:
        card = (await catalog.info("ex machina")).as_dict()
        assert card["title"] == "Ex Machina (2014)"
        fields = {f["name"]: f["value"] for f in card["fields"]}
        assert fields["Director"] == "Alex Garland"
        assert fields["Rating"] == "7.6/10 (TMDB)"
        assert card["footer"]["text"] == "Sources: TMDB"
        assert len(fake.requests) == 2
        # Now in the catalog: found locally, by autocomplete too, without calling out again.
        assert (await catalog.autocomplete("ex mach"))[0].name == "Ex Machina (2014)"
        film = await catalog.find("Ex Machina")
        assert film.external_ids == {"tmdb": "264660", "imdb": "tt0470752"}
        with pytest.raises(FilmNotFound):
            await catalog.find("nothing like this")
        with pytest.raises(FilmNotFound):
            await catalog.find("nothing like this")
        assert len(fake.requests) == 3  # the empty search answer was cached
        assert waits == []
    finally:
        await catalog.close()
        await runner.cleanup()


async def test_429_waits_for_retry_after_then_succeeds(conn):
    fake, waits = FakeTmdb(throttle=2), []
    runner, catalog = await make_catalog(conn, fake, waits)
    try:
        assert (await catalog.find("Ex Machina (2014)")).title == "Ex Machina"
        assert waits == [2.0, 2.0]
        assert fake.requests[0].query["year"] == "2014"
    finally:
        await catalog.close()
        await runner.cleanup()


async def test_endless_429_gives_up_with_not_found(conn):
    fake, waits = FakeTmdb(throttle=100), []
    runner, catalog = await make_catalog(conn, fake, waits)
    try:
        with pytest.raises(FilmNotFound, match="No film called"):
            await catalog.find("ex machina")
        assert waits == [2.0, 2.0, 2.0]
        assert len(fake.requests) == 4
    finally:
        await catalog.close()
        await runner.cleanup()


async def test_without_a_key_nothing_calls_out(conn):
    catalog = await open_catalog(conn, Settings(_env_file=None, tmdb_api_key=""))
    assert catalog.tmdb is None
    with pytest.raises(FilmNotFound):
        await catalog.find("Arrival")
