"""Which messages a purge can bulk-delete: Discord only bulk-deletes messages under 14 days old.

Older messages are skipped, and said to be skipped, rather than deleted one by one (which would
be slow and rate-limited). A small safety margin keeps a message that turns 14 days old while the
request travels from failing the whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import limits

DISCORD_EPOCH_MS = 1_420_070_400_000
SAFETY_MARGIN = timedelta(minutes=1)
BULK_DELETE_MAX_AGE = timedelta(days=limits.BULK_DELETE_MAX_AGE_DAYS)


def snowflake_time(snowflake: int) -> datetime:
    """When a Discord id (snowflake) was created."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


@dataclass(frozen=True)
class PurgePlan:
    """Message ids that can be bulk-deleted, and those skipped as too old (input order kept)."""

    deletable: tuple[int, ...]
    skipped: tuple[int, ...]

    def batches(self) -> list[tuple[int, ...]]:
        """The deletable ids in bulk-delete requests of at most 100."""
        size = limits.BULK_DELETE_MAX_MESSAGES
        return [self.deletable[i : i + size] for i in range(0, len(self.deletable), size)]


def plan_purge(messages: Iterable[int | tuple[int, datetime]], now: datetime) -> PurgePlan:
    """Split candidates (ids, or (id, created_at) pairs) into deletable and skipped."""
    oldest_allowed = now - BULK_DELETE_MAX_AGE + SAFETY_MARGIN
    deletable: list[int] = []
    skipped: list[int] = []
    for item in messages:
        message_id, created = item if isinstance(item, tuple) else (item, snowflake_time(item))
        (deletable if created > oldest_allowed else skipped).append(message_id)
    return PurgePlan(tuple(deletable), tuple(skipped))
