"""The spoiler guard's data, as storage and the core share it: sensitivity, terms, records.

A discussion's terms are set by moderators (`/discuss spoiler-terms`) and always count as
reveals there. Learned terms come from what members wrap in ||tags|| in a film's discussions:
once `LEARNED_MIN_MEMBERS` different members have tagged a term it counts like a plot term.
How a term is keyed and checked is bot/spoilers/terms.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import InvalidInput

TERM_MAX_CHARS = 100
TERM_MAX_WORDS = 6
TERMS_PER_DISCUSSION = 100
LEARNED_MIN_MEMBERS = 3


class Sensitivity(StrEnum):
    """How readily the guard tags: the score a sentence needs to count as a reveal."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def threshold(self) -> int:
        return {"low": 3, "medium": 2, "high": 1}[self.value]


def parse_sensitivity(value: str) -> Sensitivity:
    """The sensitivity a user named; InvalidInput listing the choices otherwise."""
    try:
        return Sensitivity(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Sensitivity)
        raise InvalidInput(f"Unknown sensitivity {value!r}: choose one of {choices}.") from None


class TermKind(StrEnum):
    """A moderator's term of a discussion: always a reveal there, or a learned one ignored."""

    ALWAYS = "always"
    NEVER = "never"


class TermChange(StrEnum):
    """What setting a discussion's term did."""

    ADDED = "added"
    UNCHANGED = "unchanged"  # it was already set, the same way
    NO_ROOM = "no-room"  # the discussion has `TERMS_PER_DISCUSSION` terms already


@dataclass(frozen=True)
class SpoilerTerm:
    """A term as typed (`text`, shown neutralised) and its match key (stems joined by spaces)."""

    text: str
    key: str
    added_by: int | None = None
    members: int = 0  # for learned terms: how many different members tagged it

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(self.key.split())


class GuardTrigger(StrEnum):
    """Who asked for a re-post: the guard itself, or a member ("Spoiler-tag this")."""

    GUARD = "guard"
    MEMBER = "member"


class NoteStatus(StrEnum):
    """Whether the author's private note was sent, refused (their DMs are closed), not
    delivered (a Discord error) or not needed. The delivered ones share DmStatus's values."""

    PENDING = "pending"
    SENT = "sent"
    CLOSED = "closed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the bot stopped while sending it
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class GuardRecord:
    """A comment the guard (or "Spoiler-tag this") re-posted, its original kept."""

    id: int
    discussion_id: int
    original_message_id: int
    author_id: int
    original_text: str
    rewritten_text: str
    reasons: tuple[str, ...]
    trigger: GuardTrigger
    sensitivity: Sensitivity | None
    original_deleted_at: str | None
    note_status: NoteStatus
    created_at: str
    repost_message_ids: tuple[int, ...] = ()
