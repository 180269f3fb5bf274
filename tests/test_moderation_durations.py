"""Durations as moderators type them, and as members read them."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.moderation.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10m", timedelta(minutes=10)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("90 minutes", timedelta(minutes=90)),
        ("2 days", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1 hour and 30 minutes", timedelta(minutes=90)),
        ("1h, 30m", timedelta(minutes=90)),
        ("1.5h", timedelta(minutes=90)),
        ("  2D ", timedelta(days=2)),
        ("28d", timedelta(days=28)),
    ],
)
def test_accepted_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-5m", "`-5m` is negative"),
        ("0", "`0` is zero"),
        ("0m", "`0m` is zero"),
        ("999y", "`999y` is too long: a timeout lasts at most 28 days"),
        ("soon", "`soon` is not a duration I can read"),
        ("5", "`5` has no unit: write 5m for minutes"),
        ("30s", "the shortest duration is 1 minute"),
        ("3 fortnights", "I don't know the unit `fortnights`"),
        ("", "Give a duration"),
        ("1h soon", "is not a duration I can read"),
        ("29d", "at most 28 days"),
        ("9" * 40 + "y", "is too long"),
    ],
)
def test_refused_durations_say_why(text, says):
    with pytest.raises(InvalidInput) as refused:
        parse_duration(text)
    assert says in refused.value.message


def test_each_action_has_its_own_maximum():
    assert parse_duration("60d", "tempban") == timedelta(days=60)
    assert parse_duration("1y", "tempban") == timedelta(days=365)
    with pytest.raises(InvalidInput, match="a temporary ban lasts at most 1 year"):
        parse_duration("2y", "tempban")
    with pytest.raises(InvalidInput, match="at most 28 days"):
        parse_duration("60d", "timeout")


@pytest.mark.parametrize(
    ("duration", "shown"),
    [
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(days=2), "2 days"),
        (timedelta(weeks=1), "1 week"),
        (timedelta(weeks=2), "2 weeks"),
        (timedelta(days=28), "28 days"),
        (timedelta(days=365), "1 year"),
        (timedelta(days=1, hours=1, seconds=5), "1 day 1 hour 5 seconds"),
    ],
)
def test_format_for_humans(duration, shown):
    assert format_duration(duration) == shown


def test_parse_then_format_round_trip():
    for text in ("10m", "1h30m", "2 days", "1w", "3d4h"):
        assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


@given(st.integers(min_value=60, max_value=28 * 24 * 3600))
def test_every_timeout_length_reads_back_from_its_human_form(seconds):
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration
