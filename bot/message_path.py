"""One path for every message (DESIGN.md): its context is built once, then the core steps
run in a fixed order: spoiler guard, screening, capture.

cogs/messages.py is the only listener for members' messages and edits; it builds a
`MessageContext` and calls the three steps in this order. A guard re-post is screened inside
the guard's journaled intent as its original author's message (the webhook's own
MESSAGE_CREATE is only captured). Messages missed while the bot was away go through the same
path during catch-up (cogs/replies/catchup.py, from the marks of bot/replies/marks.py).

The live event and a catch-up can meet on one message (posted as the bot connects: the
gateway delivers it and the history read lists it). `MessageGate` keeps them from handling
it twice: each message takes its turn under its own lock, and a version (text and edit time)
that is already through the path in this run, or older than one that is, is skipped.

`remove_message` is the one way the bot takes a member's message down for moderation: the
removal is recorded first (so the reply store shows "[removed by a moderator]", never
"deleted by its author"), then Discord is asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from bot.discussions.model import Discussion
from bot.locks import KeyedLocks
from bot.replies.capture import ReplyCapture
from bot.replies.queue import Recent
from bot.screening.policy import MessagePlace


@dataclass(frozen=True)
class MessageContext:
    """Where a message is and who wrote it, looked up once for all the steps."""

    guild_id: int
    place: MessagePlace
    discussion: Discussion | None = None
    author_roles: tuple[int, ...] = field(default=())
    captured: bool = False  # a discussion thread or a tracked channel (reply chains)

    @property
    def film_id(self) -> int | None:
        return self.discussion.film_id if self.discussion is not None else None


@dataclass(frozen=True)
class MessageVersion:
    """One state of a message's text: a digest of its content (16 bytes, so remembering many
    costs little) and when it was last edited (None: never). `MessageVersion.of(...)`."""

    digest: bytes
    edited_at: datetime | None = None

    @classmethod
    def of(cls, content: str, edited_at: datetime | None = None) -> MessageVersion:
        return cls(hashlib.blake2b(content.encode(), digest_size=16).digest(), edited_at)

    def covers(self, other: MessageVersion) -> bool:
        """Whether having handled this version makes handling `other` pointless: the same
        text and edit time, or `other` is an older state (an earlier edit, or the original)."""
        if other == self:
            return True
        if self.edited_at is None:
            return False
        return other.edited_at is None or other.edited_at < self.edited_at


class MessageGate:
    """One message through the path at a time, and each version of it once per run.

    `async with gate.turn(message_id)` holds that message's lock (other messages go on);
    inside it `covers` tells whether this version, or a newer one, already went through, and
    `passed` notes one that just did. The most recent 10,000 messages are remembered: a
    catch-up meets the live event only on what arrived while it read."""

    def __init__(self) -> None:
        self._locks: KeyedLocks[int] = KeyedLocks()  # by message id
        self._passed: Recent[MessageVersion] = Recent()

    @asynccontextmanager
    async def turn(self, message_id: int) -> AsyncIterator[None]:
        """Wait for the message's turn (its lock is dropped once nobody waits for it)."""
        async with self._locks.hold(message_id):
            yield

    def covers(self, message_id: int, version: MessageVersion) -> bool:
        """Whether `version` of the message (or a newer one) already went through the path."""
        passed = self._passed.get(message_id)
        return passed is not None and passed.covers(version)

    def passed(self, message_id: int, version: MessageVersion) -> None:
        """`version` of the message went through every step."""
        current = self._passed.get(message_id)
        if current is None or not current.covers(version):
            self._passed.remember(message_id, version)


async def remove_message(
    capture: ReplyCapture, message_id: int, by: str | int, delete: Callable[[], Awaitable[None]]
) -> None:
    """Record that `by` removes the message, then `delete()` it on Discord (`delete` treats
    "already gone" as done), then record the removal whether or not Discord's delete event
    ever arrives (it does not after a restart or for a message already gone). Whatever
    `delete` raises is the caller's: a refusal leaves the stored message as it was."""
    await capture.mark_removed(message_id, by)
    await delete()
    await capture.removed(message_id, by)
