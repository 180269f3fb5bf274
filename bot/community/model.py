"""Community data: reviews and ratings, watchlist entries, movie nights, per-server settings.

Validation lives here too (ratings in half steps, review sizes, dates and time zones), so the
cogs, the storage and the tests agree on one set of rules and one wording for refusals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot import limits
from bot.errors import InvalidInput
from bot.text import has_visible_text, typed_back

RATING_MIN, RATING_MAX = 0.5, 5.0
REVIEW_TITLE_MAX = limits.THREAD_NAME  # the review's thread is named after it
REVIEW_TEXT_MAX = limits.MODAL_TEXT_INPUT  # the modal's paragraph limit
BAYES_PRIOR_WEIGHT = 5  # a film needs about this many ratings before its own mean dominates
DEFAULT_TIMEZONE = "UTC"
DEFAULT_REGION = "US"
DEFAULT_REMINDER_MINUTES = 60
REMINDER_MINUTES_MAX = 7 * 24 * 60  # a week ahead at most
# Our choice: far enough for any real plan (and the sandbox tour's fixed 2099 date), near
# enough to refuse a year like 9999, which no event reaches and a time zone can overflow.
PLAN_AHEAD_MAX_YEARS = 100
POLL_ANSWERS_MIN = 2  # a poll of one film is no choice (Discord would allow it)
MOVIE_NIGHT_HOURS = 3  # the event's end time (external events need one): start + this
WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H.%M", "%d.%m.%Y %H:%M")


class ReviewStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class NightStatus(StrEnum):
    """A movie night's life: poll open, event scheduled, started, over, or called off."""

    POLLING = "polling"
    SCHEDULED = "scheduled"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (NightStatus.COMPLETED, NightStatus.CANCELLED)

    @classmethod
    def unfinished(cls) -> tuple[NightStatus, ...]:
        return tuple(status for status in cls if not status.finished)


class NightStep(StrEnum):
    """What the scheduler does next for a night."""

    CLOSE_POLL = "close_poll"
    REMIND = "remind"
    START = "start"
    COMPLETE = "complete"


class Setting(StrEnum):
    """The per-server community options (`CommunitySettings` fields, stored as columns)."""

    TIMEZONE = "timezone"
    REGION = "region"
    REVIEWS_CHANNEL = "reviews_channel_id"
    PLANNER_ROLE = "planner_role_id"
    REMINDER_ROLE = "reminder_role_id"
    REMINDER_MINUTES = "reminder_minutes"
    ANNOUNCE_CHANNEL = "announce_channel_id"


@dataclass(frozen=True, order=True)
class Rating:
    """A rating from 0.5 to 5 in half steps, kept as a count of halves (1-10)."""

    halves: int

    @classmethod
    def parse(cls, value: float | str) -> Rating:
        """The rating a member typed; refuses anything outside 0.5-5 or off the half steps."""
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise InvalidInput(f"A rating is a number from 0.5 to 5, not {value!r}.") from None
        if not math.isfinite(number) or not RATING_MIN <= number <= RATING_MAX:
            raise InvalidInput(
                f"Ratings go from 0.5 to 5 (in half stars), so {number:g} is out of range."
            )
        if abs(number * 2 - round(number * 2)) > 1e-9:
            lower = math.floor(number * 2) / 2
            raise InvalidInput(
                f"Ratings go in half stars (0.5, 1, 1.5 ... 5): {number:g} is between "
                f"{lower:g} and {lower + 0.5:g}."
            )
        return cls(round(number * 2))

    @property
    def value(self) -> float:
        return self.halves / 2

    def number(self) -> str:
        """ "3.5/5" """
        return f"{self.value:g}/5"

    def stars(self) -> str:
        """ "★★★½☆": full stars, a half, then empty ones up to five."""
        full, half = divmod(self.halves, 2)
        return "★" * full + ("½" if half else "") + "☆" * (5 - full - half)


@dataclass(frozen=True)
class ReviewDraft:
    """A review as the member wrote it, validated (title may be empty: the film names it)."""

    film_id: int
    rating: Rating
    text: str
    title: str = ""

    def __post_init__(self) -> None:
        check_review_text(self.text, self.title)


def check_typed_review(text: str, title: str = "") -> None:
    """What a member typed: refused when nothing in the text would show (zero-width or
    direction characters only), then checked as `check_review_text`."""
    if not has_visible_text(text):
        raise InvalidInput(
            "Your review has no visible text: write a few words. Nothing was posted."
        )
    check_review_text(text, title)


def check_review_text(text: str, title: str = "") -> None:
    """Refuse a review text or title over Discord's limits, saying by how much."""
    if len(text) > REVIEW_TEXT_MAX:
        raise InvalidInput(
            f"Your review is {len(text):,} characters; the limit is {REVIEW_TEXT_MAX:,} "
            f"(cut {len(text) - REVIEW_TEXT_MAX:,}). Nothing was posted."
        )
    if len(title) > REVIEW_TITLE_MAX:
        raise InvalidInput(
            f"A review title can be {REVIEW_TITLE_MAX} characters; yours is {len(title)}."
        )


@dataclass(frozen=True)
class Review:
    """One member's review of one film in one server (the current version)."""

    id: int
    guild_id: int
    film_id: int
    film_label: str
    author_id: int
    rating: Rating
    title: str
    text: str
    status: ReviewStatus
    version: int
    thread_id: int | None
    opener_message_id: int | None
    created_at: datetime
    updated_at: datetime
    removed_by: int | None = None
    more_message_ids: tuple[int, ...] = ()

    @property
    def message_ids(self) -> tuple[int, ...]:
        """Every message of the post, opener first."""
        first = (self.opener_message_id,) if self.opener_message_id else ()
        return first + self.more_message_ids

    @property
    def active(self) -> bool:
        return self.status is ReviewStatus.ACTIVE

    def revised(self, draft: ReviewDraft) -> Review:
        """The review as it reads once `draft` replaces it (its next version)."""
        return replace(
            self, rating=draft.rating, title=draft.title, text=draft.text, version=self.version + 1
        )


@dataclass(frozen=True)
class ReviewVersion:
    """An earlier version of a review, kept when it was edited."""

    review_id: int
    version: int
    rating: Rating
    title: str
    text: str
    written_at: datetime


@dataclass(frozen=True)
class FilmRating:
    """The server's ratings of one film: how many and their mean."""

    film_id: int
    film_label: str
    count: int
    mean: float

    def bayesian(self, prior_mean: float, weight: int = BAYES_PRIOR_WEIGHT) -> float:
        """The mean pulled towards the server's mean over all films, by `weight` votes."""
        return bayesian_average(self.mean, self.count, prior_mean, weight)


def bayesian_average(mean: float, count: int, prior_mean: float, weight: int) -> float:
    """(weight * prior + count * mean) / (weight + count): few ratings stay near the prior."""
    if count <= 0:
        return prior_mean
    return (weight * prior_mean + count * mean) / (weight + count)


@dataclass(frozen=True)
class WatchlistEntry:
    guild_id: int
    film_id: int
    film_label: str
    suggested_by: int
    added_at: datetime


@dataclass(frozen=True)
class CommunitySettings:
    """Per-server options of the community features (defaults for a server that set none)."""

    guild_id: int
    timezone: str = DEFAULT_TIMEZONE
    region: str = DEFAULT_REGION
    reviews_channel_id: int | None = None  # a text channel or forum for review threads
    planner_role_id: int | None = None  # besides moderators, who may plan movie nights
    reminder_role_id: int | None = None  # the opt-in role reminded before a movie night
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES
    announce_channel_id: int | None = None  # where polls and reminders go (default: asked)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class MovieNight:
    """A planned night: its poll, then its scheduled event and the film's discussion."""

    id: int
    guild_id: int
    channel_id: int
    starts_at: datetime
    status: NightStatus
    choices: tuple[int, ...]
    created_by: int
    poll_message_id: int | None = None
    poll_ends_at: datetime | None = None
    winner_film_id: int | None = None
    event_id: int | None = None
    reminder_at: datetime | None = None
    reminded: bool = False
    thread_id: int | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(hours=MOVIE_NIGHT_HOURS)

    def next_step(self) -> tuple[NightStep, datetime] | None:
        """What the scheduler does next for this night, and when; None once it is over."""
        if self.status is NightStatus.POLLING and self.poll_ends_at is not None:
            return NightStep.CLOSE_POLL, self.poll_ends_at
        if self.status is NightStatus.SCHEDULED:
            if not self.reminded and self.reminder_at is not None:
                return NightStep.REMIND, self.reminder_at
            return NightStep.START, self.starts_at
        if self.status is NightStatus.STARTED:
            return NightStep.COMPLETE, self.ends_at
        return None


REGION_HELP = "a two-letter country code such as US, GB or FR"


def check_region(region: str) -> str:
    """A where-to-watch region ("gb" -> "GB"); refuses anything but two letters."""
    code = region.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidInput(f"A region is {REGION_HELP}, not {typed_back(region, 20)}.")
    return code


def check_reminder_role(role_id: int, guild_id: int, *, managed: bool) -> int:
    """The reminder role: a role members can take, never @everyone (its id is the server's)."""
    if role_id == guild_id:
        raise InvalidInput(
            "@everyone can't be the reminder role: the reminder pings only members who opted "
            "in. Make a role such as Movie Night that members can take, and choose that."
        )
    if managed:
        raise InvalidInput(
            "That role belongs to a bot or an integration, so no member can take it: choose a "
            "role members can opt into."
        )
    return role_id


def check_timezone(name: str) -> str:
    """An IANA time zone name ("Europe/Paris"); refuses unknown ones with close matches."""
    cleaned = name.strip().replace(" ", "_")
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a folder ("Europe"), a long name
        hints = sorted(z for z in available_timezones() if cleaned.lower() in z.lower())[:5]
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        raise InvalidInput(
            f"Unknown time zone {typed_back(name)}: use an IANA name such as Europe/Paris or "
            f"America/New_York.{hint}"
        ) from None
    return cleaned


def parse_when(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """ "2026-12-05 20:30" in the server's zone, as UTC; refuses unreadable or past moments."""
    cleaned = " ".join(text.split())
    for pattern in WHEN_FORMATS:
        try:
            local = datetime.strptime(cleaned, pattern)
            break
        except ValueError:
            continue
    else:
        raise InvalidInput(
            f"I can't read {typed_back(text)} as a date and time: write it like 2026-12-05 20:30 "
            f"(server time zone: {zone.key})."
        )
    try:
        moment = local.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past datetime's range by the zone
        moment = (
            datetime.min.replace(tzinfo=UTC) if local.year < 2 else datetime.max.replace(tzinfo=UTC)
        )
    latest = now + timedelta(days=365 * PLAN_AHEAD_MAX_YEARS)
    if moment > latest:
        raise InvalidInput(
            f"{cleaned} ({zone.key}) is too far ahead: plan a movie night at most "
            f"{PLAN_AHEAD_MAX_YEARS} years ahead (before {latest.astimezone(zone):%Y-%m-%d})."
        )
    if moment <= now:
        raise InvalidInput(
            f"{cleaned} ({zone.key}) is in the past: pick a moment after "
            f"{now.astimezone(zone):%Y-%m-%d %H:%M}."
        )
    return moment


def poll_hours(starts_at: datetime, now: datetime) -> int:
    """Whole hours a poll can run so it closes before the night (at most Discord's 32 days)."""
    hours = int((starts_at - now).total_seconds() // 3600) - 1  # an hour left to announce
    if hours < limits.POLL_MIN_HOURS:
        raise InvalidInput(
            "A poll runs at least an hour and has to close before the night starts: plan the "
            "night at least 2 hours ahead."
        )
    return min(hours, limits.POLL_MAX_HOURS)
