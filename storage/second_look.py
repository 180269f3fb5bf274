"""The second look's work list: stored messages whose first verdict waits for it.

A row is marked 'pending' with its first verdict (storage/screening.py writes both at once);
what is here takes it out of the list: looked at (with the scores the second look raised, or
as it was), superseded by an edit, or deleted first. Each change applies only to a row still
pending, so a second look that finishes after an edit or a deletion changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from bot.screening.model import ScreenedMessage, ScreeningRecord, SecondLookState
from storage.db import transaction
from storage.screening import ScreenedMessageRepository, scalar

PENDING = SecondLookState.PENDING


class SecondLookRepository:
    """Pending second looks, read and settled."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._messages = ScreenedMessageRepository(conn)

    async def pending(self, limit: int = 100) -> list[ScreenedMessage]:
        """Rows waiting for their second look, oldest first."""
        async with self._conn.execute(
            "SELECT id FROM screened_messages WHERE second_look = ? ORDER BY id LIMIT ?",
            (PENDING, limit),
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        found = [await self._messages.get(row_id) for row_id in ids]
        return [row for row in found if row is not None]

    async def count_pending(self) -> int:
        return await scalar(
            self._conn, "SELECT COUNT(*) FROM screened_messages WHERE second_look = ?", (PENDING,)
        )

    async def raise_scores(self, row_id: int, result: ScreeningRecord) -> bool:
        """Store what the second look concluded for a pending row (its scores, outcome, rule)
        and mark it done; False if the row was no longer pending."""
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "UPDATE screened_messages SET scores = ?, outcome = ?, label = ?, rule = ?, "
                "second_look = ? WHERE id = ? AND second_look = ?",
                (
                    json.dumps({k: round(float(v), 6) for k, v in result.scores.items()}),
                    result.outcome,
                    result.label,
                    result.rule,
                    SecondLookState.DONE,
                    row_id,
                    PENDING,
                ),
            )
        return cursor.rowcount > 0

    async def done(self, row_ids: Sequence[int]) -> int:
        """Mark pending rows looked at with nothing to change; how many were still pending."""
        return await self._settle(
            "UPDATE screened_messages SET second_look = ? WHERE second_look = ? AND id IN ",
            SecondLookState.DONE,
            row_ids,
        )

    async def deleted(self, message_ids: Sequence[int]) -> int:
        """The Discord messages were deleted: their pending looks end unflagged."""
        return await self._settle(
            "UPDATE screened_messages SET second_look = ? WHERE second_look = ? AND message_id IN ",
            SecondLookState.DELETED,
            message_ids,
        )

    async def _settle(self, sql: str, state: SecondLookState, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        marks = ", ".join("?" * len(ids))
        async with transaction(self._conn):
            cursor = await self._conn.execute(f"{sql}({marks})", (state, PENDING, *ids))
        return cursor.rowcount
