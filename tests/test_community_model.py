"""Community rules without Discord: ratings in half stars, Bayesian ranking, dates and time
zones, poll durations, a night's next step, and TMDB card extras."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.community.model import (
    FilmRating,
    MovieNight,
    NightStatus,
    NightStep,
    Rating,
    ReviewDraft,
    bayesian_average,
    check_timezone,
    parse_when,
    poll_hours,
)
from bot.community.movienight import poll_spec, winner_index
from bot.community.reviews import rating_line
from bot.errors import InvalidInput
from bot.films.extras import parse_extras

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "halves", "stars"),
    [(0.5, 1, "½☆☆☆☆"), ("3,5", 7, "★★★½☆"), (5, 10, "★★★★★"), ("2", 4, "★★☆☆☆")],
)
def test_ratings_go_in_half_stars(typed, halves, stars):
    rating = Rating.parse(typed)
    assert (rating.halves, rating.stars()) == (halves, stars)
    assert rating.number() == f"{halves / 2:g}/5"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (0, "so 0 is out of range"),
        (5.5, "so 5.5 is out of range"),
        (3.3, "3.3 is between 3 and 3.5"),
        ("nan", "out of range"),
        ("great", "A rating is a number from 0.5 to 5, not 'great'"),
    ],
)
def test_bad_ratings_say_why(typed, message):
    with pytest.raises(InvalidInput, match=message):
        Rating.parse(typed)


def test_a_review_over_the_modal_limit_is_refused_with_the_excess():
    with pytest.raises(InvalidInput, match="is 4,010 characters; the limit is 4,000 .cut 10."):
        ReviewDraft(1, Rating(6), "x" * 4010)
    with pytest.raises(InvalidInput, match="title can be 100 characters; yours is 101"):
        ReviewDraft(1, Rating(6), "ok", "t" * 101)


def test_bayesian_average_pulls_few_ratings_to_the_mean():
    one_five = bayesian_average(5.0, 1, prior_mean=3.0, weight=5)
    twenty_fours = bayesian_average(4.5, 20, prior_mean=3.0, weight=5)
    assert one_five == pytest.approx((5 * 3 + 5) / 6)
    assert twenty_fours > one_five
    assert bayesian_average(4.0, 0, prior_mean=3.2, weight=5) == 3.2


def test_the_rating_line_puts_the_club_beside_the_catalog():
    line = rating_line(FilmRating(1, "X", 12, 3.5), "7.2/10 (IMDb)")
    assert line == "Film Club: 3.5/5 from 12 members · 7.2/10 (IMDb)"
    assert rating_line(None, None) == "Film Club: not rated yet (/review)"


def test_dates_are_read_in_the_servers_zone_and_past_ones_refused():
    paris = ZoneInfo("Europe/Paris")
    assert parse_when("2026-12-05 20:30", paris, NOW) == datetime(2026, 12, 5, 19, 30, tzinfo=UTC)
    assert parse_when("05.12.2026 20:30", paris, NOW).hour == 19
    with pytest.raises(InvalidInput, match=r"is in the past: pick a moment after 2026-12-01 13:00"):
        parse_when("2026-11-30 20:00", paris, NOW)
    with pytest.raises(InvalidInput, match="write it like 2026-12-05 20:30"):
        parse_when("tomorrow evening", paris, NOW)


def test_time_zones_are_checked_with_suggestions():
    assert check_timezone("America/New York") == "America/New_York"
    with pytest.raises(InvalidInput, match="Did you mean .*Europe/Paris"):
        check_timezone("paris")
    with pytest.raises(InvalidInput, match="Unknown time zone `Nowhere`"):
        check_timezone("Nowhere")


def test_the_poll_closes_an_hour_before_the_night_and_within_32_days():
    assert poll_hours(NOW + timedelta(hours=26), NOW) == 25
    assert poll_hours(NOW + timedelta(days=90), NOW) == 768
    with pytest.raises(InvalidInput, match="at least 2 hours ahead"):
        poll_hours(NOW + timedelta(minutes=90), NOW)


def test_poll_answers_fit_discord_and_ties_go_to_the_first_suggestion():
    spec = poll_spec(NOW, "UTC", ["A" * 80, "Moon (2009)"], 5)
    assert len(spec.answers[0]) == 55 and spec.answers[1] == "Moon (2009)"
    assert len(spec.question) <= 300
    assert winner_index([2, 3, 3]) == 1 and winner_index([0, 0]) == 0


def test_a_night_steps_from_poll_to_reminder_to_start_to_end():
    base = MovieNight(1, 1, 1, NOW + timedelta(days=2), NightStatus.POLLING, (1, 2), 9,
                      poll_ends_at=NOW + timedelta(days=1), reminder_at=NOW + timedelta(hours=47))  # fmt: skip
    assert base.next_step() == (NightStep.CLOSE_POLL, base.poll_ends_at)
    scheduled = MovieNight(**{**base.__dict__, "status": NightStatus.SCHEDULED})
    assert scheduled.next_step() == (NightStep.REMIND, scheduled.reminder_at)
    reminded = MovieNight(**{**scheduled.__dict__, "reminded": True})
    assert reminded.next_step() == (NightStep.START, reminded.starts_at)
    started = MovieNight(**{**base.__dict__, "status": NightStatus.STARTED})
    assert started.next_step() == (NightStep.COMPLETE, started.ends_at)
    over = MovieNight(**{**base.__dict__, "status": NightStatus.CANCELLED})
    assert over.next_step() is None


def test_card_extras_pick_the_regions_providers_and_a_youtube_trailer():
    movie = {
        "poster_path": "/p.jpg",
        "videos": {"results": [{"site": "YouTube", "type": "Clip", "key": "c"},
                               {"site": "YouTube", "type": "Trailer", "key": "t"}]},
        "watch/providers": {"results": {"FR": {"link": "L", "flatrate": [{"provider_name": "Canal+"}]}}},
    }  # fmt: skip
    extras = parse_extras(movie, "FR")
    assert extras.poster_url == "https://image.tmdb.org/t/p/w342/p.jpg"
    assert extras.trailer_url == "https://www.youtube.com/watch?v=t"
    assert extras.providers == ("Canal+ (stream)",) and extras.providers_link == "L"
    assert parse_extras(movie, "US").providers == ()
