"""The replies service: everything the cogs use of reply chains, on one object.

It owns the reply store and the channel marks (private) and exposes the capture scope
(`/thread track`), the batched writer (`capture`: features that delete a message for
moderation call `await replies.capture.mark_removed(message_id, by)` BEFORE deleting it), the
views of `/thread`, exports, backfill, and where each channel's catch-up starts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

import aiosqlite

from bot import limits
from bot.errors import NotFound
from bot.replies import views
from bot.replies.backfill import BackfillReport, ReadRange, merge_history, unseen_in_range
from bot.replies.capture import ReplyCapture
from bot.replies.export import ExportFormat, ExportResult, export_thread
from bot.replies.model import (
    MessageRecord,
    MessageVersion,
    StoredMessage,
    Unwritten,
    UnwrittenEvent,
)
from bot.replies.render import RenderedTree, RenderOptions
from bot.replies.scope import CaptureScope
from bot.settings import Settings
from storage.health import StorageHealth, health
from storage.marks import ChannelMarks
from storage.replies import ReplyRepository

MS_PER_HOUR = 3_600_000
SNOWFLAKE_TIME_SHIFT = 22  # a Discord id holds its creation time in ms above its low 22 bits

DiscussionCheck = Callable[[int], Awaitable[bool]]


class Replies:
    """Reply chains for the cogs: `scope`, `capture`, and the reads and writes below."""

    def __init__(
        self,
        repo: ReplyRepository,
        marks: ChannelMarks,
        *,
        capture: ReplyCapture,
        scope: CaptureScope,
        storage: StorageHealth | None = None,
        reconcile_hours: int = 0,
    ) -> None:
        """`storage`: the database's health, told when writes work again (the writer then
        retries what it holds); `reconcile_hours`: how far before its mark a catch-up
        re-checks a channel's stored messages (REPLIES_RECONCILE_HOURS)."""
        self._repo = repo
        self._reconcile_hours = reconcile_hours
        self._marks = marks
        self._storage = storage
        self.capture = capture
        self.scope = scope

    @classmethod
    def open(
        cls, conn: aiosqlite.Connection, settings: Settings, is_discussion: DiscussionCheck
    ) -> Replies:
        """The service on `conn`: batch size and delay from the settings; `is_discussion`
        says whether a thread is a film discussion (those are always captured)."""
        repo, marks = ReplyRepository(conn), ChannelMarks(conn)
        capture = ReplyCapture.from_settings(repo, settings, marks)
        scope = CaptureScope(repo, is_discussion)
        return cls(
            repo,
            marks,
            capture=capture,
            scope=scope,
            storage=health(conn),
            reconcile_hours=settings.replies_reconcile_hours,
        )

    async def start(self) -> None:
        """Read the tracked channels and start the writer (after migrations)."""
        await self.scope.load()
        self.capture.start()
        if self._storage is not None:
            self._storage.on_writable.append(self.capture.writes_work)

    async def stop(self) -> None:
        """Write everything still queued (before the database closes)."""
        if self._storage is not None and self.capture.writes_work in self._storage.on_writable:
            self._storage.on_writable.remove(self.capture.writes_work)
        await self.capture.stop()

    # --- what /thread shows ------------------------------------------------------------
    async def thread_outline(
        self, thread_id: int, options: RenderOptions | None = None
    ) -> RenderedTree:
        """`/thread tree` without a message: the whole discussion, paged."""
        return await views.thread_outline(self._repo, thread_id, options)

    async def chain_outline(
        self, message_id: int, options: RenderOptions | None = None
    ) -> RenderedTree:
        """`/thread tree message:` and "Show reply chain": ancestors, the message, replies."""
        return await views.chain_outline(self._repo, message_id, options)

    async def original_text(self, message_id: int, limit: int = limits.EMBED_DESCRIPTION) -> str:
        """`/thread original` (moderators): the stored text, its state, earlier versions."""
        return await views.original_text(self._repo, message_id, limit)

    async def message(self, message_id: int) -> StoredMessage:
        """One stored message, whatever its state; NotFound when the bot never kept it."""
        stored = await self._repo.get_message(message_id)
        if stored is None:
            raise NotFound("The bot has no record of that message.")
        return stored

    async def thread_messages(self, thread_id: int) -> list[StoredMessage]:
        """Every stored message of a thread, oldest first."""
        return await self._repo.thread_messages(thread_id)

    async def versions(self, message_id: int) -> list[MessageVersion]:
        """Earlier texts of an edited message, oldest first."""
        return await self._repo.versions(message_id)

    async def set_thread_title(self, thread_id: int, guild_id: int | None, title: str) -> None:
        """The thread's name, for exports and `threads list`."""
        await self._repo.set_thread_title(thread_id, guild_id, title)

    async def export(self, thread_id: int, fmt: ExportFormat, out: Path) -> ExportResult:
        """Write a stored thread to `out` (see export.py)."""
        return await export_thread(self._repo, thread_id, fmt, out)

    async def merge_history(self, records: Iterable[MessageRecord]) -> BackfillReport:
        """Store what Discord's history holds and the store does not; a message deleted while
        its page was in hand is tombstoned again."""
        merged = await merge_history(self._repo, records)
        self.capture.replay_deletions(merged.new)
        return merged

    async def tombstone_unseen(self, read: ReadRange) -> list[int]:
        """After a history read: the stored messages inside the range it read completely that
        Discord no longer has become "[deleted by its author]", as a live deletion would."""
        gone = await unseen_in_range(self._repo, read)
        self.tombstone(gone)
        return gone

    # --- marks and catch-up ------------------------------------------------------------
    async def mark(self, channel_id: int) -> int | None:
        """The newest message of the channel that went through the whole message path."""
        return await self._marks.get(channel_id)

    async def catch_up_window(self, channel_id: int) -> tuple[int, dict[int, str | None]]:
        """Where a captured channel's catch-up reads from, and the visible stored messages
        after it (id -> stored `edited_at`, to reconcile against Discord's history)."""
        start = await self.window_start(channel_id)
        return start, await self._marks.stored_window(channel_id, start)

    async def window_start(self, channel_id: int) -> int:
        """The mark (or, before any mark, the newest stored message), moved back by
        `reconcile_hours` so the stored messages of those hours are re-checked; the channel's
        own id (its whole history) when nothing is known."""
        mark = await self._marks.get(channel_id)
        if mark is None:
            mark = await self._repo.newest_message_id(channel_id)
        if mark is None:
            return channel_id
        back = self._reconcile_hours * MS_PER_HOUR << SNOWFLAKE_TIME_SHIFT
        return max(0, mark - back)

    async def start_mark(self, channel_id: int, guild_id: int, message_id: int) -> None:
        """A channel seen for the first time: its mark starts at `message_id`."""
        await self._marks.advance({channel_id: (guild_id, message_id)})

    def tombstone(self, message_ids: Sequence[int], *, bulk: bool = False) -> None:
        """Messages gone from Discord's history while the bot was away: deleted by their
        authors (unless a removal was announced; `bulk`: removed by a bulk delete)."""
        for message_id in message_ids:
            self.capture.mark_deleted(message_id, bulk=bulk)

    # --- edits and deletions received but not written yet ------------------------------
    async def note_unwritten(
        self, channel_id: int, guild_id: int, message_ids: Sequence[int], kind: Unwritten
    ) -> list[int]:
        """Note, durably, events received in a captured channel before they are queued; the
        row ids go to `capture.resolved` once their writes are queued."""
        return await self._marks.note(channel_id, guild_id, message_ids, kind)

    async def unwritten(self) -> list[UnwrittenEvent]:
        """Noted events still not known to be written (a killed process leaves some)."""
        return await self._marks.unwritten()
