"""What the batched writer's queue holds (capture.py): messages and state changes to write,
flush and stop requests, nudges; and the bounded memory of recent deletions and removals."""

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


Item = MessageRecord | StateChange | Marker | Nudge  # what the writer's queue holds
