"""One path for every message (DESIGN.md): its context is built once, then the core steps
run in a fixed order: spoiler guard, screening, capture.

cogs/messages.py is the only listener for members' messages and edits; it builds a
`MessageContext` and calls the three steps in this order. A guard re-post is screened inside
the guard's journaled intent as its original author's message (the webhook's own
MESSAGE_CREATE is only captured). Messages missed while the bot was away go through the same
path during catch-up (cogs/replies/catchup.py, from the marks of bot/replies/marks.py).

`remove_message` is the one way the bot takes a member's message down for moderation: the
removal is recorded first (so the reply store shows "[removed by a moderator]", never
"deleted by its author"), then Discord is asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.discussions.model import Discussion
from bot.replies.capture import ReplyCapture
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
