"""The moderators' review queue (items, decisions) and member reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.screening.model import (
    IncomingMessage,
    MemberReport,
    ReviewDecision,
    ReviewItem,
    ReviewReason,
    ReviewSource,
    ReviewState,
    StateConflict,
)
from storage.db import transaction, write
from storage.screening import NOW_SQL, inserted_id, scalar, utc_iso


def _item(row: aiosqlite.Row) -> ReviewItem:
    data = dict(row)
    data["source"] = ReviewSource(data["source"])
    data["outcome"] = ReviewReason(data["outcome"])
    data["state"] = ReviewState(data["state"])
    return ReviewItem(**data)


def _decision(row: aiosqlite.Row) -> ReviewDecision:
    data = dict(row)
    data["state"] = ReviewState(data["state"])
    return ReviewDecision(**data)


class ReviewRepository:
    """The moderators' queue, its decisions, and member reports."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def open_item(
        self,
        message: IncomingMessage,
        *,
        source: ReviewSource,
        outcome: ReviewReason,
        rule: str | None = None,
        screened_id: int | None = None,
    ) -> tuple[ReviewItem, bool]:
        """The open item for this message, created if none: (item, created)."""
        async with transaction(self._conn):
            item_id, created = await self._find_or_insert(
                message, source, outcome, rule, screened_id
            )
        return await self._written(item_id), created

    async def _find_or_insert(
        self,
        message: IncomingMessage,
        source: ReviewSource,
        outcome: ReviewReason,
        rule: str | None,
        screened_id: int | None,
    ) -> tuple[int, bool]:
        async with self._conn.execute(
            "SELECT id FROM review_items WHERE message_id = ? "
            "AND state IN ('pending', 'escalated')",
            (message.message_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return int(row[0]), False
        cursor = await self._conn.execute(
            "INSERT INTO review_items (guild_id, channel_id, message_id, author_id, screened_id, "
            "source, outcome, content, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.guild_id,
                message.channel_id,
                message.message_id,
                message.author_id,
                screened_id,
                source,
                outcome,
                message.content,
                rule,
            ),
        )
        return inserted_id(cursor), True

    async def get(self, item_id: int) -> ReviewItem | None:
        items = await self._select("WHERE r.id = ?", (item_id,))
        return items[0] if items else None

    async def _written(self, item_id: int) -> ReviewItem:
        item = await self.get(item_id)
        if item is None:
            raise RuntimeError(f"review item {item_id} vanished as it was written")
        return item

    async def open_for_message(self, message_id: int) -> ReviewItem | None:
        items = await self._select(
            "WHERE r.message_id = ? AND r.state IN ('pending', 'escalated')", (message_id,)
        )
        return items[0] if items else None

    async def by_alert_message(self, alert_message_id: int) -> ReviewItem | None:
        """The item an alert message (with its buttons) belongs to."""
        items = await self._select("WHERE r.alert_message_id = ?", (alert_message_id,))
        return items[0] if items else None

    async def list_pending(self, guild_id: int, limit: int = 25) -> list[ReviewItem]:
        """Open items (pending, then escalated), oldest first."""
        return await self._select(
            "WHERE r.guild_id = ? AND r.state IN ('pending', 'escalated') "
            "ORDER BY r.state = 'escalated', r.id LIMIT ?",
            (guild_id, limit),
        )

    async def set_alert(self, item_id: int, channel_id: int, message_id: int) -> None:
        """Remember the alert message, so its buttons still work after a restart."""
        await write(
            self._conn,
            "UPDATE review_items SET alert_channel_id = ?, alert_message_id = ? WHERE id = ?",
            (channel_id, message_id, item_id),
        )

    async def decide(
        self, item_id: int, state: ReviewState, moderator_id: int, note: str | None = None
    ) -> ReviewItem | None:
        """Move an open item to approved/removed/escalated (None: no such item).

        Raises StateConflict if the item was already closed.
        """
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                f"UPDATE review_items SET state = ?, decided_by = ?, decided_at = {NOW_SQL}, "
                "decision_note = ? WHERE id = ? AND state IN ('pending', 'escalated')",
                (state, moderator_id, note, item_id),
            )
            if cursor.rowcount == 1:
                await self._conn.execute(
                    "INSERT INTO review_decisions (item_id, state, decided_by, note) "
                    "VALUES (?, ?, ?, ?)",
                    (item_id, state, moderator_id, note),
                )
        item = await self.get(item_id)
        if item is not None and cursor.rowcount != 1:
            raise StateConflict(item)
        return item

    async def decisions(self, item_id: int) -> list[ReviewDecision]:
        async with self._conn.execute(
            "SELECT item_id, state, decided_by, note, decided_at FROM review_decisions "
            "WHERE item_id = ? ORDER BY id",
            (item_id,),
        ) as cursor:
            return [_decision(row) for row in await cursor.fetchall()]

    async def add_report(
        self, message: IncomingMessage, reporter_id: int, reason: str, at: datetime | None = None
    ) -> tuple[MemberReport, ReviewItem]:
        """File a member's report (made at `at`, default now); it joins the open item or opens one."""
        async with transaction(self._conn):
            item_id, _ = await self._find_or_insert(
                message, ReviewSource.REPORT, ReviewReason.REPORT, reason, None
            )
            cursor = await self._conn.execute(
                "INSERT INTO member_reports (guild_id, channel_id, message_id, author_id, "
                "reporter_id, reason, review_item_id, created_at) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, {NOW_SQL}))",
                (
                    message.guild_id,
                    message.channel_id,
                    message.message_id,
                    message.author_id,
                    reporter_id,
                    reason,
                    item_id,
                    utc_iso(at) if at is not None else None,
                ),
            )
        async with self._conn.execute(
            "SELECT * FROM member_reports WHERE id = ?", (inserted_id(cursor),)
        ) as c:
            row = await c.fetchone()
        if row is None:
            raise RuntimeError("the member report vanished as it was written")
        return MemberReport(**dict(row)), await self._written(item_id)

    async def has_reported(self, message_id: int, reporter_id: int) -> bool:
        async with self._conn.execute(
            "SELECT 1 FROM member_reports WHERE message_id = ? AND reporter_id = ?",
            (message_id, reporter_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def reports_since(self, guild_id: int, reporter_id: int, since: datetime) -> int:
        """How many reports a member filed in this guild since `since` (for the rate limit)."""
        return await scalar(
            self._conn,
            "SELECT COUNT(*) FROM member_reports WHERE guild_id = ? AND reporter_id = ? "
            "AND created_at >= ?",
            (guild_id, reporter_id, utc_iso(since)),
        )

    async def _select(self, where: str, params: tuple[Any, ...]) -> list[ReviewItem]:
        sql = (
            "SELECT r.*, (SELECT COUNT(*) FROM member_reports m WHERE m.review_item_id = r.id) "
            "AS reports FROM review_items r " + where
        )
        async with self._conn.execute(sql, params) as cursor:
            return [_item(row) for row in await cursor.fetchall()]
