"""`python -m bot` as a user runs it: one clear line and a non-zero exit for every bad input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str, env: dict | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))
    }
    environment.update(env or {})
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=120,
    )


def test_help_lists_the_subcommands(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("run", "sandbox", "db"):
        assert name in result.stdout


def test_unknown_subcommand_exits_2(tmp_path):
    result = run("projector", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'projector'" in result.stderr


def test_run_without_a_token_says_how_to_get_one(tmp_path):
    result = run("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "DISCORD_TOKEN is missing" in result.stderr and "developer portal" in result.stderr


def test_run_with_a_malformed_token(tmp_path):
    result = run("run", env={"DISCORD_TOKEN": "hunter2"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "hunter2" not in result.stderr


def test_unwritable_database_path(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    result = run("db", "migrate", env={"DATABASE_PATH": str(blocker / "db.sqlite3")}, cwd=tmp_path)
    assert result.returncode == 1
    assert "DATABASE_PATH" in result.stderr and "writable" in result.stderr


def test_db_migrate_status_and_backup(tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3")}
    status = run("db", "status", env=env, cwd=tmp_path)
    assert "no database yet" in status.stdout and not (tmp_path / "data" / "bot.sqlite3").exists()
    migrated = run("db", "migrate", env=env, cwd=tmp_path)
    assert migrated.returncode == 0 and "up to date" in migrated.stdout
    status = run("db", "status", env=env, cwd=tmp_path)
    assert "pending migrations: none" in status.stdout
    backup = run("db", "backup", str(tmp_path / "copy.sqlite3"), env=env, cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "copy.sqlite3").read_bytes()[:16] == b"SQLite format 3\x00"
    again = run("db", "backup", str(tmp_path / "copy.sqlite3"), env=env, cwd=tmp_path)
    assert again.returncode == 1 and "--force" in again.stderr


def test_foreign_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "precious.sqlite3"
    path.write_text("my screenplay draft\n" * 50)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("db", "migrate", env={"DATABASE_PATH": str(path)}, cwd=tmp_path)
    assert result.returncode == 1
    assert "not a SQLite database" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_sandbox_script_replays_the_example(tmp_path):
    result = run("sandbox", "--script", str(ROOT / "examples" / "sandbox-tour.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "> /about" in result.stdout
    assert "FilmBot (only Alice sees this)" in result.stdout
    assert "Schema" in result.stdout or "schema v" in result.stdout


def test_sandbox_script_failure_names_the_line(tmp_path):
    script = tmp_path / "bad.txt"
    script.write_text("/about\nexpect a line the bot never says\n")
    result = run("sandbox", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{script}:2:" in result.stderr
