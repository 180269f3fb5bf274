"""Live plot lookups against a local fake MediaWiki API: etiquette, choice, back-off, failures."""

from __future__ import annotations

import pytest
from films_support import FakeTmdb, serve
from wikipedia_support import FakeMediaWiki, serve_mediawiki

from bot.films.catalog import FilmCatalog
from bot.films.model import Film, FilmDetails, SpoilerLevel
from bot.films.tmdb import TmdbClient
from bot.films.wikipedia.client import WikipediaClient
from storage.wikipedia import WikipediaLookupRepository

OTHER_MOON = """{{Infobox film
| name = Moon
| director = Hal Verne
| released = {{Film date|1970|3|1}}
}}
'''Moon''' is a 1970 short film about a painter who paints the Moon.

== Plot ==
A painter paints.

A painter stops.
"""


@pytest.fixture
def conn(db):
    return db  # conftest's real, migrated SQLite file


@pytest.fixture
async def wiki():
    servers = []

    async def start(fake: FakeMediaWiki, **options):
        runner, url = await serve_mediawiki(fake)
        waits: list[float] = []

        async def record_wait(seconds: float) -> None:
            waits.append(seconds)

        client = WikipediaClient(url, "ops@example.org", sleep=record_wait, **options)
        servers.append((runner, client))
        return client, waits

    yield start
    for runner, client in servers:
        await client.close()
        await runner.cleanup()


async def add(conn, title: str, year: int, **ids: str) -> Film:
    film = Film(0, title, year, external_ids=ids, source="movielens")
    catalog = FilmCatalog(conn)
    (film_id,) = await catalog.store_films([FilmDetails(film)])
    return (await catalog.get_details(film_id)).film


async def test_film_without_plot_is_fetched_stored_with_revision_and_not_asked_again(conn, wiki):
    fake = FakeMediaWiki(extra={"Moon (1970 film)": OTHER_MOON})
    client, waits = await wiki(fake)
    catalog = FilmCatalog(conn, wikipedia=client)
    film = await add(conn, "Moon", 2009, movielens="1")
    assert await catalog.needs_plot_lookup(film)
    assert await catalog.look_up_plot(film) is None
    details = await catalog.details(film)
    levels = [(s.heading, s.level) for s in details.summary]
    assert levels[0] == ("Premise", SpoilerLevel.PREMISE)
    assert levels[-1] == ("Plot: the ending", SpoilerLevel.ENDING)
    assert all(s.source == "Wikipedia: Moon (2009 film) (revision 5001)" for s in details.summary)
    assert "Duncan Jones" in [c.name for c in details.people("director")]  # not the 1970 film
    found = await WikipediaLookupRepository(conn).get(film.id)
    assert (found["status"], found["article"], found["revision_id"]) == (
        "found",
        "Moon (2009 film)",
        5001,
    )
    assert not await catalog.needs_plot_lookup(film)
    first = fake.requests[0]
    assert first.headers["User-Agent"].startswith("filmbot/0.1.0 (")
    assert "operator: ops@example.org" in first.headers["User-Agent"]
    assert "gzip" in first.headers["Accept-Encoding"]
    assert {r.query["maxlag"] for r in fake.requests} == {"5"}
    assert {r.query["formatversion"] for r in fake.requests} == {"2"}
    assert len(fake.requests) == 2 and waits == []


async def test_director_picks_the_article_when_the_year_is_unknown(conn, wiki):
    client, _ = await wiki(FakeMediaWiki(extra={"Moon (1970 film)": OTHER_MOON}))
    catalog = FilmCatalog(conn, wikipedia=client)
    film = await add(conn, "Moon", 1970)
    assert await catalog.look_up_plot(film) is None
    plot = [s.text for s in (await catalog.details(film)).summary]
    assert plot[-1] == "A painter stops."


async def test_429_and_maxlag_wait_for_retry_after(conn, wiki):
    client, waits = await wiki(FakeMediaWiki(throttle=1, lagged=1))
    catalog = FilmCatalog(conn, wikipedia=client)
    film = await add(conn, "Her", 2013)
    assert await catalog.look_up_plot(film) is None
    assert waits == [3.0, 5.0]
    assert (await catalog.details(film)).summary[-1].level == SpoilerLevel.ENDING


async def test_failures_are_explained_and_tried_again_later(conn, wiki):
    client, waits = await wiki(FakeMediaWiki(throttle=100), max_retries=2)
    catalog = FilmCatalog(conn, wikipedia=client)
    film = await add(conn, "Her", 2013)
    note = await catalog.look_up_plot(film)
    assert note == (
        "The plot could not be fetched from Wikipedia: Wikipedia is busy (it kept asking the "
        "bot to wait)."
    )
    assert waits == [3.0, 3.0]
    assert await catalog.needs_plot_lookup(film)  # not remembered: the next request tries again

    hanging, _ = await wiki(FakeMediaWiki(hang=True), timeout=0.2)
    note = await FilmCatalog(conn, wikipedia=hanging).look_up_plot(film)
    assert note == (
        "The plot could not be fetched from Wikipedia: Wikipedia did not answer within 0.2 seconds."
    )


async def test_no_article_is_remembered(conn, wiki):
    fake = FakeMediaWiki()
    client, _ = await wiki(fake)
    catalog = FilmCatalog(conn, wikipedia=client)
    film = await add(conn, "Zzyzx *Road*", 2006)
    assert await catalog.look_up_plot(film) == (
        "Wikipedia has no film article matching Zzyzx \\*Road\\* (2006), so there is no plot yet."
    )
    assert not await catalog.needs_plot_lookup(film)
    assert len(fake.requests) == 1


async def test_tmdb_adds_overview_and_characters(conn, wiki):
    client, _ = await wiki(FakeMediaWiki())
    runner, base = await serve(FakeTmdb())
    tmdb = TmdbClient(conn, "k3y", base)
    try:
        catalog = FilmCatalog(conn, tmdb=tmdb, wikipedia=client)
        film = await add(conn, "Ex Machina", 2014)
        note = await catalog.look_up_plot(film)
        assert (
            note
            == "Wikipedia has no film article matching Ex Machina (2014), so there is no plot yet."
        )
        details = await catalog.details(film)
        assert details.film.synopsis and "tmdb" in details.film.external_ids
        assert any(c.character for c in details.people("cast"))
    finally:
        await tmdb.close()
        await runner.cleanup()
