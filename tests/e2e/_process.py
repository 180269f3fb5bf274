"""Running `python -m bot run` as a real process against the emulator (not a test module)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bot_env(emu, database: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot process talking to `emu`, on `database`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))},
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": emu.token,
        "DATABASE_PATH": str(database),
        "DEV_GUILD_ID": emu.world.guild["id"],
        "DISCORD_API_BASE": emu.base_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "TOXICITY_BACKEND": "embedded",
        # As in the in-process sandbox: the sentence encoder loads in a thread for many seconds
        # on a busy machine, and a process stopped meanwhile waits for it before exiting.
        "SPOILER_ENCODER": "off",
        **extra,
    }
