"""Where each channel's mark may move (docs/replies.md, "Marks and catch-up").

The message path says a message is processed; the batched writer says which records are
written and which the database refused. A mark moves to the newest processed message whose
record is written, and never past a refused one: a catch-up then reads it again from Discord.
Noted edits and deletions (storage/marks.py) that are written are forgotten in the same
transaction as the marks move.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.replies.model import MessageRecord
from storage.marks import ChannelMarks

log = logging.getLogger(__name__)


class MarkKeeper:
    """The marks the writer moves after each batch (none are kept without `marks`)."""

    def __init__(self, marks: ChannelMarks | None) -> None:
        self._marks = marks
        self._wanted: dict[int, tuple[int, int]] = {}  # channel -> (guild, mark to move to)
        self._written: dict[int, int] = {}  # channel -> newest message id written
        self._blocked: dict[int, int] = {}  # channel -> oldest message whose write was refused
        self._resolved: set[int] = set()  # noted events written since the last marks write

    def processed(self, guild_id: int, channel_id: int, message_id: int, *, captured: bool) -> None:
        """Every step of the message path is done with `message_id`; `captured=False`: a
        channel only screened, with nothing to write, so the mark may move there at once."""
        wanted = self._wanted.get(channel_id)
        if wanted is None or wanted[1] < message_id:
            self._wanted[channel_id] = (guild_id, message_id)
        if not captured:
            self._written[channel_id] = max(self._written.get(channel_id, 0), message_id)

    def written(self, records: Iterable[MessageRecord]) -> None:
        """These records are in the database."""
        for record in records:
            if record.message_id > self._written.get(record.thread_id, 0):
                self._written[record.thread_id] = record.message_id

    def block(self, channel_id: int, message_id: int) -> None:
        """The write of `message_id` was refused: the channel's mark stays before it."""
        self._blocked[channel_id] = min(self._blocked.get(channel_id, message_id), message_id)

    def unblock(self) -> None:
        """Every refused write is stored now (or was read again from Discord)."""
        self._blocked.clear()

    def resolved(self, row_ids: Iterable[int]) -> None:
        """These noted events are written (everything queued before them is)."""
        self._resolved.update(row_ids)

    async def write(self, *, clean: bool = True) -> None:
        """Move the marks whose messages are written (up to the newest written, and never to
        a message whose write was refused); with `clean` (no write refused or dropped since),
        forget the noted events that are written."""
        if self._marks is None:
            self._resolved.clear()
            return
        resolved = self._resolved if clean else set()
        if not self._wanted and not resolved:
            return
        moves: dict[int, tuple[int, int]] = {}
        waiting: dict[int, tuple[int, int]] = {}
        for channel, (guild, wanted) in self._wanted.items():
            written = self._written.get(channel)
            if written is None:
                waiting[channel] = (guild, wanted)
                continue
            mark = min(wanted, written)
            if channel in self._blocked:
                mark = min(mark, self._blocked[channel] - 1)
            moves[channel] = (guild, mark)
            if mark < wanted:
                waiting[channel] = (guild, wanted)
        self._wanted = waiting
        try:
            await self._marks.advance(moves, resolved)
        except Exception:
            log.exception("could not move the marks of %d channels", len(moves))
            return
        if resolved:
            self._resolved = set()
