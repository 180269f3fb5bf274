"""Search as you type, title resolution and safety against odd queries."""

from __future__ import annotations

import io

import pytest
from films_support import ggplot_frame, migrated, movielens_frame

from bot.errors import InvalidInput
from bot.films.catalog import ensure_curated
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.movielens import import_movielens
from bot.films.resolve import AmbiguousTitle, FilmNotFound, TitleSearch
from bot.films.titles import choice_value, picked_id
from storage.films import FilmRepository

FILMS = [
    (1, "Lobster, The", 2015, "Comedy|Romance|Sci-Fi"),
    (2, "Sunshine", 2007, "Adventure|Drama|Sci-Fi"),
    (3, "Sunshine", 1999, "Drama"),
    (4, "Amélie (Fabuleux destin d'Amélie Poulain, Le)", 2001, "Comedy|Romance"),
    (5, "Island, The", 2005, "Action|Sci-Fi|Thriller"),
    (6, "Never Let Me Go", 2010, "Drama|Romance|Sci-Fi"),
]
DATABASE = "catalog.sqlite3"
RATINGS = [(u, m, 4.0) for u in range(1, 4) for m in range(1, 7)] + [(9, 2, 5.0)]


@pytest.fixture
async def repo(tmp_path):
    path = tmp_path / DATABASE
    conn = await migrated(path)
    await ensure_curated(conn)
    import_movielens(path, movielens_frame(FILMS, RATINGS), stream=io.StringIO())
    frame = ggplot_frame(
        [
            {"title": "Sunshine, The", "year": 2000},
            {"title": "Lobster Man from Mars", "year": 1989},
            {"title": "Never Let Me Go", "year": 1953, "votes": 76},
        ]
    )
    import_ggplot2movies(path, frame, stream=io.StringIO())
    yield TitleSearch(FilmRepository(conn))
    await conn.close()


async def labels(repo, query, limit=25):
    return [film.label for film in await repo.autocomplete(query, limit)]


async def test_prefix_as_you_type_and_leading_articles(repo):
    assert (await labels(repo, "lob"))[0] == "The Lobster (2015)"
    assert (await labels(repo, "The Lob"))[0] == "The Lobster (2015)"
    assert (await labels(repo, "Lobster, The"))[0] == "The Lobster (2015)"
    assert "Lobster Man from Mars (1989)" in await labels(repo, "lobster")
    assert (await labels(repo, "never let m"))[0] == "Never Let Me Go (2010)"
    assert (await labels(repo, "let me"))[0] == "Never Let Me Go (2010)"


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
    assert await labels(repo, "Never Let Me Go (2010)") == ["Never Let Me Go (2010)"]
    assert await labels(repo, "The Island (2005)") == ["The Island (2005)"]
    film = await repo.resolve("Never Let Me Go (2010)")
    assert film.external_ids == {"curated": "never-let-me-go-2010", "movielens": "6"}


async def test_curated_film_wins_over_its_namesakes(repo):
    assert await labels(repo, "Never Let Me Go") == [
        "Never Let Me Go (2010)",
        "Never Let Me Go (1953)",
    ]
    film = await repo.resolve("never let me go")
    assert film.year == 2010
    assert [f.label for f in await repo.namesakes(film)] == ["Never Let Me Go (1953)"]
    assert (await repo.resolve("Never Let Me Go (1953)")).year == 1953


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


async def test_a_typed_number_is_a_title_before_an_id(repo, tmp_path):
    path = tmp_path / DATABASE
    frame = ggplot_frame(
        [
            {"title": "1917", "year": 2019},
            {"title": "300", "year": 2006},
            {"title": "300", "year": 1962},
        ]
    )
    import_ggplot2movies(path, frame, stream=io.StringIO())
    assert (await repo.resolve("1917")).label == "1917 (2019)"
    three = (await repo.resolve("300 (2006)")).id
    assert (await repo.resolve(str(three))).label == "300 (2006)"  # a picked choice: an id
    assert (await repo.resolve("2")).id == 2


async def test_a_picked_choice_is_the_film_even_when_its_id_is_a_title(repo, tmp_path):
    path = tmp_path / DATABASE
    import_ggplot2movies(path, ggplot_frame([{"title": "2", "year": 2001}]), stream=io.StringIO())
    titled_two = await repo.resolve("2")
    assert titled_two.title == "2" and titled_two.id != 2
    assert (await repo.resolve(choice_value(2))).id == 2  # "#2": film 2, not the film "2"
    assert (await repo.resolve(choice_value(titled_two.id))).title == "2"
    assert picked_id("#12a") is None and picked_id("12") is None and picked_id("#") is None


ODD_QUERIES = [
        "", "   ", "x" * 500, "🎬🍿", "שלום עולם", "مرحبا", "**bold** __x__ `code`",
        "@everyone", "<@123456789>", "'; DROP TABLE films; --", 'a" OR "b', "NEAR(a b)",
        "title:lobster", "lob*", "^sun", "(((", "-", "\u202etxet", "\x00\x01",
]  # fmt: skip


async def test_odd_queries_are_answered_safely(repo):
    before = await repo._films.count()
    for query in ODD_QUERIES:
        films = await repo.autocomplete(query)
        assert len(films) <= 25
        try:
            await repo.resolve(query)
        except (FilmNotFound, AmbiguousTitle, InvalidInput) as exc:
            assert "@everyone" not in exc.message and "<@1" not in exc.message
            assert "\u202e" not in exc.message
            assert len(exc.message) < 1000
    assert await repo._films.count() == before  # nothing dropped or added


async def test_exact_title_is_boosted_but_popularity_still_counts(repo, tmp_path):
    path = tmp_path / DATABASE
    frame = ggplot_frame([
        {"title": "Matrix, The", "year": 1999, "votes": 90000},
        {"title": "Mat", "year": 1926, "votes": 5},
        {"title": "Up", "year": 2009, "votes": 50000},
        {"title": "Upside Down Town", "year": 1990, "votes": 60000},
        *({"title": f"Filler {n}", "year": 2000, "votes": 100} for n in range(40)),
    ])  # fmt: skip
    import_ggplot2movies(path, frame, stream=io.StringIO())
    assert (await labels(repo, "mat"))[:2] == ["The Matrix (1999)", "Mat (1926)"]
    assert (await labels(repo, "up"))[0] == "Up (2009)"
