"""Screened messages (and those waiting to be screened), original text always kept.

The review queue and member reports are in storage/screening_review.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import aiosqlite

from bot.screening.model import (
    IncomingMessage,
    Outcome,
    ScreenedMessage,
    ScreeningRecord,
    ScreeningStatus,
    SecondLookState,
)
from storage.db import transaction, write

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
ERROR_CHARS = 500  # of the last error stored with a message waiting to be screened


def utc_iso(moment: datetime) -> str:
    """The timestamp format stored in every column (UTC, milliseconds, Z)."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _message(row: aiosqlite.Row) -> ScreenedMessage:
    data = dict(row)
    data["scores"] = json.loads(data["scores"]) if data["scores"] else {}
    data["status"] = ScreeningStatus(data["status"])
    data["outcome"] = Outcome(data["outcome"]) if data["outcome"] is not None else None
    look = data.get("second_look")
    data["second_look"] = SecondLookState(look) if look is not None else None
    return ScreenedMessage(**data)


async def scalar(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()) -> int:
    """The integer a one-value query returns (a count, a next number)."""
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


def inserted_id(cursor: aiosqlite.Cursor) -> int:
    """The id of the row an INSERT just added."""
    if cursor.lastrowid is None:
        raise RuntimeError("the INSERT added no row")
    return cursor.lastrowid


class ScreenedMessageRepository:
    """Every message screened or waiting to be, one row per revision, original text kept."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record(
        self, message: IncomingMessage, result: ScreeningRecord, *, revision: int | None = None
    ) -> ScreenedMessage:
        """Store a message and its screening; `revision` defaults to the next one."""
        async with transaction(self._conn):
            row_id = await self._insert(message, revision, ScreeningStatus.UNSCREENED)
            await self._complete(row_id, result)
        return await self._written(row_id)

    async def record_unscreened(
        self, message: IncomingMessage, error: str, *, retry_after: datetime | None = None
    ) -> ScreenedMessage:
        """Store a message that could not be screened now (queue full, error, timeout)."""
        async with transaction(self._conn):
            row_id = await self._insert(message, None, ScreeningStatus.UNSCREENED)
            await self._conn.execute(
                "UPDATE screened_messages SET last_error = ?, retry_after = ? WHERE id = ?",
                (error[:ERROR_CHARS], utc_iso(retry_after) if retry_after else None, row_id),
            )
        return await self._written(row_id)

    async def complete(self, row_id: int, result: ScreeningRecord) -> ScreenedMessage:
        """Store the screening of a message that was waiting (catch-up)."""
        async with transaction(self._conn):
            await self._complete(row_id, result)
        return await self._written(row_id)

    async def mark_failed(self, row_id: int, error: str, retry_after: datetime) -> ScreenedMessage:
        """Count a failed attempt; the message stays unscreened until `retry_after`."""
        await write(
            self._conn,
            "UPDATE screened_messages SET attempts = attempts + 1, last_error = ?, "
            "retry_after = ? WHERE id = ? AND status = 'unscreened'",
            (error[:ERROR_CHARS], utc_iso(retry_after), row_id),
        )
        return await self._written(row_id)

    async def get(self, row_id: int) -> ScreenedMessage | None:
        async with self._conn.execute(
            "SELECT * FROM screened_messages WHERE id = ?", (row_id,)
        ) as c:
            row = await c.fetchone()
        return None if row is None else _message(row)

    async def _written(self, row_id: int) -> ScreenedMessage:
        stored = await self.get(row_id)
        if stored is None:
            raise RuntimeError(f"screened message {row_id} vanished as it was written")
        return stored

    async def latest(self, message_id: int) -> ScreenedMessage | None:
        """The newest revision stored for a Discord message."""
        async with self._conn.execute(
            "SELECT * FROM screened_messages WHERE message_id = ? ORDER BY revision DESC LIMIT 1",
            (message_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _message(row)

    async def list_unscreened(self, now: datetime, limit: int = 100) -> list[ScreenedMessage]:
        """Messages waiting to be screened whose retry time has come, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM screened_messages WHERE status = 'unscreened' "
            "AND (retry_after IS NULL OR retry_after <= ?) ORDER BY id LIMIT ?",
            (utc_iso(now), limit),
        ) as cursor:
            return [_message(row) for row in await cursor.fetchall()]

    async def count_unscreened(self) -> int:
        return await scalar(
            self._conn, "SELECT COUNT(*) FROM screened_messages WHERE status = 'unscreened'"
        )

    async def _insert(
        self, message: IncomingMessage, revision: int | None, status: ScreeningStatus
    ) -> int:
        if revision is None:
            revision = await scalar(
                self._conn,
                "SELECT COALESCE(MAX(revision) + 1, 0) FROM screened_messages WHERE message_id = ?",
                (message.message_id,),
            )
        cursor = await self._conn.execute(
            "INSERT INTO screened_messages (guild_id, channel_id, parent_id, message_id, "
            "author_id, revision, content, film_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.guild_id,
                message.channel_id,
                message.parent_id,
                message.message_id,
                message.author_id,
                revision,
                message.content,
                message.film_id,
                status,
            ),
        )
        row_id = inserted_id(cursor)
        await self._supersede_looks(row_id)
        return row_id

    async def _supersede_looks(self, row_id: int) -> None:
        """Only a message's newest revision waits for a second look: an older one pending
        (an edit came, or an older row was completed late by the catch-up) is superseded."""
        await self._conn.execute(
            "UPDATE screened_messages SET second_look = ? "
            "WHERE message_id = (SELECT message_id FROM screened_messages WHERE id = ?) "
            "AND second_look = ? AND revision < (SELECT MAX(newer.revision) FROM "
            "screened_messages AS newer WHERE newer.message_id = screened_messages.message_id)",
            (SecondLookState.SUPERSEDED, row_id, SecondLookState.PENDING),
        )

    async def _complete(self, row_id: int, result: ScreeningRecord) -> None:
        await self._conn.execute(
            "UPDATE screened_messages SET status = ?, normalised = ?, scores = ?, backend = ?, "
            "outcome = ?, label = ?, rule = ?, note = ?, second_look = ?, attempts = attempts + 1, "
            f"last_error = NULL, retry_after = NULL, screened_at = {NOW_SQL} WHERE id = ?",
            (
                result.status,
                result.normalised,
                json.dumps({k: round(float(v), 6) for k, v in result.scores.items()}),
                result.backend,
                result.outcome,
                result.label,
                result.rule,
                result.note,
                result.second_look,
                row_id,
            ),
        )
        await self._supersede_looks(row_id)
