"""TMDB lookups against a local fake TMDB server: found, cached, 429 back-off, no key."""

from __future__ import annotations

import pytest
from films_support import FakeTmdb, migrated, serve

from bot.films.catalog import FilmCatalog, open_catalog
from bot.films.resolve import FilmNotFound
from bot.films.tmdb import TmdbClient
from bot.settings import Settings


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
    assert not catalog.online
    with pytest.raises(FilmNotFound):
        await catalog.find("Arrival")
