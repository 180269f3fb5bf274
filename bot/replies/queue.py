"""What the batched writer's queue holds (capture.py): messages and state changes to write,
flush and stop requests, nudges, noted events now queued; and the bounded memory of recent deletions and removals."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import TypeVar

from bot.replies.model import MessageRecord, StateChange

REMEMBERED = 10_000  # recent deletions and announced removals kept in memory


Remembered = TypeVar("Remembered")


class Recent(OrderedDict[int, Remembered]):
    """A dict that forgets its oldest entries beyond `REMEMBERED`."""

    def remember(self, key: int, value: Remembered) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > REMEMBERED:
            self.popitem(last=False)


class Nudge:
    """Starts a batch with nothing to write, so marks of channels with nothing to capture
    (screened only) are written soon."""


class Marker:
    """A flush request (its future resolves once everything before it is written) or a stop."""

    def __init__(self, *, stop: bool) -> None:
        self.stop = stop
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class Resolved:
    """Noted edits and deletions (row ids) whose records and changes are queued before this:
    once those are written, the notes are forgotten."""

    def __init__(self, row_ids: tuple[int, ...]) -> None:
        self.row_ids = row_ids


Item = MessageRecord | StateChange | Marker | Nudge | Resolved  # what the writer's queue holds
