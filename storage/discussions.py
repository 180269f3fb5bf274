"""Film discussion threads, the per-guild options for them, and the spoiler guard's records.

Plain rows in, dataclasses out: values arrive validated (bot/discussions/service.py and
bot/spoilers/guard.py check them and word any refusal); a missing row is None.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.discussions.model import Discussion, DiscussionLink, DiscussionSettings, SpoilerPolicy
from bot.spoilers.model import GuardRecord, GuardTrigger, NoteStatus, Sensitivity
from storage.db import transaction, write

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


def _discussion(row: aiosqlite.Row) -> Discussion:
    values = dict(row)
    values["archived"] = bool(values["archived"])
    values["spoiler_policy"] = SpoilerPolicy(values["spoiler_policy"])
    return Discussion(**values)


def _settings(row: aiosqlite.Row) -> DiscussionSettings:
    values = dict(row)
    values["default_spoiler_policy"] = SpoilerPolicy(values["default_spoiler_policy"])
    values["guard_sensitivity"] = Sensitivity(values["guard_sensitivity"])
    return DiscussionSettings(**values)


class DiscussionRepository:
    """Threads opened for films: open, look up, list, archive, reopen, adjust."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def open(self, link: DiscussionLink) -> Discussion:
        """Link a newly created thread to its film (sqlite3.IntegrityError if it is linked)."""
        await write(
            self._conn,
            "INSERT INTO discussions (guild_id, channel_id, thread_id, film_id, film_label, "
            "spoiler_policy, opener_message_id, created_by, auto_archive_minutes, "
            "slowmode_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                link.guild_id,
                link.channel_id,
                link.thread_id,
                link.film_id,
                link.film_label,
                link.spoiler_policy.value,
                link.opener_message_id,
                link.created_by,
                link.auto_archive_minutes,
                link.slowmode_seconds,
            ),
        )
        opened = await self.by_thread(link.thread_id)
        assert opened is not None  # the row was just written
        return opened

    async def by_thread(self, thread_id: int) -> Discussion | None:
        async with self._conn.execute(
            "SELECT * FROM discussions WHERE thread_id = ?", (thread_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _discussion(row)

    async def open_for_film(self, channel_id: int, film_id: int) -> Discussion | None:
        """The most recent discussion of `film_id` still open in `channel_id`."""
        async with self._conn.execute(
            "SELECT * FROM discussions WHERE channel_id = ? AND film_id = ? AND archived = 0 "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (channel_id, film_id),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _discussion(row)

    async def for_film(self, guild_id: int, film_id: int) -> list[Discussion]:
        """Every discussion of a film in a guild, archived ones too, newest first."""
        return await self._select(
            "WHERE guild_id = ? AND film_id = ? ORDER BY created_at DESC, id DESC",
            (guild_id, film_id),
        )

    async def list_open(self, guild_id: int) -> list[Discussion]:
        """Open discussions in a guild, newest first."""
        return await self._select(
            "WHERE guild_id = ? AND archived = 0 ORDER BY created_at DESC, id DESC", (guild_id,)
        )

    async def list_archived(self, guild_id: int, limit: int = 100) -> list[Discussion]:
        """Archived discussions in a guild, most recently archived first."""
        return await self._select(
            "WHERE guild_id = ? AND archived = 1 "
            "ORDER BY coalesce(archived_at, created_at) DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )

    async def set_opener(self, thread_id: int, message_id: int) -> Discussion | None:
        return await self._update(thread_id, "opener_message_id = ?", (message_id,))

    async def mark_archived(self, thread_id: int) -> Discussion | None:
        """Record that Discord archived the thread (or a moderator closed it)."""
        return await self._update(thread_id, f"archived = 1, archived_at = {NOW}", ())

    async def reopen(self, thread_id: int, reopened_by: int | None) -> Discussion | None:
        """Mark the discussion open again (reopened_by None: someone posted in it on Discord)."""
        return await self._update(
            thread_id, f"archived = 0, reopened_at = {NOW}, reopened_by = ?", (reopened_by,)
        )

    async def set_slowmode(self, thread_id: int, seconds: int) -> Discussion | None:
        return await self._update(thread_id, "slowmode_seconds = ?", (seconds,))

    async def set_auto_archive(self, thread_id: int, minutes: int) -> Discussion | None:
        return await self._update(thread_id, "auto_archive_minutes = ?", (minutes,))

    async def set_policy(self, thread_id: int, policy: SpoilerPolicy) -> Discussion | None:
        return await self._update(thread_id, "spoiler_policy = ?", (policy.value,))

    async def _update(
        self, thread_id: int, assignments: str, values: Sequence[object]
    ) -> Discussion | None:
        await write(
            self._conn,
            f"UPDATE discussions SET {assignments}, updated_at = {NOW} WHERE thread_id = ?",
            (*values, thread_id),
        )
        return await self.by_thread(thread_id)

    async def _select(self, where: str, values: Sequence[object]) -> list[Discussion]:
        async with self._conn.execute(f"SELECT * FROM discussions {where}", values) as cur:
            rows = await cur.fetchall()
        return [_discussion(row) for row in rows]


class DiscussionSettingsRepository:
    """Per-guild options: who may open discussions, default archive time, policy, guard."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, guild_id: int) -> DiscussionSettings:
        """The guild's options, or the defaults if it never changed any."""
        async with self._conn.execute(
            "SELECT guild_id, starter_role_id, default_auto_archive_minutes, "
            "default_spoiler_policy, guard_sensitivity FROM discussion_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        ) as cur:
            row = await cur.fetchone()
        return DiscussionSettings(guild_id) if row is None else _settings(row)

    async def set_starter_role(self, guild_id: int, role_id: int | None) -> DiscussionSettings:
        """The role (besides moderators) allowed to open discussions; None for moderators only."""
        return await self._set(guild_id, "starter_role_id", role_id)

    async def set_default_auto_archive(self, guild_id: int, minutes: int) -> DiscussionSettings:
        return await self._set(guild_id, "default_auto_archive_minutes", minutes)

    async def set_default_policy(self, guild_id: int, policy: SpoilerPolicy) -> DiscussionSettings:
        return await self._set(guild_id, "default_spoiler_policy", policy.value)

    async def set_guard_sensitivity(
        self, guild_id: int, sensitivity: Sensitivity
    ) -> DiscussionSettings:
        return await self._set(guild_id, "guard_sensitivity", sensitivity.value)

    async def _set(self, guild_id: int, column: str, value: object) -> DiscussionSettings:
        await write(
            self._conn,
            f"INSERT INTO discussion_settings (guild_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT(guild_id) DO UPDATE SET {column} = excluded.{column}, "
            f"updated_at = {NOW}",
            (guild_id, value),
        )
        return await self.get(guild_id)


class SpoilerGuardRepository:
    """What the spoiler guard (or a member's "Spoiler-tag this") re-posted, originals kept."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record(
        self,
        discussion: Discussion,
        *,
        original_message_id: int,
        author_id: int,
        original_text: str,
        rewritten_text: str,
        reasons: Sequence[str] = (),
        trigger: GuardTrigger = GuardTrigger.GUARD,
        sensitivity: Sensitivity | None = None,
    ) -> GuardRecord:
        """Keep the original before it is taken down (a message already kept stays as it was)."""
        existing = await self.by_original(original_message_id)
        if existing is not None:
            return existing
        await write(
            self._conn,
            "INSERT INTO spoiler_guard_records (discussion_id, original_message_id, author_id, "
            "original_text, rewritten_text, reasons, trigger, sensitivity) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (original_message_id) DO NOTHING",
            (
                discussion.id,
                original_message_id,
                author_id,
                original_text,
                rewritten_text,
                json.dumps(list(reasons)),
                trigger.value,
                None if sensitivity is None else sensitivity.value,
            ),
        )
        kept = await self.by_original(original_message_id)
        assert kept is not None  # the row was just written
        return kept

    async def add_reposts(self, record_id: int, message_ids: Sequence[int]) -> GuardRecord | None:
        """The webhook messages that replaced the original, in order."""
        if await self.by_id(record_id) is None:
            return None
        async with transaction(self._conn) as conn:
            async with conn.execute(
                "SELECT count(*) FROM spoiler_guard_reposts WHERE record_id = ?", (record_id,)
            ) as cur:
                row = await cur.fetchone()
            start = row[0] if row is not None else 0
            await conn.executemany(
                "INSERT INTO spoiler_guard_reposts (message_id, record_id, position) "
                "VALUES (?, ?, ?)",
                [(mid, record_id, start + i) for i, mid in enumerate(message_ids)],
            )
        return await self.by_id(record_id)

    async def mark_original_deleted(self, record_id: int) -> GuardRecord | None:
        await write(
            self._conn,
            f"UPDATE spoiler_guard_records SET original_deleted_at = {NOW} WHERE id = ?",
            (record_id,),
        )
        return await self.by_id(record_id)

    async def set_note_status(self, record_id: int, status: NoteStatus) -> GuardRecord | None:
        """Whether the author's private note was sent, refused (DMs closed) or not needed."""
        await write(
            self._conn,
            "UPDATE spoiler_guard_records SET note_status = ? WHERE id = ?",
            (status.value, record_id),
        )
        return await self.by_id(record_id)

    async def by_id(self, record_id: int) -> GuardRecord | None:
        return await self._one("WHERE id = ?", (record_id,))

    async def by_original(self, message_id: int) -> GuardRecord | None:
        return await self._one("WHERE original_message_id = ?", (message_id,))

    async def by_repost(self, message_id: int) -> GuardRecord | None:
        """The record behind a re-posted message (e.g. a moderator asking for the original)."""
        return await self._one(
            "WHERE id = (SELECT record_id FROM spoiler_guard_reposts WHERE message_id = ?)",
            (message_id,),
        )

    async def for_thread(self, thread_id: int, limit: int = 50) -> list[GuardRecord]:
        """The newest records in a discussion thread."""
        return await self._select(
            "WHERE discussion_id = (SELECT id FROM discussions WHERE thread_id = ?) "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (thread_id, limit),
        )

    async def for_author(self, author_id: int, limit: int = 50) -> list[GuardRecord]:
        return await self._select(
            "WHERE author_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", (author_id, limit)
        )

    async def _one(self, where: str, values: Sequence[object]) -> GuardRecord | None:
        matching = await self._select(where, values)
        return matching[0] if matching else None

    async def _select(self, where: str, values: Sequence[object]) -> list[GuardRecord]:
        async with self._conn.execute(
            f"SELECT * FROM spoiler_guard_records {where}", values
        ) as cur:
            rows = await cur.fetchall()
        return [await self._record(dict(row)) for row in rows]

    async def _record(self, values: dict[str, Any]) -> GuardRecord:
        async with self._conn.execute(
            "SELECT message_id FROM spoiler_guard_reposts WHERE record_id = ? ORDER BY position",
            (values["id"],),
        ) as cur:
            reposts = tuple(r["message_id"] for r in await cur.fetchall())
        values["reasons"] = tuple(json.loads(values["reasons"]))
        values["trigger"] = GuardTrigger(values["trigger"])
        sensitivity = values["sensitivity"]
        values["sensitivity"] = None if sensitivity is None else Sensitivity(sensitivity)
        values["note_status"] = NoteStatus(values["note_status"])
        return GuardRecord(**values, repost_message_ids=reposts)
