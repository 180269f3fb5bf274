"""Importers: small files in IMDb's format, MovieLens and ggplot2movies frames."""

from __future__ import annotations

import gzip
import io

import pytest
from films_support import ggplot_frame, migrated, movielens_frame, write_imdb

from bot.errors import InvalidInput
from bot.films.catalog import FilmCatalog, ensure_curated
from bot.films.importers import ImportFileError
from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.imdb import import_imdb
from bot.films.importers.movielens import import_movielens

N = "\\N"
BASICS = [
    ["tt1334260", "movie", "Never Let Me Go", "Never Let Me Go", "0", "2010", N, "103", "Drama,Romance,Sci-Fi"],
    ["tt0448134", "movie", "Sunshine", "Sunshine", "0", "2007", N, "107", "Adventure,Sci-Fi,Thriller"],
    ["tt0211915", "movie", "Amélie", "Le fabuleux destin d'Amélie Poulain", "0", "2001", N, "122", "Comedy,Romance"],
    ["tt0000001", "short", "Carmencita", "Carmencita", "0", "1894", N, "1", "Documentary,Short"],
    ["tt9999999", "tvSeries", "Tales from the Loop", "Tales from the Loop", "0", "2020", "2020", N, "Drama"],
]  # fmt: skip
RATINGS = [
    ["tt1334260", "7.1", "290000"],
    ["tt0448134", "7.2", "270000"],
    ["tt0000001", "5.7", "2000"],
]
PRINCIPALS = [
    ["tt1334260", "1", "nm1659547", "actress", N, '["Kathy H."]'],
    ["tt1334260", "2", "nm1940449", "actor", N, '["Tommy D."]'],
    ["tt1334260", "3", "nm0461136", "actress", N, '["Ruth C."]'],
    ["tt1334260", "4", "nm0737100", "director", N, N],
    ["tt0448134", "1", "nm0000590", "director", N, N],
    ["tt0000001", "1", "nm0000001", "self", N, '["Herself"]'],
]
NAMES = [
    ["nm1659547", "Carey Mulligan", "1985", N, "actress", "tt1334260"],
    ["nm1940449", "Andrew Garfield", "1983", N, "actor", "tt1334260"],
    ["nm0461136", "Keira Knightley", "1985", N, "actress", "tt1334260"],
    ["nm0737100", "Mark Romanek", "1959", N, "director", "tt1334260"],
    ["nm0000590", "Danny Boyle", "1956", N, "director", "tt0448134"],
    ["nm0000001", "Someone Unrelated", N, N, "actor", N],
]


def write_all(folder):
    write_imdb(folder, "title.basics", BASICS)
    write_imdb(folder, "title.ratings", RATINGS)
    write_imdb(folder, "title.principals", PRINCIPALS)
    write_imdb(folder, "name.basics", NAMES)


@pytest.fixture
async def catalog(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    conn = await migrated(path)
    await ensure_curated(conn)
    yield path, conn, FilmCatalog(conn)
    await conn.close()


async def table_counts(conn):
    counts = {}
    for table in (
        "films",
        "people",
        "credits",
        "film_external_ids",
        "film_genres",
        "film_ratings",
        "film_facts",
    ):
        async with conn.execute(f"SELECT count(*) FROM {table}") as cur:
            counts[table] = (await cur.fetchone())[0]
    return counts


async def test_imdb_import_merges_with_curated_film_and_people(catalog, tmp_path):
    path, conn, repo = catalog
    write_all(tmp_path / "imdb")
    progress = io.StringIO()
    report = import_imdb(tmp_path / "imdb", path, stream=progress)
    assert "IMDb title.basics.tsv.gz" in progress.getvalue()
    assert report.counts == {"films read": 3, "ratings": 2, "credits": 5}
    # Never Let Me Go and Sunshine (2007) were already there (curated film, related film)
    assert (report.films_added, report.films_merged) == (1, 2)
    film = await repo.find_local("Never Let Me Go (2010)")
    details = await repo.get_details(film.id)
    assert details.film.external_ids["imdb"] == "tt1334260"
    assert details.film.runtime_minutes == 103
    assert details.film.rating == 7.2  # the curated rating outranks the import's
    cast = {c.name: c for c in details.people("cast")}
    assert cast["Carey Mulligan"].character == "Kathy H."
    assert cast["Carey Mulligan"].source.startswith("seed:")  # one credit, the curated one
    assert len([c for c in details.credits if c.name == "Mark Romanek"]) == 1
    sunshine = await repo.get_details((await repo.find_local("Sunshine")).id)
    assert sunshine.film.rating == 7.2 and sunshine.film.rating_source == "imdb"
    assert [c.name for c in sunshine.people("director")] == ["Danny Boyle"]
    amelie = await repo.find_local("le fabuleux destin")
    assert amelie.title == "Amélie"
    assert await repo.autocomplete("carmencita") == []  # shorts and series are not films
    async with conn.execute("SELECT count(*) FROM people WHERE name = 'Someone Unrelated'") as cur:
        assert (await cur.fetchone())[0] == 0  # only people credited on catalog films


async def test_imdb_import_twice_creates_no_duplicates(catalog, tmp_path):
    path, conn, _ = catalog
    write_all(tmp_path / "imdb")
    import_imdb(tmp_path / "imdb", path, stream=io.StringIO())
    first = await table_counts(conn)
    report = import_imdb(tmp_path / "imdb", path, stream=io.StringIO())
    assert report.films_added == 0
    assert await table_counts(conn) == first


async def test_truncated_gzip_reports_line_and_changes_nothing(catalog, tmp_path):
    path, conn, _ = catalog
    folder = tmp_path / "imdb"
    rows = [
        [f"tt{i:07d}", "movie", f"Film {i}", f"Film {i}", "0", "1999", N, "90", "Drama"]
        for i in range(3000)
    ]
    basics = write_imdb(folder, "title.basics", rows)
    data = basics.read_bytes()
    basics.write_bytes(data[: len(data) // 2])
    before = await table_counts(conn)
    with pytest.raises(ImportFileError) as caught:
        import_imdb(folder, path, stream=io.StringIO())
    assert caught.value.file == "title.basics.tsv.gz"
    assert 2 < caught.value.line < 3002
    assert "truncated" in caught.value.message and "unchanged" in caught.value.message
    assert await table_counts(conn) == before


async def test_malformed_line_names_it_and_rolls_back_earlier_files(catalog, tmp_path):
    path, conn, _ = catalog
    folder = tmp_path / "imdb"
    write_imdb(folder, "title.basics", BASICS)
    write_imdb(folder, "title.ratings", [RATINGS[0], ["tt0448134", "seven", "12"]])
    before = await table_counts(conn)
    with pytest.raises(
        ImportFileError, match=r"title.ratings.tsv.gz, line 3: averageRating is not a number"
    ):
        import_imdb(folder, path, stream=io.StringIO())
    assert await table_counts(conn) == before  # title.basics' films were rolled back too
    write_imdb(folder, "title.ratings", [["tt1334260", "7.1"]])
    with pytest.raises(ImportFileError, match="line 2: expected 3 tab-separated columns, found 2"):
        import_imdb(folder, path, stream=io.StringIO())
    write_imdb(folder, "title.ratings", [], header="not a header")
    with pytest.raises(ImportFileError, match="line 1: expected the header"):
        import_imdb(folder, path, stream=io.StringIO())


async def test_imdb_folder_problems_are_explained(catalog, tmp_path):
    path, _, _ = catalog
    with pytest.raises(InvalidInput, match="is not a folder"):
        import_imdb(tmp_path / "missing", path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="no title.basics.tsv.gz"):
        import_imdb(tmp_path / "empty", path)
    with gzip.open(tmp_path / "empty" / "title.basics.tsv.gz", "wb"):
        pass
    with pytest.raises(ImportFileError, match="line 1: the file is empty"):
        import_imdb(tmp_path / "empty", path)


async def test_movielens_ratings_and_rerun(catalog):
    path, conn, repo = catalog
    films = [(1, "Lobster, The", 2015, "Comedy|Sci-Fi"), (2, "Moon", 2009, "Drama|Sci-Fi")]
    frame = movielens_frame(films, [(1, 1, 4.0), (1, 2, 2.0), (2, 1, 5.0)])
    report = import_movielens(path, frame, stream=io.StringIO())
    # Both films were already in the catalog as the seeds' related films.
    assert (report.films_added, report.films_merged, report.counts["ratings"]) == (0, 2, 3)
    again = import_movielens(path, frame, stream=io.StringIO())
    assert again.films_added == 0
    async with conn.execute(
        "SELECT user_id, rating, centered FROM film_ratings ORDER BY user_id, rating"
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [
            (1, 2.0, -1.0),
            (1, 4.0, 1.0),
            (2, 5.0, 0.0),
        ]
    moon = await repo.get_details((await repo.find_local("Moon")).id)
    assert moon.film.genres == ("Drama", "Sci-Fi")
    assert moon.film.external_ids["movielens"] == "2"


async def test_ggplot2movies_budget_and_merge(catalog):
    path, conn, repo = catalog
    frame = ggplot_frame([
        {"title": "Match Point", "year": 2005, "budget": 15000000.0, "votes": 5000, "rating": 7.6, "genres": ("Drama",)},
        {"title": "Host, The", "year": 2006, "votes": 300},
    ])  # fmt: skip
    report = import_ggplot2movies(path, frame, stream=io.StringIO())
    assert (report.films_added, report.films_merged, report.counts["budgets"]) == (0, 2, 1)
    match_point = await repo.get_details((await repo.find_local("match point")).id)
    assert [f.value for f in match_point.facts_of("budget")] == ["$15,000,000"]
    assert match_point.film.rating == 7.6 and match_point.film.runtime_minutes == 90
    import_ggplot2movies(path, frame, stream=io.StringIO())
    assert len((await repo.get_details(match_point.film.id)).facts_of("budget")) == 1
    bad = ggplot_frame([{"title": "Fine", "year": 2000}, {"title": "", "year": 2001}])
    before = await table_counts(conn)
    with pytest.raises(ImportFileError, match="line 2: a film without a title or year"):
        import_ggplot2movies(path, bad, stream=io.StringIO())
    assert await table_counts(conn) == before


async def test_rating_comes_from_the_most_authoritative_source(catalog, tmp_path):
    path, _, repo = catalog
    quiet = io.StringIO()
    movielens = movielens_frame([(7, "Moon", 2009, "Drama|Sci-Fi")], [(1, 7, 4.0), (2, 7, 5.0)])
    ggplot = ggplot_frame([{"title": "Moon", "year": 2009, "rating": 7.9, "votes": 900}])

    async def moon():
        return await repo.find_local("Moon")

    import_movielens(path, movielens, stream=quiet)
    assert ((await moon()).rating, (await moon()).rating_source) == (4.5, "movielens")
    import_ggplot2movies(path, ggplot, stream=quiet)
    import_movielens(path, movielens, stream=quiet)
    assert (await moon()).rating == 7.9
    folder = tmp_path / "imdb"
    write_imdb(
        folder,
        "title.basics",
        [["tt1182345", "movie", "Moon", "Moon", "0", "2009", N, "97", "Drama"]],
    )
    write_imdb(folder, "title.ratings", [["tt1182345", "7.8", "400000"]])
    import_imdb(folder, path, stream=quiet)
    import_ggplot2movies(path, ggplot, stream=quiet)
    assert ((await moon()).rating, (await moon()).rating_source) == (7.8, "imdb")
