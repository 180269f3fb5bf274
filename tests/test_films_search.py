"""Search as you type, title resolution and safety against odd queries."""

from __future__ import annotations

import io

import pytest
from films_support import ggplot_frame, migrated, movielens_frame

from bot.errors import InvalidInput
from bot.films.errors import AmbiguousTitle, FilmNotFound
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.movielens import import_movielens
from storage.films import FilmRepository, ensure_curated

FILMS = [
    (1, "Lobster, The", 2015, "Comedy|Romance|Sci-Fi"),
    (2, "Sunshine", 2007, "Adventure|Drama|Sci-Fi"),
    (3, "Sunshine", 1999, "Drama"),
    (4, "Amélie (Fabuleux destin d'Amélie Poulain, Le)", 2001, "Comedy|Romance"),
    (5, "Island, The", 2005, "Action|Sci-Fi|Thriller"),
    (6, "Never Let Me Go", 2010, "Drama|Romance|Sci-Fi"),
]
RATINGS = [(u, m, 4.0) for u in range(1, 4) for m in range(1, 7)] + [(9, 2, 5.0)]


@pytest.fixture
async def repo(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    conn = await migrated(path)
    await ensure_curated(conn)
    import_movielens(path, movielens_frame(FILMS, RATINGS), stream=io.StringIO())
    frame = ggplot_frame(
        [{"title": "Sunshine, The", "year": 2000}, {"title": "Lobster Man from Mars", "year": 1989}]
    )
    import_ggplot2movies(path, frame, stream=io.StringIO())
    yield FilmRepository(conn)
    await conn.close()


async def labels(repo, query, limit=25):
    return [film.label for film in await repo.autocomplete(query, limit)]


async def test_prefix_as_you_type_and_leading_articles(repo):
    assert (await labels(repo, "lob"))[0] == "The Lobster (2015)"
    assert (await labels(repo, "The Lob"))[0] == "The Lobster (2015)"
    assert (await labels(repo, "Lobster, The"))[0] == "The Lobster (2015)"
    assert "Lobster Man from Mars (1989)" in await labels(repo, "lobster")
    assert (await labels(repo, "never let m")) == ["Never Let Me Go (2010)"]
    assert (await labels(repo, "let me")) == ["Never Let Me Go (2010)"]


async def test_case_and_accent_insensitive(repo):
    assert (await labels(repo, "AMELIE"))[0] == "Amélie (2001)"
    assert (await labels(repo, "améli"))[0] == "Amélie (2001)"
    assert (await labels(repo, "fabuleux"))[0] == "Amélie (2001)"


async def test_year_disambiguation(repo):
    assert await labels(repo, "Sunshine (2007)") == ["Sunshine (2007)"]
    assert await labels(repo, "sunshine 1999") == ["Sunshine (1999)"]
    film = await repo.resolve("Sunshine (2007)")
    assert (film.title, film.year) == ("Sunshine", 2007)


async def test_merged_sources_make_one_film(repo):
    # The curated entry, MovieLens' "Never Let Me Go" and the seeds' related "The Island"
    # are the same films: no duplicates.
    assert await labels(repo, "Never Let Me Go") == ["Never Let Me Go (2010)"]
    assert await labels(repo, "The Island (2005)") == ["The Island (2005)"]
    film = await repo.resolve("Never Let Me Go")
    assert film.external_ids == {"curated": "never-let-me-go-2010", "movielens": "6"}


async def test_ambiguous_title_lists_candidates(repo):
    with pytest.raises(AmbiguousTitle) as caught:
        await repo.resolve("Sunshine")
    assert {f.label for f in caught.value.candidates} == {
        "Sunshine (2007)",
        "Sunshine (1999)",
        "The Sunshine (2000)",
    }
    assert "add the year" in caught.value.message


async def test_unknown_title_suggests_closest(repo):
    with pytest.raises(FilmNotFound) as caught:
        await repo.resolve("Lobstr")
    assert caught.value.message.startswith(
        'No film called "Lobstr". Did you mean: The Lobster (2015)'
    )
    with pytest.raises(FilmNotFound, match="No film called"):
        await repo.resolve("qqqqzzzz")


async def test_resolve_by_autocomplete_value(repo):
    film = (await repo.autocomplete("lobster"))[0]
    assert (await repo.resolve(str(film.id))).title == "The Lobster"


ODD_QUERIES = [
        "", "   ", "x" * 500, "🎬🍿", "שלום עולם", "مرحبا", "**bold** __x__ `code`",
        "@everyone", "<@123456789>", "'; DROP TABLE films; --", 'a" OR "b', "NEAR(a b)",
        "title:lobster", "lob*", "^sun", "(((", "-", "\u202etxet", "\x00\x01",
]  # fmt: skip


async def test_odd_queries_are_answered_safely(repo):
    before = await repo.count()
    for query in ODD_QUERIES:
        films = await repo.autocomplete(query)
        assert len(films) <= 25
        try:
            await repo.resolve(query)
        except (FilmNotFound, AmbiguousTitle, InvalidInput) as exc:
            assert "@everyone" not in exc.message and "<@1" not in exc.message
            assert "\u202e" not in exc.message
            assert len(exc.message) < 1000
    assert await repo.count() == before  # nothing dropped or added
