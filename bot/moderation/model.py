"""Plain moderation data: case types, cases, amendments, ladder steps and guild configuration.

These classes never touch Discord or SQL; storage/moderation.py returns them and the rest of
bot/moderation/ works on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import InvalidInput, NotFound
from bot.text import has_visible_text

REASON_MAX = 1000  # characters in a case reason
APPEAL_TEXT_MAX = 1000  # characters; sent inside the member's DM
HISTORY_PAGE_SIZE = 10  # cases per `/mod history` page


class CaseNotFound(NotFound):
    """No case with that number in this server (another server's case counts as none)."""

    def __init__(self, number: int) -> None:
        super().__init__(f"There is no case #{number} in this server.")
        self.number = number


class Action(StrEnum):
    """What moderation does: the actions on members and channels, screening's record-only
    cases (delete, hold) and the review desk's message buttons. A case's type is its action,
    with `auto-` in front when the bot acted by itself."""

    WARN = "warn"
    NOTE = "note"
    TIMEOUT = "timeout"
    UNTIMEOUT = "untimeout"
    KICK = "kick"
    BAN = "ban"
    TEMPBAN = "tempban"
    UNBAN = "unban"
    PURGE = "purge"
    LOCK = "lock"
    UNLOCK = "unlock"
    DELETE = "delete"  # screening removed a message (recorded only)
    HOLD = "hold"  # screening held a message for the review queue (recorded only)
    REMOVE_MESSAGE = "remove-message"  # the review desk's Remove
    RESTORE_MESSAGE = "restore-message"  # the review desk's Approve (re-posts a hidden one)


class CaseType(StrEnum):
    """What a case records. `auto-*` types are steps the bot took by itself."""

    WARN = "warn"
    NOTE = "note"
    TIMEOUT = "timeout"
    UNTIMEOUT = "untimeout"
    KICK = "kick"
    BAN = "ban"
    TEMPBAN = "tempban"
    UNBAN = "unban"
    PURGE = "purge"
    LOCK = "lock"
    UNLOCK = "unlock"
    AUTO_WARN = "auto-warn"
    AUTO_TIMEOUT = "auto-timeout"
    AUTO_TEMPBAN = "auto-tempban"
    AUTO_KICK = "auto-kick"
    AUTO_BAN = "auto-ban"
    AUTO_DELETE = "auto-delete"  # screening removed a message
    AUTO_HOLD = "auto-hold"  # screening held a message for the review queue

    @property
    def is_automatic(self) -> bool:
        return self.value.startswith("auto-")

    @property
    def action(self) -> Action:
        """The action without the automatic prefix: "auto-timeout" -> "timeout"."""
        return Action(self.value.removeprefix("auto-"))

    @property
    def label(self) -> str:
        """How a moderator reads the type: "Timeout", "Automatic temporary ban"..."""
        word = _LABELS[self.action]
        return f"Automatic {word[0].lower()}{word[1:]}" if self.is_automatic else word

    @property
    def past_tense(self) -> str:
        """What happened to the member: "timed out", "banned"..."""
        return _PAST_TENSE[self.action]


_LABELS = {
    "warn": "Warning",
    "note": "Note",
    "timeout": "Timeout",
    "untimeout": "Timeout removed",
    "kick": "Kick",
    "ban": "Ban",
    "tempban": "Temporary ban",
    "unban": "Unban",
    "purge": "Purge",
    "lock": "Thread locked",
    "unlock": "Thread unlocked",
    "delete": "Message removed",
    "hold": "Message held for review",
}

_PAST_TENSE = {
    "warn": "warned",
    "note": "noted",
    "timeout": "timed out",
    "untimeout": "released from timeout",
    "kick": "kicked",
    "ban": "banned",
    "tempban": "temporarily banned",
    "unban": "unbanned",
    "purge": "purged",
    "lock": "locked",
    "unlock": "unlocked",
    "delete": "had a message removed",
    "hold": "had a message held for review",
}

# Types that are "in force" when recorded: warnings count towards the ladder until voided,
# timeouts and bans last until they expire, are lifted or voided.
ACTIVE_WHEN_RECORDED = frozenset(
    {
        CaseType.WARN,
        CaseType.AUTO_WARN,
        CaseType.TIMEOUT,
        CaseType.AUTO_TIMEOUT,
        CaseType.BAN,
        CaseType.AUTO_BAN,
        CaseType.TEMPBAN,
        CaseType.AUTO_TEMPBAN,
    }
)
WARNING_TYPES = frozenset({CaseType.WARN, CaseType.AUTO_WARN})
TIMEOUT_TYPES = frozenset({CaseType.TIMEOUT, CaseType.AUTO_TIMEOUT})
BAN_TYPES = frozenset({CaseType.BAN, CaseType.AUTO_BAN, CaseType.TEMPBAN, CaseType.AUTO_TEMPBAN})
CHANNEL_TYPES = frozenset({CaseType.PURGE, CaseType.LOCK, CaseType.UNLOCK})
# Types whose member is told by DM (automatic versions included).
DM_TYPES = frozenset(
    {CaseType.WARN, CaseType.TIMEOUT, CaseType.KICK, CaseType.BAN, CaseType.TEMPBAN}
    | {CaseType.AUTO_WARN, CaseType.AUTO_TIMEOUT, CaseType.AUTO_KICK}
    | {CaseType.AUTO_BAN, CaseType.AUTO_TEMPBAN}
)
# Types that need a duration, and those that must not have one.
TIMED_TYPES = frozenset(TIMEOUT_TYPES | {CaseType.TEMPBAN, CaseType.AUTO_TEMPBAN})


class DmStatus(StrEnum):
    """Whether the member was told by DM."""

    SENT = "sent"
    CLOSED = "closed"  # the member's DMs are closed (403 50007): recorded, not an error
    FAILED = "failed"  # not delivered: a Discord error (5xx, a timeout, another refusal)
    UNKNOWN = "unknown"  # the bot stopped while sending it: whether it arrived is not known
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Amendment:
    """One change of a case's reason: who, when, from what to what."""

    amended_by: int
    amended_at: datetime
    old_reason: str
    new_reason: str


@dataclass(frozen=True)
class NewCase:
    """What a moderator (or the bot) asks to record; the ledger adds number and timestamps.

    `member_id` is None only for cases about a channel (purge, lock, unlock).
    `rule` names the rule that fired, for automatic cases.
    `cites` are case numbers (same guild) that triggered an automatic step.
    """

    guild_id: int
    type: CaseType
    moderator_id: int
    reason: str = ""
    member_id: int | None = None
    member_name: str | None = None
    channel_id: int | None = None
    duration: timedelta | None = None
    jump_url: str | None = None
    dm_status: DmStatus = DmStatus.NOT_APPLICABLE
    rule: str | None = None
    cites: tuple[int, ...] = ()
    ladder_step_warnings: int | None = None  # set on cases the escalation ladder created
    intent_id: int | None = None  # the journal intent that records it (one case per intent)


@dataclass(frozen=True)
class Case:
    """A recorded case, as the ledger holds it. Voided cases stay, marked."""

    guild_id: int
    number: int
    type: CaseType
    moderator_id: int
    reason: str
    created_at: datetime
    member_id: int | None = None
    member_name: str | None = None
    channel_id: int | None = None
    expires_at: datetime | None = None
    active: bool = False
    ended_at: datetime | None = None
    end_reason: str | None = None  # "expired", "voided", "lifted by case #12", "replaced by #9"
    voided_at: datetime | None = None
    voided_by: int | None = None
    void_reason: str | None = None
    jump_url: str | None = None
    dm_status: DmStatus = DmStatus.NOT_APPLICABLE
    rule: str | None = None
    cites: tuple[int, ...] = ()
    ladder_step_warnings: int | None = None
    amendments: tuple[Amendment, ...] = ()

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def duration(self) -> timedelta | None:
        return None if self.expires_at is None else self.expires_at - self.created_at


@dataclass(frozen=True)
class HistoryPage:
    """One page of a member's cases, newest first; `page` counts from 1."""

    cases: tuple[Case, ...]
    page: int
    page_count: int
    total: int


@dataclass(frozen=True)
class VoidResult:
    """A voided case, and whether it was in force (the cog then lifts the timeout or ban)."""

    case: Case
    was_active: bool

    @property
    def lifts(self) -> str | None:
        """ "timeout" or "ban" when voiding must lift something on Discord, else None."""
        if not self.was_active:
            return None
        if self.case.type in TIMEOUT_TYPES:
            return "timeout"
        if self.case.type in BAN_TYPES:
            return "ban"
        return None


@dataclass(frozen=True)
class LadderStep:
    """`warnings` active warnings within `window` -> `action` (for `duration`)."""

    warnings: int
    window: timedelta
    action: Action  # timeout, tempban, kick or ban
    duration: timedelta | None = None


@dataclass(frozen=True)
class ModConfig:
    """A guild's moderation settings, read from the database on every use."""

    guild_id: int
    moderator_role_ids: tuple[int, ...] = ()
    log_channel_id: int | None = None
    alert_channel_id: int | None = None
    appeal_text: str | None = None
    discussion_starter_role_id: int | None = None
    ladder_customised: bool = False


def check_reason(reason: str, *, required: bool = True, what: str = "reason") -> str:
    """The reason stripped; InvalidInput if it is missing (when required) or too long.

    A reason of only invisible characters (zero-width spaces, direction marks) is missing."""
    reason = reason.strip()
    if required and not has_visible_text(reason):
        raise InvalidInput(
            f"A {what} is required: say briefly why, so the case can be understood later."
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            f"The {what} is {len(reason):,} characters long; the limit is {REASON_MAX:,}. "
            f"Shorten it by {len(reason) - REASON_MAX:,} characters."
        )
    return reason


def check_amendment(case: Case, new_reason: str) -> str:
    """The corrected reason of `case`, stripped; InvalidInput if it is bad or the same."""
    reason = check_reason(new_reason, required=case.type != CaseType.NOTE)
    if reason == case.reason:
        raise InvalidInput(f"Case #{case.number} already has exactly that reason.")
    return reason


def check_voidable(case: Case) -> None:
    """InvalidInput if `case` was voided already (a case is voided once)."""
    if case.voided_at is not None:
        raise InvalidInput(
            f"Case #{case.number} was already voided on {case.voided_at:%Y-%m-%d %H:%M} UTC."
        )


def check_history_page(page: int, page_count: int) -> None:
    """InvalidInput for a page (from 1) that a history of `page_count` pages does not have."""
    if not 1 <= page <= page_count:
        pages = "1 page" if page_count == 1 else f"{page_count} pages"
        raise InvalidInput(f"There is no page {page}: this history has {pages}.")


def check_appeal_text(text: str | None) -> str | None:
    """The appeal text as stored: stripped, None when empty; InvalidInput when too long."""
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > APPEAL_TEXT_MAX:
        raise InvalidInput(
            f"The appeal text is {len(cleaned):,} characters long; the limit is "
            f"{APPEAL_TEXT_MAX:,}."
        )
    return cleaned


def check_new_case(new: NewCase) -> str:
    """The cleaned reason; InvalidInput (user's fault) or ValueError (caller's bug)."""
    kind = CaseType(new.type)
    reason = check_reason(new.reason, required=kind != CaseType.NOTE)
    if kind in CHANNEL_TYPES:
        if new.channel_id is None:
            raise ValueError(f"a {kind} case needs channel_id")
    elif new.member_id is None:
        raise ValueError(f"a {kind} case needs member_id")
    if (kind in TIMED_TYPES) != (new.duration is not None):
        raise ValueError(f"a {kind} case {'needs' if kind in TIMED_TYPES else 'takes no'} duration")
    if new.duration is not None and new.duration.total_seconds() <= 0:
        raise ValueError("a case's duration must be positive")
    return reason
