"""Screening's plain values: messages and their screening, review items, reports, policies.

Storage returns these (storage/screening*.py); the rules that use them are in
bot/screening/policy.py and bot/screening/service.py. Enums are StrEnums, so the strings
stored in the database are their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import NotFound

SERVER_WIDE = 0  # channel_id of thresholds that apply to the whole server


class Outcome(StrEnum):
    """What happens to a message: left alone, left visible for review, or hidden for review."""

    PASS = "pass"
    FLAG = "flag"
    HIDE = "hide"

    @property
    def rank(self) -> int:
        return {"pass": 0, "flag": 1, "hide": 2}[self.value]


class ScreeningStatus(StrEnum):
    """Where a stored message stands: scored, skipped (nothing to score), or waiting."""

    SCREENED = "screened"
    SKIPPED = "skipped"
    UNSCREENED = "unscreened"


class SecondLookState(StrEnum):
    """Where a stored message stands with the embedded backend's second look (None: none due)."""

    PENDING = "pending"  # its first verdict is stored; the second look is still to come
    DONE = "done"
    SUPERSEDED = "superseded"  # an edit's newer revision is looked at instead
    DELETED = "deleted"  # deleted before its second look: never flagged


class ReviewSource(StrEnum):
    """Who put a message in the review queue."""

    SCREENING = "screening"
    REPORT = "report"


class ReviewReason(StrEnum):
    """Why a review item exists: screening flagged or hid the message, or a member reported it."""

    FLAG = "flag"
    HIDE = "hide"
    REPORT = "report"


class ReviewState(StrEnum):
    """A review item's state; pending and escalated items are open."""

    PENDING = "pending"
    APPROVED = "approved"
    REMOVED = "removed"
    ESCALATED = "escalated"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES


OPEN_STATES = frozenset({ReviewState.PENDING, ReviewState.ESCALATED})


class Scope(StrEnum):
    """Where messages are screened (channels set to "screen" are always included)."""

    THREADS = "threads"  # the film discussion threads only
    CHANNELS = "channels"  # only the channels chosen with /mod screening channel
    EVERYWHERE = "everywhere"  # every channel but the exempt ones


class ChannelMode(StrEnum):
    SCREEN = "screen"
    EXEMPT = "exempt"


@dataclass(frozen=True)
class IncomingMessage:
    """A message to screen, as the cog sees it."""

    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str
    film_id: int | None = None
    parent_id: int | None = None  # the parent channel when posted in a thread


@dataclass(frozen=True)
class ScreeningRecord:
    """What screening concluded, to store with the message."""

    status: ScreeningStatus
    scores: dict[str, float]
    backend: str
    outcome: Outcome
    normalised: str | None = None
    label: str | None = None
    rule: str | None = None
    note: str | None = None
    second_look: SecondLookState | None = None


@dataclass(frozen=True)
class ScreenedMessage:
    """One stored revision of a message; `outcome` is None until it is screened."""

    id: int
    guild_id: int
    channel_id: int
    parent_id: int | None
    message_id: int
    author_id: int
    revision: int
    content: str
    film_id: int | None
    status: ScreeningStatus
    normalised: str | None
    scores: dict[str, float]
    backend: str | None
    outcome: Outcome | None
    label: str | None
    rule: str | None
    note: str | None
    attempts: int
    last_error: str | None
    retry_after: str | None
    received_at: str
    screened_at: str | None
    second_look: SecondLookState | None = None

    @property
    def hidden(self) -> bool:
        return self.outcome is Outcome.HIDE

    def incoming(self) -> IncomingMessage:
        """The stored message in the shape screening takes (for catch-up and reviews)."""
        return IncomingMessage(
            self.guild_id,
            self.channel_id,
            self.message_id,
            self.author_id,
            self.content,
            self.film_id,
            self.parent_id,
        )


@dataclass(frozen=True)
class ReviewItem:
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    screened_id: int | None
    source: ReviewSource
    outcome: ReviewReason
    content: str
    rule: str | None
    state: ReviewState
    decided_by: int | None
    decided_at: str | None
    decision_note: str | None
    alert_channel_id: int | None
    alert_message_id: int | None
    created_at: str
    reports: int = 0

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class ReviewDecision:
    item_id: int
    state: ReviewState
    decided_by: int
    note: str | None
    decided_at: str


@dataclass(frozen=True)
class MemberReport:
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    reporter_id: int
    reason: str
    review_item_id: int
    created_at: str


class StateConflict(Exception):
    """A review item was already decided (e.g. two moderators clicked at once)."""

    def __init__(self, item: ReviewItem) -> None:
        super().__init__(f"review item {item.id} is already {item.state}")
        self.item = item


class ReviewItemNotFound(NotFound):
    """No review item has that number (in this server)."""

    def __init__(self, item_id: int, *, here: bool = False) -> None:
        super().__init__(f"There is no review item #{item_id}{' in this server' if here else ''}.")
        self.item_id = item_id


class ScreenedMessageNotFound(NotFound):
    """No stored screening has that id."""

    def __init__(self, row_id: int) -> None:
        super().__init__(f"There is no screened message #{row_id}.")
        self.row_id = row_id


@dataclass(frozen=True)
class PolicyRow:
    guild_id: int
    enabled: bool
    scope: Scope
    updated_by: int | None
    updated_at: str | None


@dataclass(frozen=True)
class ChannelModeRow:
    channel_id: int
    mode: ChannelMode


@dataclass(frozen=True)
class ThresholdRow:
    channel_id: int  # SERVER_WIDE: the whole server
    label: str
    flag: float | None
    hide: float | None


@dataclass(frozen=True)
class PolicyRecords:
    """Everything stored for one guild; bot.screening.policy turns it into a policy."""

    policy: PolicyRow
    exempt_roles: frozenset[int]
    channel_modes: tuple[ChannelModeRow, ...]
    thresholds: tuple[ThresholdRow, ...]
