from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

GOOD_TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def test_defaults_are_usable_without_a_token():
    settings = load_settings(_env_file=None)
    assert settings.database_path == Path("data/filmbot.sqlite3")
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"


def test_reads_environment_and_dotenv(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={GOOD_TOKEN}\nDEV_GUILD_ID=42\n")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.require_token() == GOOD_TOKEN
    assert settings.dev_guild_id == 42
    assert settings.log_level == "DEBUG"


def test_every_bad_setting_is_named_once(monkeypatch):
    monkeypatch.setenv("DEV_GUILD_ID", "not-a-number")
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    monkeypatch.setenv("TOXICITY_QUANTIZE", "int4")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    for name in ("DEV_GUILD_ID", "LOG_LEVEL", "TOXICITY_QUANTIZE"):
        assert message.count(name) == 1
    assert ".env.example" in message


def test_token_never_appears_in_repr_or_errors(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("DEV_GUILD_ID", "x")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert GOOD_TOKEN not in str(caught.value)
    monkeypatch.delenv("DEV_GUILD_ID")
    settings = load_settings(_env_file=None)
    assert GOOD_TOKEN not in repr(settings) and GOOD_TOKEN not in str(settings.model_dump())


@pytest.mark.parametrize("token", [None, "", "short", "has spaces in.it.x" + "y" * 60])
def test_missing_or_malformed_token_is_explained(monkeypatch, token):
    if token is not None:
        monkeypatch.setenv("DISCORD_TOKEN", token)
    settings = load_settings(_env_file=None)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN") as caught:
        settings.require_token()
    assert "developer portal" in str(caught.value)


def test_database_folder_is_created(tmp_path):
    settings = load_settings(_env_file=None, database_path=tmp_path / "a" / "b" / "db.sqlite3")
    settings.prepare_database_folder()
    assert (tmp_path / "a" / "b").is_dir()


def test_unwritable_database_path_is_explained(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    settings = load_settings(_env_file=None, database_path=blocker / "db.sqlite3")
    with pytest.raises(SettingsError, match="DATABASE_PATH"):
        settings.prepare_database_folder()
    assert blocker.read_text() == "a file, not a folder"
