"""Discord-style ids: milliseconds since 2015 in the high bits, so `created_at` is sensible."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
_counter = itertools.count(1)


def make_snowflake(at: datetime | None = None) -> str:
    """A new unique id as Discord sends it (a string); `at` backdates it (e.g. old messages)."""
    ms = int((at.timestamp() if at else time.time()) * 1000)
    return str(((ms - DISCORD_EPOCH_MS) << 22) | (next(_counter) & 0x3FFFFF))


def snowflake_time(snowflake: str | int) -> datetime:
    return datetime.fromtimestamp(((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


def iso(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).isoformat()
