"""The journal's intents (migration 009): written before Discord is called, marked step by step.

Every write is one short transaction (storage.db.transaction), so a step's "done" mark is on
disk before the next step starts. Payload, results and state are JSON text.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.journal.model import JSON, Intent, Status
from storage.db import transaction
from storage.times import from_db_time, to_db_time

log = logging.getLogger(__name__)

ERROR_KEPT = 1000  # characters of a step's last error kept with its intent


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _path(step: str) -> str:
    """A JSON path to key `step` (names may hold dashes, so the key is quoted)."""
    return '$."' + step.replace('"', "") + '"'


def _moment(text: str) -> datetime:
    """A time the table always has (NOT NULL)."""
    moment = from_db_time(text)
    assert moment is not None
    return moment


def _intent(row: aiosqlite.Row) -> Intent:
    return Intent(
        id=row["id"],
        kind=row["kind"],
        key=row["key"],
        payload=json.loads(row["payload"]),
        steps=tuple(json.loads(row["steps"])),
        results=json.loads(row["results"]),
        state=json.loads(row["state"]),
        started=tuple(json.loads(row["started"])),
        status=Status(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=from_db_time(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=_moment(row["created_at"]),
        updated_at=_moment(row["updated_at"]),
    )


class JournalRepository:
    """Intents on one connection (implements bot.journal.runner.JournalStore)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self, kind: str, payload: JSON, steps: tuple[str, ...], key: str | None, now: datetime
    ) -> Intent:
        """Write a new intent; with `key`, return the one already written under it instead."""
        stamp = to_db_time(now)
        async with transaction(self._conn):
            if key is not None:
                existing = await self._by_key(key)
                if existing is not None:
                    return existing
            cursor = await self._conn.execute(
                "INSERT INTO journal_intents (kind, key, payload, steps, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, key, _dump(payload), _dump(list(steps)), stamp, stamp),
            )
            intent_id = cursor.lastrowid
        assert intent_id is not None
        log.debug("journal: wrote %s #%s", kind, intent_id)
        moment = _moment(stamp)
        return Intent(intent_id, kind, payload, steps, Status.PENDING, moment, moment, key=key)

    async def get(self, intent_id: int) -> Intent | None:
        """One intent, None when there is none with that id."""
        async with self._conn.execute(
            "SELECT * FROM journal_intents WHERE id = ?", (intent_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _intent(row)

    async def by_key(self, key: str) -> Intent | None:
        """The intent written under `key`, if any."""
        return await self._by_key(key)

    async def _by_key(self, key: str) -> Intent | None:
        async with self._conn.execute(
            "SELECT * FROM journal_intents WHERE key = ?", (key,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _intent(row)

    async def mark_started(self, intent_id: int, step: str, now: datetime) -> None:
        """Note that an at-most-once step is about to run (one statement, no read)."""
        async with transaction(self._conn):
            await self._conn.execute(
                "UPDATE journal_intents SET started = json_insert(started, '$[#]', ?),"
                " updated_at = ? WHERE id = ?",
                (step, to_db_time(now), intent_id),
            )

    async def mark_done(
        self, intent_id: int, step: str, result: Any, now: datetime, *, last: bool = False
    ) -> None:
        """Record a step as done with its result (JSON); `last` also finishes the intent."""
        status = str(Status.DONE if last else Status.PENDING)
        async with transaction(self._conn):
            await self._conn.execute(
                "UPDATE journal_intents SET results = json_set(results, ?, json(?)),"
                " status = ?, next_attempt_at = CASE WHEN ? = 'done' THEN NULL"
                " ELSE next_attempt_at END, updated_at = ? WHERE id = ?",
                (_path(step), _dump(result), status, status, to_db_time(now), intent_id),
            )

    async def save_state(self, intent_id: int, state: JSON, now: datetime) -> None:
        async with transaction(self._conn):
            await self._update(intent_id, now, state=_dump(state))

    async def schedule_retry(
        self, intent_id: int, attempts: int, when: datetime, error: str, now: datetime
    ) -> None:
        async with transaction(self._conn):
            await self._update(
                intent_id,
                now,
                attempts=attempts,
                next_attempt_at=to_db_time(when),
                last_error=error[:ERROR_KEPT],
            )

    async def finish(
        self, intent_id: int, status: Status, error: str | None, now: datetime
    ) -> None:
        async with transaction(self._conn):
            await self._update(
                intent_id,
                now,
                status=str(status),
                next_attempt_at=None,
                last_error=None if error is None else error[:ERROR_KEPT],
            )

    async def _update(self, intent_id: int, now: datetime, **columns: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in columns)
        await self._conn.execute(
            f"UPDATE journal_intents SET {names}, updated_at = ? WHERE id = ?",
            (*columns.values(), to_db_time(now), intent_id),
        )

    async def unfinished(self, due_by: datetime | None = None) -> list[Intent]:
        """Pending intents, oldest first; with `due_by`, only those not waiting for later."""
        sql = "SELECT * FROM journal_intents WHERE status = 'pending'"
        params: tuple[str, ...] = ()
        if due_by is not None:
            sql += " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            params = (to_db_time(due_by),)
        async with self._conn.execute(sql + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [_intent(row) for row in rows]

    async def next_retry_at(self) -> datetime | None:
        """The earliest retry time among pending intents."""
        async with self._conn.execute(
            "SELECT MIN(next_attempt_at) FROM journal_intents WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else from_db_time(row[0])

    async def counts(self) -> dict[str, int]:
        """How many intents are in each status (for /about)."""
        async with self._conn.execute(
            "SELECT status, count(*) FROM journal_intents GROUP BY status"
        ) as cursor:
            return {status: count async for status, count in cursor}

    async def prune(self, older_than: timedelta, now: datetime) -> int:
        """Delete finished intents older than `older_than`; their cases keep everything but
        the link (only needed while an intent can still be resumed)."""
        old = "SELECT id FROM journal_intents WHERE status != 'pending' AND updated_at < ?"
        before = (to_db_time(now - older_than),)
        async with transaction(self._conn):
            await self._conn.execute(
                f"UPDATE mod_cases SET intent_id = NULL WHERE intent_id IN ({old})", before
            )
            cursor = await self._conn.execute(
                f"DELETE FROM journal_intents WHERE id IN ({old})", before
            )
            return cursor.rowcount
