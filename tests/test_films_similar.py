"""`similar`: MovieLens ratings first, then curated related films, then genre and era."""

from __future__ import annotations

import io

import pytest
from films_support import TINY_MOVIELENS as FILMS
from films_support import ggplot_frame, migrated, movielens_frame, tiny_ratings

from bot.films.catalog import ensure_curated
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.movielens import import_movielens
from bot.films.resolve import TitleSearch
from bot.films.similar import (
    METHOD_CURATED,
    METHOD_GENRE_ERA,
    METHOD_NONE,
    METHOD_RATINGS,
    similar_films,
)
from storage.film_similarity import SimilarityRepository
from storage.films import FilmRepository


@pytest.fixture
async def catalog(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    conn = await migrated(path)
    await ensure_curated(conn)
    import_movielens(path, movielens_frame(FILMS, tiny_ratings()), stream=io.StringIO())
    yield path, FilmRepository(conn), SimilarityRepository(conn)
    await conn.close()


async def test_ratings_when_enough_users_rated_both(catalog):
    _, repo, similarity = catalog
    moon = await TitleSearch(repo).resolve("Moon")
    result = await similar_films(repo, similarity, moon)
    assert result.method == METHOD_RATINGS
    assert "MovieLens ratings" in result.description and "at least 5" in result.description
    assert [s.film.label for s in result.films] == ["Sunshine (2007)"]  # not the musical
    assert result.films[0].reason.startswith("6 users rated both")


async def test_curated_related_when_too_few_ratings(catalog):
    _, repo, similarity = catalog
    film = await TitleSearch(repo).resolve("Never Let Me Go")
    result = await similar_films(repo, similarity, film, limit=3)
    assert result.method == METHOD_CURATED
    assert [s.film.label for s in result.films] == [
        "The Fountain (2006)",
        "Upside Down (2012)",
        "Anna Karenina (2012)",
    ]
    strict = await similar_films(
        repo, similarity, await TitleSearch(repo).resolve("Moon"), min_overlap=7
    )
    assert strict.method == METHOD_GENRE_ERA  # Moon has no curated links of its own


async def test_genre_and_era_then_nothing(catalog):
    path, repo, similarity = catalog
    frame = ggplot_frame([
        {"title": "Old Comedy", "year": 1950, "genres": ("Comedy",)},
        {"title": "Other Comedy", "year": 1952, "genres": ("Comedy",)},
        {"title": "Late Comedy", "year": 1990, "genres": ("Comedy",)},
        {"title": "Lonely Documentary", "year": 1950, "genres": ("Documentary",)},
    ])  # fmt: skip
    import_ggplot2movies(path, frame, stream=io.StringIO())
    result = await similar_films(repo, similarity, await TitleSearch(repo).resolve("Old Comedy"))
    assert result.method == METHOD_GENRE_ERA
    assert [s.film.label for s in result.films] == ["Other Comedy (1952)"]
    assert "within 5 years of 1950" in result.description
    alone = await similar_films(
        repo, similarity, await TitleSearch(repo).resolve("Lonely Documentary")
    )
    assert (alone.method, alone.films) == (METHOD_NONE, ())
