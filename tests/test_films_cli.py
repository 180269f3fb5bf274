"""`python -m bot catalog ...` against a database file given by DATABASE_PATH."""

from __future__ import annotations

import pytest
from films_support import write_imdb

from bot.__main__ import main

N = "\\N"


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "data" / "filmbot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)  # no stray .env
    return path


def test_load_curated_is_idempotent_and_searchable(database, capsys):
    assert main(["catalog", "load-curated"]) == 0
    assert main(["catalog", "load-curated"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["curated films loaded", "curated films already up to date"]
    assert main(["catalog", "search", "never let"]) == 0
    assert "Never Let Me Go (2010)  [Sci-Fi, Drama, Romance]" in capsys.readouterr().out
    assert main(["catalog", "search", "@everyone'; DROP TABLE films;--"]) == 0
    assert capsys.readouterr().out.strip() == "no films found"


def test_import_imdb_and_bad_folder(database, tmp_path, capsys):
    folder = tmp_path / "imdb"
    write_imdb(
        folder,
        "title.basics",
        [
            [
                "tt0482571",
                "movie",
                "The Prestige",
                "The Prestige",
                "0",
                "2006",
                N,
                "130",
                "Drama,Mystery",
            ]
        ],
    )
    assert main(["catalog", "import", "imdb", str(folder)]) == 0
    assert "imdb: 1 films added, 0 merged" in capsys.readouterr().out
    assert main(["catalog", "search", "prestige"]) == 0
    assert "The Prestige (2006)" in capsys.readouterr().out
    assert main(["catalog", "import", "imdb", str(tmp_path / "nowhere")]) == 1
    assert "is not a folder" in capsys.readouterr().err
