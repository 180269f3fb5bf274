"""`catalog import wikipedia` on the hand-written fixture dump: real bz2 files, real SQLite."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from wikipedia_support import FIXTURE, fixture_bz2, fixture_multistream

from bot.__main__ import main
from bot.films.importers.wikipedia import import_wikipedia
from bot.films.merge import open_merger
from bot.films.model import Film
from bot.films.wikipedia.dump import DumpError
from storage import migrate

SHUTTER = "Wikipedia: Shutter Island (film) (revision 6001)"


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "data" / "filmbot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


def rows(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def table_counts(path) -> dict[str, int]:
    tables = ("films", "credits", "people", "summary_sections", "film_facts", "film_external_ids")
    return {t: rows(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def wikipedia_films(path) -> list[tuple[str, int]]:
    return rows(
        path,
        "SELECT f.title, f.year FROM films f JOIN film_external_ids e ON e.film_id = f.id "
        "WHERE e.namespace = 'wikipedia' ORDER BY f.title",
    )


def test_cli_imports_films_only_and_rerun_adds_nothing(database, tmp_path, capsys):
    dump = fixture_bz2(tmp_path / "dumps")
    assert main(["catalog", "import", "wikipedia", str(dump)]) == 0
    out = capsys.readouterr()
    assert "10 pages read, 3 films found, 6 pages skipped, 1 pages failed" in out.out
    assert "films 3, skipped 6, failed 1" in out.err  # the progress bar's counts
    assert wikipedia_films(database) == [("Her", 2013), ("Moon", 2009), ("Shutter Island", 2010)]
    for not_a_film in ("Duncan Jones", "List of films set on the Moon", "The Moon",
                       "Talk:Moon (2009 film)", "Broken Reel", "Moon (film)", "Template:Infobox film"):  # fmt: skip
        assert rows(database, "SELECT 1 FROM films WHERE title = ?", not_a_film) == []
    before = table_counts(database)
    assert main(["catalog", "import", "wikipedia", str(dump)]) == 0
    assert "0 films added, 3 merged" in capsys.readouterr().out
    assert table_counts(database) == before


def test_plot_becomes_tiered_summary_with_cast_crew_and_facts(database, tmp_path):
    import_db(database)
    import_wikipedia(database, fixture_bz2(tmp_path / "dumps"))
    (film_id,) = rows(database, "SELECT id FROM films WHERE title = 'Shutter Island'")[0]
    summary = rows(
        database,
        "SELECT heading, spoiler_level, source, text FROM summary_sections WHERE film_id = ? "
        "ORDER BY position",
        film_id,
    )
    assert [(h, lvl, src) for h, lvl, src, _ in summary] == [
        ("Premise", 0, SHUTTER), ("Plot, part 1", 1, SHUTTER), ("Plot, part 2", 1, SHUTTER),
        ("Plot: the ending", 2, SHUTTER),
    ]  # fmt: skip
    premise, ending = summary[0][3], summary[-1][3]
    assert "follows a U.S. Marshal" in premise and "grossed" not in premise
    assert "lobotomy" in ending and "lobotomy" not in premise
    cast = rows(
        database,
        "SELECT p.name, c.role, c.character, c.note FROM credits c JOIN people p ON p.id = "
        "c.person_id WHERE c.film_id = ? ORDER BY c.role, c.billing_order",
        film_id,
    )
    assert ("Ben Kingsley", "cast", "Dr. John Cawley", None) in cast
    assert ("Mark Ruffalo", "cast", "Chuck Aule", None) in cast  # ", his partner" dropped
    assert ("Martin Scorsese", "director", "", None) in cast
    assert ("Laeta Kalogridis", "writer", "", None) in cast
    facts = dict(rows(database, "SELECT kind, value FROM film_facts WHERE film_id = ?", film_id))
    assert facts["budget"] == "$80 million"
    assert facts["based_on"] == "Shutter Island by Dennis Lehane"
    assert facts["editor"] == "Thelma Schoonmaker"
    assert facts["wikipedia_article"] == "https://en.wikipedia.org/wiki/Shutter_Island_%28film%29"
    her_cast = rows(
        database,
        "SELECT p.name, c.character, c.note FROM credits c JOIN people p ON p.id = c.person_id "
        "JOIN films f ON f.id = c.film_id WHERE f.title = 'Her' AND c.role = 'cast'",
    )
    assert ("Scarlett Johansson", "Samantha", "voice") in her_cast
    assert ("Rooney Mara", "Catherine", None) in her_cast  # from a nested list


def import_db(path):
    """A migrated, empty catalog (the CLI migrates; tests that call the core do it here)."""

    async def prepare():
        conn = await migrate.open_database(path)
        await migrate.migrate(conn)
        await conn.close()

    path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(prepare())
    return path


def test_merges_by_imdb_id_then_title_and_year_within_one(database, tmp_path):
    import_db(database)
    with open_merger(database) as writer:
        by_id = writer.upsert_film(
            Film(0, "Isle of the Damned", 2009, external_ids={"imdb": "tt1130884"}, source="imdb")
        )
        by_year = writer.upsert_film(Film(0, "Her", 2014, source="movielens"))
    import_wikipedia(database, fixture_bz2(tmp_path / "dumps"))
    assert rows(database, "SELECT film_id FROM film_external_ids WHERE value = '105'") == [(by_id,)]
    assert rows(database, "SELECT film_id FROM film_external_ids WHERE value = '107'") == [
        (by_year,)
    ]


def test_truncated_dump_keeps_committed_films_and_rerun_continues(database, tmp_path):
    import_db(database)
    full = fixture_multistream(tmp_path / "full", index=False)
    cut_folder = tmp_path / "cut"
    cut_folder.mkdir()
    cut = cut_folder / full.name
    data = full.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(DumpError) as stopped:
        import_wikipedia(database, cut, batch_films=1)
    assert "ends early (truncated), at byte" in stopped.value.message
    assert "Kept the" in stopped.value.message and "run the import again" in stopped.value.message
    kept = wikipedia_films(database)
    assert ("Moon", 2009) in kept and len(kept) < 3
    report = import_wikipedia(database, full, batch_films=1)
    assert report.counts["pages read by an earlier run"] > 0
    assert wikipedia_films(database) == [("Her", 2013), ("Moon", 2009), ("Shutter Island", 2010)]
    assert rows(
        database, "SELECT count(*) FROM film_external_ids WHERE namespace = 'wikipedia'"
    ) == [(3,)]


def test_multistream_with_index_reads_streams_in_parallel(database, tmp_path):
    import_db(database)
    dump = fixture_multistream(tmp_path / "dumps", per_stream=2)
    report = import_wikipedia(database, dump)
    assert report.counts["films found"] == 3 and report.counts["pages failed"] == 1
    assert wikipedia_films(database) == [("Her", 2013), ("Moon", 2009), ("Shutter Island", 2010)]


def test_not_an_export_and_truncated_xml(database, tmp_path, capsys):
    page = tmp_path / "page.xml"
    page.write_text("<html><body>not a dump</body></html>")
    assert main(["catalog", "import", "wikipedia", str(page)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "error: page.xml is not a MediaWiki XML export (no <mediawiki> element at the start); "
        "give a Wikipedia pages-articles .xml or .xml.bz2 file"
    )
    cut = tmp_path / "films.xml"
    cut.write_bytes(FIXTURE.read_bytes()[:9000])
    assert main(["catalog", "import", "wikipedia", str(cut)]) == 1
    err = capsys.readouterr().err
    assert "the XML is cut off or malformed" in err and "at byte 9,000" in err
    assert len(wikipedia_films(database)) == 2


def test_truncated_multistream_with_index_stops_and_continues(database, tmp_path):
    import_db(database)
    full = fixture_multistream(tmp_path / "full", per_stream=1)
    cut_folder = tmp_path / "cut"
    cut = fixture_multistream(cut_folder, per_stream=1)  # the same file and index...
    cut.write_bytes(full.read_bytes()[: int(full.stat().st_size * 0.5)])  # ...cut in half
    with pytest.raises(DumpError, match=r"ends early \(truncated\), at byte"):
        import_wikipedia(database, cut, batch_films=1)
    kept = rows(database, "SELECT pages_read, next_offset FROM wikipedia_imports")
    assert kept[0][0] < 10 and kept[0][1] is not None
    report = import_wikipedia(database, full, batch_films=1)
    assert report.counts["pages read"] == 10 and report.counts["films found"] == 3
    assert wikipedia_films(database) == [("Her", 2013), ("Moon", 2009), ("Shutter Island", 2010)]
