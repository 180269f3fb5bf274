"""`python -m bot threads list | export | import` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from bot.__main__ import main

FIXTURE = Path(__file__).parent / "fixtures" / "never_let_me_go_comments.wxr"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_and_export_the_seed_thread(tmp_path, capsys):
    db = str(tmp_path / "bot.sqlite3")

    code, out, _ = run(capsys, "threads", "import", str(FIXTURE), "--db", db)
    assert code == 0
    assert out == "Imported “Never Let Me Go” as thread -1: 15 comments (6 top-level).\n"

    code, out, _ = run(capsys, "threads", "list", "--db", db)
    assert code == 0
    assert out.splitlines()[1].split() == [
        "-1",
        "wxr",
        "15",
        "2017-03-07",
        "13:12",
        "Never",
        "Let",
        "Me",
        "Go",
    ]

    target = tmp_path / "thread.json"
    code, out, err = run(
        capsys, "threads", "export", "-1", "--format", "json", "--out", str(target), "--db", db
    )
    assert code == 0
    assert out.startswith(f"Wrote 15 comments to {target}")
    assert "15/15 comments" in err  # the progress line
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [len(c["replies"]) for c in document] == [0, 0, 1, 1, 0, 1]
    assert len(document[5]["replies"][0]["replies"]) == 5


def test_every_format_can_be_exported(tmp_path, capsys):
    db = str(tmp_path / "bot.sqlite3")
    run(capsys, "threads", "import", str(FIXTURE), "--db", db)

    for fmt, marker in [("html", "<!DOCTYPE html>"), ("markdown", "# Never Let Me Go")]:
        target = tmp_path / f"thread.{fmt}"
        code, _, _ = run(
            capsys, "threads", "export", "-1", "--format", fmt, "--out", str(target), "--db", db
        )
        assert code == 0 and target.read_text(encoding="utf-8").startswith(marker)


def test_post_without_a_token_refuses_and_imports_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    db = str(tmp_path / "bot.sqlite3")

    code, _, err = run(capsys, "threads", "import", str(FIXTURE), "--post", "123", "--db", db)

    assert code == 2
    assert "DISCORD_TOKEN is missing" in err and "Nothing was imported" in err
    assert run(capsys, "threads", "list", "--db", db)[1] == "No threads stored yet.\n"


def test_errors_are_one_clear_line(tmp_path, capsys):
    db = str(tmp_path / "bot.sqlite3")

    code, _, err = run(
        capsys,
        "threads",
        "export",
        "42",
        "--format",
        "json",
        "--out",
        str(tmp_path / "x"),
        "--db",
        db,
    )
    assert (code, err) == (
        1,
        "error: No stored thread has the id 42 (`threads list` shows them).\n",
    )
    assert not (tmp_path / "x").exists()

    not_xml = tmp_path / "notes.txt"
    not_xml.write_text("just some notes", encoding="utf-8")
    code, _, err = run(capsys, "threads", "import", str(not_xml), "--db", db)
    assert code == 1 and "notes.txt is not a WordPress export (WXR): it is not XML" in err
