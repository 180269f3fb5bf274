"""`python -m bench spoilers` reads any labelled TSV and prints the counts behind its figures."""

from __future__ import annotations

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
