"""Times as the database stores them: fixed-width UTC text, so they sort as they compare."""

from __future__ import annotations

from datetime import UTC, datetime

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db_time(moment: datetime) -> str:
    """An aware datetime as fixed-width UTC text."""
    if moment.tzinfo is None:
        raise ValueError("the database only stores timezone-aware datetimes")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def from_db_time(text: str | None) -> datetime | None:
    """A time from a column that may be NULL."""
    return None if text is None else db_time(text)


def db_time(text: str) -> datetime:
    """A time from a NOT NULL column."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)
