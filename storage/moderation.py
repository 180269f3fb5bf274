"""The case ledger: numbered per guild, amendable, voidable, never deleted.

Writes run inside BEGIN IMMEDIATE and compute the next case number inside that transaction, so
two writers (two connections, or two tasks sharing one connection) never take the same number
and never leave a gap. Tasks sharing one connection are serialised by a per-connection lock,
since SQLite cannot nest transactions on one connection (see storage.db.connection_lock).
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

import aiosqlite

from bot.moderation.model import (
    ACTIVE_WHEN_RECORDED,
    BAN_TYPES,
    HISTORY_PAGE_SIZE,
    TIMEOUT_TYPES,
    WARNING_TYPES,
    Amendment,
    Case,
    CaseNotFound,
    CaseType,
    DmStatus,
    HistoryPage,
    NewCase,
    VoidResult,
    check_amendment,
    check_history_page,
    check_new_case,
    check_reason,
    check_voidable,
)
from storage.db import connection_lock, transaction
from storage.times import db_time, from_db_time, to_db_time

log = logging.getLogger(__name__)


class CaseWriter:
    """Ledger operations inside one open transaction (get one from CaseRepository.exclusive)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_case(self, new: NewCase, now: datetime) -> Case:
        """Record a case with the guild's next number; ends what it replaces or lifts."""
        reason = check_new_case(new)
        number = await self._next_number(new.guild_id)
        expires = None if new.duration is None else to_db_time(now + new.duration)
        cursor = await self._conn.execute(
            "INSERT INTO mod_cases (guild_id, number, type, member_id, member_name, channel_id,"
            " moderator_id, rule, reason, created_at, expires_at, active, jump_url, dm_status,"
            " ladder_step_warnings, intent_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                number,
                str(new.type),
                new.member_id,
                new.member_name,
                new.channel_id,
                new.moderator_id,
                new.rule,
                reason,
                to_db_time(now),
                expires,
                int(new.type in ACTIVE_WHEN_RECORDED),
                new.jump_url,
                str(new.dm_status),
                new.ladder_step_warnings,
                new.intent_id,
            ),
        )
        case_id = cursor.lastrowid
        assert case_id is not None  # an INSERT sets it
        await self._cite(new.guild_id, case_id, new.cites)
        await self._end_replaced(new, case_id, number, now)
        log.info("case %s #%d recorded: %s", new.guild_id, number, new.type)
        return await self.existing_case(new.guild_id, number)

    async def get_case(self, guild_id: int, number: int) -> Case | None:
        """One case of this guild; None for an unknown number or another guild's case."""
        async with self._conn.execute(
            "SELECT * FROM mod_cases WHERE guild_id = ? AND number = ?", (guild_id, number)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (await self.cases_from_rows([row]))[0]

    async def existing_case(self, guild_id: int, number: int) -> Case:
        """A case a write needs: CaseNotFound (the transaction rolls back) when there is none."""
        case = await self.get_case(guild_id, number)
        if case is None:
            raise CaseNotFound(number)
        return case

    async def warnings_since(self, guild_id: int, member_id: int, since: datetime) -> list[Case]:
        """The member's warnings recorded after `since` that were not voided, oldest first."""
        types = tuple(str(t) for t in WARNING_TYPES)
        async with self._conn.execute(
            "SELECT * FROM mod_cases WHERE guild_id = ? AND member_id = ? AND voided_at IS NULL"
            f" AND created_at > ? AND type IN ({_marks(types)}) ORDER BY number",
            (guild_id, member_id, to_db_time(since), *types),
        ) as cursor:
            rows = await cursor.fetchall()
        return await self.cases_from_rows(rows)

    async def ladder_citations(self, guild_id: int, member_id: int) -> dict[int, set[int]]:
        """For each ladder step (by its warning count) that fired: the case numbers it cited."""
        used: dict[int, set[int]] = {}
        async with self._conn.execute(
            "SELECT c.ladder_step_warnings AS step, cited.number AS cited"
            " FROM mod_cases c JOIN mod_case_citations x ON x.case_id = c.id"
            " JOIN mod_cases cited ON cited.id = x.cited_case_id"
            " WHERE c.guild_id = ? AND c.member_id = ? AND c.ladder_step_warnings IS NOT NULL",
            (guild_id, member_id),
        ) as cursor:
            async for row in cursor:
                used.setdefault(row["step"], set()).add(row["cited"])
        return used

    async def cases_from_rows(self, case_rows: Iterable[aiosqlite.Row]) -> list[Case]:
        """Turn rows into Cases with their citations and amendments (two queries in all)."""
        rows = list(case_rows)
        ids = [row["id"] for row in rows]
        cites = await self._citations(ids)
        amendments = await self._amendments(ids)
        return [
            _case_from_row(row, cites.get(row["id"], ()), amendments.get(row["id"], ()))
            for row in rows
        ]

    async def _next_number(self, guild_id: int) -> int:
        async with self._conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM mod_cases WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None  # an aggregate always gives one row
        return int(row[0])

    async def _cite(self, guild_id: int, case_id: int, numbers: Iterable[int]) -> None:
        for number in sorted(set(numbers)):
            async with self._conn.execute(
                "SELECT id FROM mod_cases WHERE guild_id = ? AND number = ?", (guild_id, number)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                raise CaseNotFound(number)
            await self._conn.execute(
                "INSERT INTO mod_case_citations (case_id, cited_case_id) VALUES (?, ?)",
                (case_id, row["id"]),
            )

    async def _end_replaced(self, new: NewCase, case_id: int, number: int, now: datetime) -> None:
        """A new timeout replaces the member's active one, an untimeout lifts it (same for bans)."""
        if new.member_id is None:
            return
        if new.type in TIMEOUT_TYPES or new.type == CaseType.UNTIMEOUT:
            ended = TIMEOUT_TYPES
        elif new.type in BAN_TYPES or new.type == CaseType.UNBAN:
            ended = BAN_TYPES
        else:
            return
        verb = "lifted" if new.type in (CaseType.UNTIMEOUT, CaseType.UNBAN) else "replaced"
        types = tuple(str(t) for t in ended)
        await self._conn.execute(
            "UPDATE mod_cases SET active = 0, ended_at = ?, end_reason = ?"
            f" WHERE guild_id = ? AND member_id = ? AND active = 1 AND id != ?"
            f" AND type IN ({_marks(types)})",
            (
                to_db_time(now),
                f"{verb} by case #{number}",
                new.guild_id,
                new.member_id,
                case_id,
                *types,
            ),
        )

    async def _citations(self, ids: list[int]) -> dict[int, tuple[int, ...]]:
        numbers_by_case: dict[int, list[int]] = {}
        async with self._conn.execute(
            "SELECT x.case_id, cited.number FROM mod_case_citations x"
            " JOIN mod_cases cited ON cited.id = x.cited_case_id"
            f" WHERE x.case_id IN ({_marks(ids)}) ORDER BY cited.number",
            ids,
        ) as cursor:
            async for case_id, number in cursor:
                numbers_by_case.setdefault(case_id, []).append(number)
        return {key: tuple(value) for key, value in numbers_by_case.items()}

    async def _amendments(self, ids: list[int]) -> dict[int, tuple[Amendment, ...]]:
        amendments_by_case: dict[int, list[Amendment]] = {}
        async with self._conn.execute(
            f"SELECT * FROM mod_case_amendments WHERE case_id IN ({_marks(ids)}) ORDER BY id",
            ids,
        ) as cursor:
            async for row in cursor:
                amendments_by_case.setdefault(row["case_id"], []).append(
                    Amendment(
                        amended_by=row["amended_by"],
                        amended_at=db_time(row["amended_at"]),
                        old_reason=row["old_reason"],
                        new_reason=row["new_reason"],
                    )
                )
        return {key: tuple(value) for key, value in amendments_by_case.items()}


class CaseRepository:
    """The case ledger of every guild. All times are passed in (`now`), never read here."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[CaseWriter]:
        """One write transaction (BEGIN IMMEDIATE) with this connection to ourselves."""
        async with transaction(self._conn):
            yield CaseWriter(self._conn)

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[CaseWriter]:
        async with connection_lock(self._conn):
            yield CaseWriter(self._conn)

    async def add_case(self, new: NewCase, now: datetime) -> Case:
        """Record a case; it gets the guild's next number. InvalidInput leaves nothing behind."""
        async with self.exclusive() as writer:
            return await writer.add_case(new, now)

    async def case_for_intent(self, intent_id: int) -> Case | None:
        """The case a journal intent recorded, if it got that far (a resumed step looks first)."""
        async with self._reading() as reader:
            async with self._conn.execute(
                "SELECT * FROM mod_cases WHERE intent_id = ?", (intent_id,)
            ) as cursor:
                row = await cursor.fetchone()
            return None if row is None else (await reader.cases_from_rows([row]))[0]

    async def get_case(self, guild_id: int, number: int) -> Case | None:
        """Case `number` of this guild; None if it does not exist here."""
        async with self._reading() as reader:
            return await reader.get_case(guild_id, number)

    async def history(
        self, guild_id: int, member_id: int, page: int = 1, page_size: int = HISTORY_PAGE_SIZE
    ) -> HistoryPage:
        """One page (from 1) of the member's cases, newest first, voided ones included."""
        async with self._reading() as reader:
            total = await self._count(guild_id, member_id)
            page_count = max(1, math.ceil(total / page_size))
            check_history_page(page, page_count)
            async with self._conn.execute(
                "SELECT * FROM mod_cases WHERE guild_id = ? AND member_id = ?"
                " ORDER BY number DESC LIMIT ? OFFSET ?",
                (guild_id, member_id, page_size, (page - 1) * page_size),
            ) as cursor:
                rows = await cursor.fetchall()
            cases = await reader.cases_from_rows(rows)
        return HistoryPage(tuple(cases), page, page_count, total)

    async def amend_reason(
        self, guild_id: int, number: int, new_reason: str, amended_by: int, now: datetime
    ) -> Case:
        """Replace a case's reason, keeping the old one in its amendment history."""
        async with self.exclusive() as writer:
            case = await writer.existing_case(guild_id, number)
            reason = check_amendment(case, new_reason)
            await self._conn.execute(
                "INSERT INTO mod_case_amendments (case_id, amended_by, amended_at, old_reason,"
                " new_reason) SELECT id, ?, ?, reason, ? FROM mod_cases"
                " WHERE guild_id = ? AND number = ?",
                (amended_by, to_db_time(now), reason, guild_id, number),
            )
            await self._conn.execute(
                "UPDATE mod_cases SET reason = ? WHERE guild_id = ? AND number = ?",
                (reason, guild_id, number),
            )
            return await writer.existing_case(guild_id, number)

    async def void_case(
        self, guild_id: int, number: int, voided_by: int, reason: str, now: datetime
    ) -> VoidResult:
        """Void (pardon) a case: it stops counting and ends, and stays in history, marked."""
        reason = check_reason(reason, what="reason for voiding")
        async with self.exclusive() as writer:
            case = await writer.existing_case(guild_id, number)
            check_voidable(case)
            stamp = to_db_time(now)
            await self._conn.execute(
                "UPDATE mod_cases SET voided_at = ?, voided_by = ?, void_reason = ?,"
                " end_reason = CASE WHEN active = 1 THEN 'voided' ELSE end_reason END,"
                " ended_at = CASE WHEN active = 1 THEN ? ELSE ended_at END, active = 0"
                " WHERE guild_id = ? AND number = ?",
                (stamp, voided_by, reason, stamp, guild_id, number),
            )
            voided = await writer.existing_case(guild_id, number)
        return VoidResult(voided, was_active=case.active)

    async def active_expiring(self, until: datetime | None = None) -> list[Case]:
        """Active cases with an expiry (all guilds), soonest first; only those due by `until`."""
        sql = "SELECT * FROM mod_cases WHERE active = 1 AND expires_at IS NOT NULL"
        params: tuple[str, ...] = ()
        if until is not None:
            sql, params = sql + " AND expires_at <= ?", (to_db_time(until),)
        async with self._reading() as reader:
            async with self._conn.execute(sql + " ORDER BY expires_at, id", params) as cursor:
                rows = await cursor.fetchall()
            return await reader.cases_from_rows(rows)

    async def mark_expired(self, guild_id: int, number: int, now: datetime) -> bool:
        """End a due case as expired; False if it was not active or not yet due."""
        stamp = to_db_time(now)
        async with self.exclusive():
            cursor = await self._conn.execute(
                "UPDATE mod_cases SET active = 0, ended_at = ?, end_reason = 'expired'"
                " WHERE guild_id = ? AND number = ? AND active = 1"
                " AND expires_at IS NOT NULL AND expires_at <= ?",
                (stamp, guild_id, number, stamp),
            )
            return cursor.rowcount == 1

    async def record_dm_status(self, guild_id: int, number: int, status: DmStatus) -> Case:
        """Record whether the member was told by DM (when the DM is sent after the case)."""
        async with self.exclusive() as writer:
            case = await writer.existing_case(guild_id, number)
            await self._conn.execute(
                "UPDATE mod_cases SET dm_status = ? WHERE guild_id = ? AND number = ?",
                (str(DmStatus(status)), guild_id, number),
            )
        return replace(case, dm_status=DmStatus(status))

    async def _count(self, guild_id: int, member_id: int) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM mod_cases WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None  # an aggregate always gives one row
        return int(row[0])


def _case_from_row(
    row: aiosqlite.Row, cites: tuple[int, ...], amendments: tuple[Amendment, ...]
) -> Case:
    return Case(
        guild_id=row["guild_id"],
        number=row["number"],
        type=CaseType(row["type"]),
        moderator_id=row["moderator_id"],
        reason=row["reason"],
        created_at=db_time(row["created_at"]),
        member_id=row["member_id"],
        member_name=row["member_name"],
        channel_id=row["channel_id"],
        expires_at=from_db_time(row["expires_at"]),
        active=bool(row["active"]),
        ended_at=from_db_time(row["ended_at"]),
        end_reason=row["end_reason"],
        voided_at=from_db_time(row["voided_at"]),
        voided_by=row["voided_by"],
        void_reason=row["void_reason"],
        jump_url=row["jump_url"],
        dm_status=DmStatus(row["dm_status"]),
        rule=row["rule"],
        cites=cites,
        ladder_step_warnings=row["ladder_step_warnings"],
        amendments=amendments,
    )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)
