"""The catalog in SQLite: curated load (idempotent, non-destructive), details round trip."""

from __future__ import annotations

import dataclasses

import pytest
from films_support import migrated

from bot.errors import InvalidInput, NotFound
from bot.films.catalog import FilmCatalog, ensure_curated
from bot.films.curated import load_curated
from bot.films.model import SpoilerLevel
from storage.db import connect
from storage.migrate import migrate


@pytest.fixture
async def conn(tmp_path):
    conn = await migrated(tmp_path / "catalog.sqlite3")
    yield conn
    await conn.close()


async def count(conn, table, where="1"):
    async with conn.execute(f"SELECT count(*) FROM {table} WHERE {where}") as cur:
        return (await cur.fetchone())[0]


async def test_curated_film_round_trips_through_the_database(conn):
    assert await ensure_curated(conn) is True
    (curated,) = load_curated()
    repo = FilmCatalog(conn)
    stored = await repo.get_details((await repo.find_local("Never Let Me Go")).id)
    assert stored.film.title == curated.film.title and stored.film.year == 2010
    assert stored.summary == curated.summary
    assert stored.quotes == curated.quotes
    assert set(stored.facts) == set(curated.facts)
    assert {(c.name, c.role, c.character) for c in stored.credits} == {
        (c.name, c.role, c.character) for c in curated.credits
    }
    assert stored.characters == curated.characters
    assert stored.character_names == curated.character_names
    assert [link.film.label for link in stored.related_links] == [
        link.film.label for link in curated.related_links
    ]
    assert stored.related_links[21].year_source == "movielens"
    assert stored.field_sources["countries"] == "seed:002_83ede2a8ecd8d10e.txt"
    assert [s.level for s in stored.spoiler_free_summary()] == [SpoilerLevel.PREMISE] * 2


async def test_ensure_curated_twice_changes_nothing(conn):
    assert await ensure_curated(conn) is True
    before = [await count(conn, t) for t in ("films", "people", "credits", "film_facts")]
    assert await ensure_curated(conn) is False
    await FilmCatalog(conn).store_films(load_curated())  # forced reload: same rows
    after = [await count(conn, t) for t in ("films", "people", "credits", "film_facts")]
    assert after == before
    assert await count(conn, "film_facts", "retired_at IS NOT NULL") == 0


async def test_corrected_curated_data_retires_old_facts_without_deleting(conn):
    await ensure_curated(conn)
    (curated,) = load_curated()
    dropped = curated.facts[0]
    corrected = dataclasses.replace(curated, facts=curated.facts[1:])
    repo = FilmCatalog(conn)
    (film_id,) = await repo.store_films([corrected])
    details = await repo.get_details(film_id)
    assert dropped not in details.facts and len(details.facts) == len(curated.facts) - 1
    retired = await count(
        conn, "film_facts", f"retired_at IS NOT NULL AND value = '{dropped.value}'"
    )
    assert retired == 1  # kept, marked retired
    await repo.store_films([curated])  # restored: the same row comes back
    assert dropped in (await repo.get_details(film_id)).facts
    assert await count(conn, "film_facts", "retired_at IS NOT NULL") == 0


async def test_unknown_id_and_in_memory_database_are_explained(conn):
    repo = FilmCatalog(conn)
    with pytest.raises(NotFound, match="no film with id 999"):
        await repo.get_details(999)
    memory = await connect(":memory:")
    try:
        await migrate(memory)
        with pytest.raises(InvalidInput, match="needs a database file"):
            await ensure_curated(memory)
    finally:
        await memory.close()
