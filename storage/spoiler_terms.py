"""Spoiler terms per discussion (moderators') and per film (learned from members' tags)."""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.spoilers.model import (
    LEARNED_MIN_MEMBERS,
    TERMS_PER_DISCUSSION,
    SpoilerTerm,
    TermChange,
    TermKind,
)
from storage.db import transaction

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


class SpoilerTermRepository:
    """`discussion_spoiler_terms` and `learned_spoiler_terms` (migration 008)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def discussion_terms(
        self, thread_id: int, kind: TermKind = TermKind.ALWAYS
    ) -> list[SpoilerTerm]:
        """A discussion's live terms of one kind, oldest first."""
        rows = await self._conn.execute_fetchall(
            "SELECT term, term_key, added_by FROM discussion_spoiler_terms "
            "WHERE thread_id = ? AND kind = ? AND removed_at IS NULL ORDER BY id",
            (thread_id, kind.value),
        )
        return [SpoilerTerm(r["term"], r["term_key"], r["added_by"]) for r in rows]

    async def add(self, thread_id: int, term: SpoilerTerm, kind: TermKind, by: int) -> TermChange:
        """Set a term for the discussion, unless it is already set the same way or the
        discussion has `TERMS_PER_DISCUSSION` terms (then nothing changes)."""
        async with transaction(self._conn) as conn:
            live = await self._live(conn, thread_id, term.key)
            if live is not None and live["kind"] == kind.value:
                return TermChange.UNCHANGED
            if live is not None:
                await self._retire(conn, live["id"], by)
            elif await self._count(conn, thread_id) >= TERMS_PER_DISCUSSION:
                return TermChange.NO_ROOM
            await conn.execute(
                "INSERT INTO discussion_spoiler_terms (thread_id, term_key, term, kind, added_by) "
                "VALUES (?, ?, ?, ?, ?)",
                (thread_id, term.key, term.text, kind.value, by),
            )
        return TermChange.ADDED

    async def remove(self, thread_id: int, key: str, by: int) -> SpoilerTerm | None:
        """Retire a discussion's term; None when it has none with that key."""
        async with transaction(self._conn) as conn:
            live = await self._live(conn, thread_id, key)
            if live is None:
                return None
            await self._retire(conn, live["id"], by)
        return SpoilerTerm(live["term"], live["term_key"])

    async def _live(
        self, conn: aiosqlite.Connection, thread_id: int, key: str
    ) -> aiosqlite.Row | None:
        async with conn.execute(
            "SELECT id, kind, term, term_key FROM discussion_spoiler_terms "
            "WHERE thread_id = ? AND term_key = ? AND removed_at IS NULL",
            (thread_id, key),
        ) as cur:
            return await cur.fetchone()

    async def _retire(self, conn: aiosqlite.Connection, row_id: int, by: int) -> None:
        await conn.execute(
            f"UPDATE discussion_spoiler_terms SET removed_at = {NOW}, removed_by = ? WHERE id = ?",
            (by, row_id),
        )

    async def _count(self, conn: aiosqlite.Connection, thread_id: int) -> int:
        async with conn.execute(
            "SELECT count(*) FROM discussion_spoiler_terms "
            "WHERE thread_id = ? AND removed_at IS NULL",
            (thread_id,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None else 0

    async def record_tags(
        self,
        film_id: int,
        terms: Iterable[SpoilerTerm],
        *,
        member_id: int,
        thread_id: int,
        message_id: int,
    ) -> None:
        """Remember that a member tagged these terms in the film's discussion (once each)."""
        rows = [(film_id, t.key, t.text, member_id, thread_id, message_id) for t in terms]
        if not rows:
            return
        async with transaction(self._conn) as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO learned_spoiler_terms "
                "(film_id, term_key, term, member_id, thread_id, message_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    async def learned(
        self, film_id: int, min_members: int = LEARNED_MIN_MEMBERS
    ) -> list[SpoilerTerm]:
        """Terms at least `min_members` different members tagged in the film's discussions."""
        rows = await self._conn.execute_fetchall(
            "SELECT term_key, min(term) AS term, count(*) AS members FROM learned_spoiler_terms "
            "WHERE film_id = ? GROUP BY term_key HAVING count(*) >= ? "
            "ORDER BY members DESC, term_key",
            (film_id, min_members),
        )
        return [SpoilerTerm(r["term"], r["term_key"], members=r["members"]) for r in rows]
