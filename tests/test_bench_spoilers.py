"""`python -m bench spoilers` reads any labelled TSV and prints the counts behind its figures."""

from __future__ import annotations

import pytest

from bench import spoilers
from bench.spoilers import DEFAULT_FILE, read_labelled


def test_shipped_set_is_large_and_roughly_balanced():
    rows = read_labelled(DEFAULT_FILE)
    spoilers_count = sum(row.expected for row in rows)
    assert len(rows) >= 60
    assert 0.4 <= spoilers_count / len(rows) <= 0.6


def test_counts_on_a_small_file(tmp_path, capsys):
    labelled = tmp_path / "mine.tsv"
    labelled.write_text(
        "expect\ttext\n"
        "spoiler\tTommy dies at the end.\n"
        "nospoiler\tCarey Mulligan is wonderful as Kathy.\n"
        "spoiler\tShe never really gets over it.\n",
        encoding="utf-8",
    )
    assert spoilers.main(["--file", str(labelled), "--sensitivity", "medium"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("detector, medium"))
    assert "precision 100.0%" in line and "recall  50.0%" in line
    assert "TP   1  FP   0  FN   1  TN   1" in line
    assert "baseline: names a character" in out


def test_bad_header_is_reported(tmp_path, capsys):
    labelled = tmp_path / "bad.tsv"
    labelled.write_text("label\tsentence\nspoiler\tx\n", encoding="utf-8")
    assert spoilers.main(["--file", str(labelled)]) == 2
    assert "expect<TAB>text" in capsys.readouterr().err


def test_bad_label_names_the_line(tmp_path, capsys):
    labelled = tmp_path / "bad.tsv"
    labelled.write_text("expect\ttext\nspoiler\tfine\nmaybe\tunsure\n", encoding="utf-8")
    assert spoilers.main(["--file", str(labelled)]) == 2
    assert "bad.tsv:3" in capsys.readouterr().err


def test_film_column_reads_films_from_the_database(tmp_path, capsys):
    from bench._spoiler_data import fixture_database

    db = fixture_database()
    labelled = tmp_path / "films.tsv"
    labelled.write_text(
        "expect\ttext\tnote\tfilm\n"
        "spoiler\tTurns out the butler was the father.\tno plot\tPrimer (2004)\n"
        "nospoiler\tLovely score.\t\tPrimer (2004)\n"
        "spoiler\tTeddy is really Andrew Laeddis.\tplot\tShutter Island (2010)\n"
        "nospoiler\tCarey Mulligan is wonderful as Kathy.\t\t\n",
        encoding="utf-8",
    )
    args = ["--file", str(labelled), "--sensitivity", "medium", "--db", str(db), "--per-film"]
    assert spoilers.main(args) == 0
    out = capsys.readouterr().out
    assert "4 sentences (2 spoiler, 2 nospoiler) over 3 films" in out
    line = next(x for x in out.splitlines() if x.startswith("detector, medium, films without"))
    assert "TP   1  FP   0  FN   0  TN   1" in line
    assert any(x.startswith("detector, medium, Shutter Island (2010)") for x in out.splitlines())


def test_a_film_missing_from_the_database_is_named(tmp_path, capsys):
    from bench._spoiler_data import fixture_database

    labelled = tmp_path / "missing.tsv"
    labelled.write_text("expect\ttext\tfilm\nspoiler\tx dies.\tNo Such Film (1901)\n")
    with pytest.raises(SystemExit, match="No Such Film"):
        spoilers.main(["--file", str(labelled), "--db", str(fixture_database())])
