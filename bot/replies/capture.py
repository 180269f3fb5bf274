"""Capturing messages without slowing the bot: an in-memory queue written to SQLite in batches.

The event handlers call `record` and `mark_deleted`, which only append to a queue and return at
once. A background task writes a batch when `batch_size` items are waiting or `flush_ms` after
the first one arrived, whichever comes first. Items are applied in the order they were queued,
so a deletion never overtakes the message it deletes. `stop()` writes everything still queued
before it returns; so does the writer when its task is cancelled.

Deletions are remembered for a while, so a message whose capture arrives after its deletion (the
handler was still deciding whether to capture it) still ends as a tombstone. Features that delete
a message for moderation call `await mark_removed(id, by)` first: the MESSAGE_DELETE that follows
is then recorded as a removal by a moderator, not a deletion by the author.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from bot.replies.marks import MarkKeeper
from bot.replies.model import MessageRecord, MessageState, StateChange
from bot.replies.queue import Item, Marker, Nudge, Recent, Resolved
from bot.replies.saving import save_messages
from bot.settings import Settings
from storage.marks import ChannelMarks
from storage.replies import ReplyRepository

log = logging.getLogger(__name__)

HELD = 10_000  # writes refused by the database, kept in memory and retried (then re-read)
RETRY_SECONDS = 5.0  # while writes are held, retried this often even with nothing new
BULK_DELETE = (
    "bulk delete"  # who removed a message no feature announced: members cannot bulk delete
)


class ReplyCapture:
    """The batched writer: `async with ReplyCapture(repo, batch_size=..., flush_ms=...) as
    capture:` or start()/stop() (`from_settings` reads both from the settings)."""

    def __init__(
        self,
        repo: ReplyRepository,
        *,
        batch_size: int,
        flush_ms: int,
        marks: ChannelMarks | None = None,
    ) -> None:
        if batch_size < 1 or flush_ms < 0:
            raise ValueError("batch_size must be at least 1 and flush_ms at least 0")
        self._repo = repo
        self._batch_size = batch_size
        self._flush_seconds = flush_ms / 1000
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._marks = MarkKeeper(marks)
        self._held: list[MessageRecord | StateChange] = []  # refused writes, retried
        self._overflowed = False
        self._rereading = False  # the hold overflowed and writes work again: re-read it
        self.on_recovered: Callable[[], None] | None = None  # called when that happens
        self._nudged = False
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._announced: Recent[str] = Recent()  # message id -> who will remove it
        self._gone: Recent[StateChange] = Recent()  # message id -> the change applied to it
        self.written = 0
        self.batches = 0

    @classmethod
    def from_settings(
        cls, repo: ReplyRepository, settings: Settings, marks: ChannelMarks | None = None
    ) -> ReplyCapture:
        """Batch size and delay from REPLIES_BATCH_SIZE and REPLIES_FLUSH_MS."""
        return cls(
            repo,
            batch_size=settings.replies_batch_size,
            flush_ms=settings.replies_flush_ms,
            marks=marks,
        )

    async def __aenter__(self) -> ReplyCapture:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reply-capture-writer")

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def record(self, message: MessageRecord) -> None:
        """Queue a new message, or a newer copy of one (an edit, a backfilled copy)."""
        self._put(message)
        gone = self._gone.get(message.message_id)
        if gone is not None:  # captured after its deletion: tombstone it again
            self._put(gone)

    def mark_deleted(self, message_id: int, *, bulk: bool = False) -> None:
        """Queue: Discord reported the message deleted (MESSAGE_DELETE or a bulk delete).

        Recorded as removed when a feature announced the removal with `mark_removed`, or when it
        was a bulk delete (only bots bulk delete); otherwise as deleted by its author.
        """
        by = self._announced.pop(message_id, None)
        if by is None and bulk:
            by = BULK_DELETE
        if by is None:
            change = StateChange(message_id, MessageState.DELETED_BY_AUTHOR)
        else:
            change = StateChange(message_id, MessageState.REMOVED_BY_MODERATOR, by)
        self._apply(change)

    async def mark_removed(self, message_id: int, by: str | int) -> None:
        """Call BEFORE the bot deletes a message for moderation reasons.

        `by` is the moderator's user id, or a word such as "screener". The deletion that follows
        is recorded as "[removed by a moderator]"; if the delete fails, nothing changes. Called
        after the deletion instead, it turns the author's deletion into a removal.
        """
        by = str(by)
        if message_id in self._gone:
            self._apply(StateChange(message_id, MessageState.REMOVED_BY_MODERATOR, by))
        else:
            self._announced.remember(message_id, by)

    def mark_processed(
        self, guild_id: int, channel_id: int, message_id: int, *, captured: bool = True
    ) -> None:
        """Every step of the message path is done with `message_id` (its record, if any, was
        queued before): the channel's mark moves there once that record is written, never
        past a message whose write was refused (the catch-up reads it again from Discord).
        `captured=False` (a channel only screened): nothing is written, the mark moves soon."""
        self._marks.processed(guild_id, channel_id, message_id, captured=captured)
        if not captured and not self._nudged and not self._stopping:
            self._nudged = True
            self._put(Nudge())

    def resolved(self, row_ids: Iterable[int]) -> None:
        """Noted edits and deletions (storage/marks.py) whose writes are queued already: they
        are forgotten once everything before this call is written, unless a write was
        refused or dropped meanwhile (then the next catch-up resolves them again)."""
        ids = tuple(row_ids)
        if ids and not self._stopping:
            self._put(Resolved(ids))

    def missed(self, channel_id: int, message_id: int) -> None:
        """The message path could not finish `message_id` (the database refused a write): the
        channel's mark stays before it and a catch-up re-reads it once writes work again."""
        self._marks.block(channel_id, message_id)
        self._overflowed = True

    def writes_work(self) -> None:
        """The database took a write again (storage/health.py): with nothing held, what was
        dropped or missed is re-read now; held writes are retried first (by a nudge)."""
        if self._held and not self._stopping:
            self._put(Nudge())
        elif self._overflowed:
            self._recovered()

    def _recovered(self) -> None:
        self._overflowed, self._rereading = False, True
        if self.on_recovered is not None:
            self.on_recovered()

    @property
    def rereading(self) -> bool:
        """The hold overflowed, writes work again, and a catch-up must re-read the rest."""
        return self._rereading

    def reread_done(self) -> None:
        """A catch-up read every channel again from its mark after `on_recovered`: once
        nothing is held, the marks may move past the messages that were dropped."""
        if self._rereading and not self._held and not self._overflowed:
            self._rereading = False
            self._marks.unblock()

    @property
    def held(self) -> int:
        """Writes the database refused, waiting to be retried."""
        return len(self._held)

    async def removed(self, message_id: int, by: str | int) -> None:
        """The bot removed the message (after `mark_removed` and the delete): written now,
        not queued, so a journaled removal is on disk before its step is marked done."""
        change = StateChange(message_id, MessageState.REMOVED_BY_MODERATOR, str(by))
        self._gone.remember(message_id, change)  # a copy captured later is tombstoned too
        await self._repo.mark_removed(message_id, str(by))

    async def store_now(self, record: MessageRecord) -> None:
        """Write one message at once, bypassing the queue (a journaled step needs it kept)."""
        await save_messages(self._repo, [record])

    def replay_deletions(self, message_ids: Iterable[int]) -> None:
        """Queue again the deletions known for these ids (after a backfill stored them)."""
        for message_id in message_ids:
            gone = self._gone.get(message_id)
            if gone is not None:
                self._put(gone)

    def _apply(self, change: StateChange) -> None:
        self._gone.remember(change.message_id, change)
        self._put(change)

    async def flush(self) -> None:
        """Return once everything queued before this call is in the database."""
        marker = Marker(stop=False)
        self._put(marker)
        self.start()
        await marker.done

    async def stop(self) -> None:
        """Write everything still queued, then end the writer. Safe to call twice."""
        if self._stopping:
            if self._task is not None:
                await self._task
            return
        marker = Marker(stop=True)
        self._queue.put_nowait(marker)
        self._stopping = True
        self.start()
        await marker.done

    def _put(self, item: Item) -> None:
        if self._stopping:
            raise RuntimeError("reply capture is stopped; nothing more can be queued")
        self._queue.put_nowait(item)

    async def _run(self) -> None:
        batch: list[Item] = []
        try:
            while True:
                batch = [await self._next()]
                await self._fill(batch)
                await self._write(batch)
                if any(isinstance(item, Marker) and item.stop for item in batch):
                    return
                batch = []
        except asyncio.CancelledError:
            # Cancelled without stop() (e.g. the loop shutting down): write what is left. An
            # interrupted transaction was rolled back by storage.db.transaction, and writing
            # its batch again is safe because every write is idempotent.
            await self._write(batch + self._drain())
            self._stopping = True
            raise

    async def _next(self) -> Item:
        """The next item queued; a nudge after RETRY_SECONDS when writes are held, so they
        are retried (and an overflow re-read) even when nothing new arrives."""
        if not self._held:
            return await self._queue.get()
        try:
            async with asyncio.timeout(RETRY_SECONDS):
                return await self._queue.get()
        except TimeoutError:
            return Nudge()

    def _drain(self) -> list[Item]:
        items: list[Item] = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    async def _fill(self, batch: list[Item]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._flush_seconds
        while len(batch) < self._batch_size and not isinstance(batch[-1], Marker):
            try:
                batch.append(self._queue.get_nowait())
                continue
            except asyncio.QueueEmpty:
                pass
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                async with asyncio.timeout(remaining):
                    batch.append(await self._queue.get())
            except TimeoutError:
                return

    async def _write(self, batch: list[Item]) -> None:
        self._nudged = False
        await self._retry_held()
        records: list[MessageRecord] = []
        markers: list[Marker] = []
        for item in batch:
            if isinstance(item, MessageRecord):
                records.append(item)
                continue
            await self._write_records(records)
            records = []
            if isinstance(item, StateChange):
                await self._apply_state(item)
            elif isinstance(item, Marker):
                markers.append(item)
            elif isinstance(item, Resolved):
                self._marks.resolved(item.row_ids)
        await self._write_records(records)
        await self._marks.write(clean=not (self._held or self._overflowed or self._rereading))
        self.batches += 1
        # Only now: a stop() waiting on its marker may close the database next.
        for marker in markers:
            if not marker.done.done():
                marker.done.set_result(None)

    def _hold(self, item: MessageRecord | StateChange, channel_id: int | None = None) -> None:
        """Keep a refused write for the next batch (at most HELD); its channel's mark stops
        before it, so a restart reads it again from Discord even if memory overflowed."""
        if channel_id is not None and isinstance(item, MessageRecord):
            self._marks.block(channel_id, item.message_id)
        if len(self._held) < HELD:
            self._held.append(item)
        else:
            self._overflowed = True
            log.warning(
                "more than %d captured writes refused: the rest is re-read from Discord once "
                "writes work again",
                HELD,
            )

    async def _retry_held(self) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        records = [item for item in held if isinstance(item, MessageRecord)]
        try:
            await save_messages(self._repo, records)
        except Exception as error:
            log.warning("%d held captured messages still cannot be written: %s", len(held), error)
            self._held = held
            return
        self.written += len(records)
        self._marks.written(records)
        for change in (item for item in held if isinstance(item, StateChange)):
            await self._apply_state(change)
        log.info("%d held captured writes are stored now", len(held))
        if self._overflowed:  # the marks wait for a catch-up to re-read what was dropped
            self._recovered()
        elif not self._rereading:
            self._marks.unblock()

    async def _write_records(self, records: list[MessageRecord]) -> None:
        if not records:
            return
        try:
            await save_messages(self._repo, records)
            self.written += len(records)
            self._marks.written(records)
        except Exception:
            log.exception("writing %d captured messages failed; retrying one by one", len(records))
            for record in records:
                await self._write_one(record)

    async def _write_one(self, record: MessageRecord) -> None:
        try:
            await save_messages(self._repo, [record])
            self.written += 1
            self._marks.written([record])
        except Exception as error:
            log.error(
                "captured message %s could not be stored (held, retried): %s",
                record.message_id,
                error,
            )
            self._hold(record, record.thread_id)

    async def _apply_state(self, change: StateChange) -> None:
        try:
            if change.state is MessageState.DELETED_BY_AUTHOR:
                changed = await self._repo.mark_deleted(change.message_id)
            else:
                changed = await self._repo.mark_removed(change.message_id, change.by or "unknown")
        except Exception as error:
            log.error(
                "could not mark message %s as %s (held, retried): %s",
                change.message_id,
                change.state,
                error,
            )
            self._hold(change)
            return
        if not changed:
            log.debug("message %s: %s changed nothing", change.message_id, change.state)
