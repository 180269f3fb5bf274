"""Plain values of reply chains: a message as seen on Discord, as stored, its versions, a
thread's summary, an imported comment, and the one stored time format.

storage/replies.py reads and writes these; the rest of bot/replies/ works on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class MessageState(StrEnum):
    """What became of a stored message (a tombstone keeps its text for moderators)."""

    VISIBLE = "visible"
    DELETED_BY_AUTHOR = "deleted_by_author"
    REMOVED_BY_MODERATOR = "removed_by_moderator"


class ThreadSource(StrEnum):
    """Where a stored thread came from."""

    DISCORD = "discord"  # captured live or read back from Discord's history
    WXR = "wxr"  # imported from a WordPress export


@dataclass(frozen=True)
class MessageRecord:
    """A message as seen on Discord (live, edited or read back from history)."""

    message_id: int
    thread_id: int
    guild_id: int | None
    author_id: int | None
    author_name: str
    content: str
    created_at: datetime
    parent_id: int | None = None
    attachments: tuple[str, ...] = ()
    edited_at: datetime | None = None


@dataclass(frozen=True)
class ImportedComment:
    """A comment read from a blog export; ids are the source's own."""

    source_id: str
    parent_source_id: str | None
    author_name: str
    content: str
    created_at: datetime
    state: MessageState = MessageState.VISIBLE


@dataclass(slots=True)  # not frozen: a frozen dataclass is ~20x slower to build, and a
class StoredMessage:  # thread view builds tens of thousands of these
    """A message as stored, with its latest text whatever its state."""

    message_id: int
    thread_id: int
    guild_id: int | None
    author_id: int | None
    author_name: str
    content: str
    attachments: tuple[str, ...]
    created_at: datetime
    edited_at: datetime | None
    parent_id: int | None
    root_id: int
    depth: int
    state: MessageState
    removed_by: str | None = None
    source_id: str | None = None
    posted_message_id: int | None = None
    reactions: tuple[tuple[str, int], ...] = ()  # (emoji, count), most first


@dataclass(frozen=True)
class MessageVersion:
    version: int
    content: str
    attachments: tuple[str, ...]
    written_at: datetime | None
    replaced_at: datetime | None


@dataclass(frozen=True)
class ThreadSummary:
    thread_id: int
    guild_id: int | None
    title: str
    source: ThreadSource
    message_count: int
    first_at: datetime | None
    last_at: datetime | None


@dataclass
class UpsertOutcome:
    """What a batch changed: ids stored for the first time, ids whose text was edited."""

    inserted: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    unchanged: int = 0


def iso(moment: datetime | None) -> str | None:
    """The one stored time format: UTC, milliseconds, so text order is time order."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class StateChange:
    """A stored message's new state: deleted by its author, or removed (`by` says who)."""

    message_id: int
    state: MessageState
    by: str | None = None


def parse_iso(text: str | None) -> datetime | None:
    """A stored time read back (None stays None)."""
    return None if text is None else datetime.fromisoformat(text)


class Unwritten(StrEnum):
    """An event received in a captured channel and noted until what it changes is written."""

    EDIT = "edit"
    DELETE = "delete"  # MESSAGE_DELETE: deleted by its author unless a removal was announced
    BULK_DELETE = "bulk"  # a bulk delete: removed by a moderator


@dataclass(frozen=True)
class UnwrittenEvent:
    """One noted event (migration 012): `row_id` identifies it until it is resolved."""

    row_id: int
    channel_id: int
    guild_id: int
    message_id: int
    kind: Unwritten
