"""Durations as moderators type them ("10m", "1h30m", "90 minutes", "2 days", "1w") and as
members read them ("1 hour 30 minutes").

Every refusal is an InvalidInput whose message says what was wrong and what would work.
`m` means minutes; months are written `mo` or `month`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot import limits
from bot.errors import InvalidInput
from bot.text import clean_typed, typed_back

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY

SHORTEST = timedelta(minutes=1)
TEMPBAN_MAX_DAYS = 365  # our choice: longer than a year should be a permanent ban
LADDER_WINDOW_MAX_DAYS = 365

SHOWN_NUMBER_DIGITS = 12  # a bare number longer than this is not repeated in the hint
EXAMPLES = "10m, 1h30m, 90 minutes, 2 days or 1w"

_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), HOUR),
    **dict.fromkeys(("d", "day", "days"), DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), WEEK),
    **dict.fromkeys(("mo", "month", "months"), MONTH),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), YEAR),
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_SEPARATOR = re.compile(r"^(?:\s|,|\band\b)*$")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class DurationPurpose:
    """What a duration is for: its longest value and how a refusal names it."""

    name: str
    longest: timedelta
    described_as: str  # "a timeout", used in "a timeout lasts at most 28 days"
    hint: str = ""


PURPOSES = {
    "timeout": DurationPurpose(
        "timeout", timedelta(days=limits.TIMEOUT_MAX_DAYS), "a timeout", " (Discord's limit)"
    ),
    "tempban": DurationPurpose(
        "tempban",
        timedelta(days=TEMPBAN_MAX_DAYS),
        "a temporary ban",
        "; use a permanent ban (/mod ban) for longer",
    ),
    "window": DurationPurpose("window", timedelta(days=LADDER_WINDOW_MAX_DAYS), "a ladder window"),
}


def parse_duration(text: str, purpose: str = "timeout") -> timedelta:
    """Read a duration for `purpose` ("timeout", "tempban" or "window"); InvalidInput if unusable."""
    limit = PURPOSES[purpose]
    shown = typed_back(text)  # quoted in refusals: cut short, one line, no hidden characters
    cleaned = clean_typed(text).lower()
    if not cleaned:
        raise InvalidInput(f"Give a duration, such as {EXAMPLES}.")
    if cleaned.startswith("-") or re.search(r"-\s*\d", cleaned):
        raise InvalidInput(f"{shown} is negative: a duration must be positive, such as 10m.")
    seconds = _total_seconds(cleaned, shown)
    if seconds == 0:
        raise InvalidInput(f"{shown} is zero: a duration must be longer than that, such as 10m.")
    if seconds < SHORTEST.total_seconds():
        raise InvalidInput(
            f"{shown} is too short: the shortest duration is {format_duration(SHORTEST)}."
        )
    if seconds > limit.longest.total_seconds():
        raise InvalidInput(
            f"{shown} is too long: {limit.described_as} lasts at most "
            f"{format_duration(limit.longest)}{limit.hint}."
        )
    return timedelta(seconds=round(seconds))


def _total_seconds(cleaned: str, shown: str) -> float:
    if _BARE_NUMBER.match(cleaned):
        if float(cleaned) == 0:
            return 0.0
        number = cleaned if len(cleaned) <= SHOWN_NUMBER_DIGITS else "10"
        raise InvalidInput(
            f"{shown} has no unit: write {number}m for minutes, {number}h for hours "
            f"or {number}d for days."
        )
    parts = list(_PART.finditer(cleaned))
    leftover = _PART.sub(" ", cleaned)
    if not parts or not _SEPARATOR.match(leftover):
        raise InvalidInput(
            f"{shown} is not a duration I can read: write a number and a unit, such as {EXAMPLES}."
        )
    total = 0.0
    for match in parts:
        number, unit = match.groups()
        if unit not in _UNITS:
            raise InvalidInput(
                f"{shown}: I don't know the unit {typed_back(unit, 20)}. Use s, m, h, d, w, mo or y "
                "(or seconds, minutes, hours, days, weeks, months, years)."
            )
        total += float(number) * _UNITS[unit]
    return total


_PARTS = (("day", DAY), ("hour", HOUR), ("minute", MINUTE), ("second", 1))


def format_duration(duration: timedelta) -> str:
    """A duration as a member reads it: "1 hour 30 minutes", "2 weeks", "28 days", "1 year"."""
    seconds = round(duration.total_seconds())
    if seconds < 0:
        raise ValueError("a negative duration has no human form")
    if seconds == 0:
        return "0 seconds"
    if seconds % YEAR == 0:
        return _plural(seconds // YEAR, "year")
    if seconds % WEEK == 0 and seconds < 4 * WEEK:  # "2 weeks", but "28 days" reads better
        return _plural(seconds // WEEK, "week")
    words = []
    for name, size in _PARTS:
        count, seconds = divmod(seconds, size)
        if count:
            words.append(_plural(count, name))
    return " ".join(words)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
