"""Rules for film discussion threads, in plain Python: names, options, the "already open" check.

A cog parses the command, calls these and storage/discussions.py, and renders the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import limits
from bot.errors import InvalidInput, UserFacingError

if TYPE_CHECKING:
    from storage.discussions import Discussion, DiscussionRepository

POLICIES = ("allowed", "tagged-only")
TAGGED_ONLY = "tagged-only"
THREAD_SUFFIX = " - discussion"


class AlreadyOpen(UserFacingError):
    """A discussion of this film is already open in this channel; `discussion` is that one."""

    def __init__(self, discussion: Discussion) -> None:
        super().__init__(
            f"A discussion of {discussion.film_label} is already open here: "
            f"<#{discussion.thread_id}>. Join it, or use force to open a second one."
        )
        self.discussion = discussion


def parse_policy(value: str) -> str:
    """The spoiler policy a user named ("allowed" or "tagged-only")."""
    normalised = value.strip().lower().replace("_", "-").replace(" ", "-")
    if normalised not in POLICIES:
        raise InvalidInput(f"Unknown spoiler policy {value!r}: choose allowed or tagged-only.")
    return normalised


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


def thread_name(film_label: str) -> str:
    """ "Title (Year) - discussion", shortened (title first) to Discord's 100 characters."""
    room = limits.THREAD_NAME - len(THREAD_SUFFIX)
    label = " ".join(film_label.split())
    if len(label) > room:
        label = label[: room - 1].rstrip() + "…"
    return label + THREAD_SUFFIX


async def check_can_open(
    repo: DiscussionRepository, channel_id: int, film_id: int, *, force: bool = False
) -> None:
    """Refuse a second open discussion of a film in one channel (unless forced)."""
    if force:
        return
    existing = await repo.open_for_film(channel_id, film_id)
    if existing is not None:
        raise AlreadyOpen(existing)
