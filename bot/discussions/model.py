"""A film discussion and a server's options for them, as storage and the core share them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot import limits
from bot.errors import InvalidInput
from bot.spoilers.model import Sensitivity

ARCHIVE_LABELS = dict(
    zip(limits.THREAD_ARCHIVE_MINUTES, ("1 hour", "1 day", "3 days", "1 week"), strict=True)
)
DEFAULT_AUTO_ARCHIVE_MINUTES = max(limits.THREAD_ARCHIVE_MINUTES)  # a week, Discord's longest


class SpoilerPolicy(StrEnum):
    """What a thread expects: spoilers discussed openly, or only behind tags (guarded)."""

    ALLOWED = "allowed"
    TAGGED_ONLY = "tagged-only"


POLICIES = tuple(policy.value for policy in SpoilerPolicy)


@dataclass(frozen=True, kw_only=True)
class DiscussionLink:
    """What links a thread to a film: where it is, the film, who opened it, its options."""

    guild_id: int
    channel_id: int  # the text or forum channel it lives under
    thread_id: int
    film_id: int
    film_label: str  # "Title (Year)" when the thread was opened
    spoiler_policy: SpoilerPolicy
    created_by: int
    auto_archive_minutes: int
    opener_message_id: int | None = None
    slowmode_seconds: int = 0

    @property
    def tagged_only(self) -> bool:
        """Whether the spoiler guard watches this thread."""
        return self.spoiler_policy == SpoilerPolicy.TAGGED_ONLY


@dataclass(frozen=True, kw_only=True)
class Discussion(DiscussionLink):
    """A thread opened for a film, as stored: the link and its history."""

    id: int
    created_at: str
    archived: bool
    archived_at: str | None
    reopened_at: str | None
    reopened_by: int | None
    updated_at: str


@dataclass(frozen=True)
class DiscussionSettings:
    """A server's options: who may open discussions, archive time, policy, guard level."""

    guild_id: int
    starter_role_id: int | None = None
    default_auto_archive_minutes: int = DEFAULT_AUTO_ARCHIVE_MINUTES
    default_spoiler_policy: SpoilerPolicy = SpoilerPolicy.TAGGED_ONLY
    guard_sensitivity: Sensitivity = Sensitivity.MEDIUM


def parse_policy(value: str) -> SpoilerPolicy:
    """The spoiler policy a user named ("allowed" or "tagged-only")."""
    normalised = value.strip().lower().replace("_", "-").replace(" ", "-")
    if normalised not in POLICIES:
        raise InvalidInput(f"Unknown spoiler policy {value[:40]!r}: choose allowed or tagged-only.")
    return SpoilerPolicy(normalised)


def validate_auto_archive(minutes: int) -> int:
    """Discord only archives threads after 60, 1440, 4320 or 10080 minutes of quiet."""
    if minutes not in limits.THREAD_ARCHIVE_MINUTES:
        choices = ", ".join(str(m) for m in limits.THREAD_ARCHIVE_MINUTES)
        raise InvalidInput(
            f"Threads can auto-archive after {choices} minutes (1 hour, 1 day, 3 days, "
            f"1 week), not {minutes}."
        )
    return minutes


def validate_slowmode(seconds: int) -> int:
    """Slowmode is 0 (off) up to 6 hours (21,600 seconds)."""
    if not 0 <= seconds <= limits.SLOWMODE_MAX_SECONDS:
        raise InvalidInput(
            f"Slowmode must be between 0 (off) and {limits.SLOWMODE_MAX_SECONDS:,} seconds "
            f"(6 hours), not {seconds}."
        )
    return seconds
