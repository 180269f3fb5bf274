"""Film discussion threads, the per-guild options for them, and the spoiler guard's records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.discussions import (
    TAGGED_ONLY,
    parse_policy,
    validate_auto_archive,
    validate_slowmode,
)
from bot.errors import InvalidInput, NotFound
from bot.spoilers.detect import parse_sensitivity
from storage.db import transaction, write

NOTE_STATUSES = ("pending", "sent", "closed", "not_applicable")
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


@dataclass(frozen=True)
class Discussion:
    id: int
    guild_id: int
    channel_id: int
    thread_id: int
    film_id: int
    film_label: str
    spoiler_policy: str
    opener_message_id: int | None
    created_by: int
    created_at: str
    archived: bool
    archived_at: str | None
    reopened_at: str | None
    reopened_by: int | None
    auto_archive_minutes: int
    slowmode_seconds: int
    updated_at: str

    @property
    def tagged_only(self) -> bool:
        """Whether the spoiler guard watches this thread."""
        return self.spoiler_policy == TAGGED_ONLY


@dataclass(frozen=True)
class DiscussionSettings:
    guild_id: int
    starter_role_id: int | None = None
    default_auto_archive_minutes: int = 10080
    default_spoiler_policy: str = TAGGED_ONLY
    guard_sensitivity: str = "medium"


@dataclass(frozen=True)
class GuardRecord:
    id: int
    discussion_id: int
    original_message_id: int
    author_id: int
    original_text: str
    rewritten_text: str
    reasons: tuple[str, ...]
    trigger: str  # "guard" (automatic) or "member" (the "Spoiler-tag this" menu)
    sensitivity: str | None
    original_deleted_at: str | None
    note_status: str  # pending | sent | closed (DMs refused) | not_applicable
    created_at: str
    repost_message_ids: tuple[int, ...] = ()


def _discussion(row: aiosqlite.Row) -> Discussion:
    values = dict(row)
    values["archived"] = bool(values["archived"])
    return Discussion(**values)


class DiscussionRepository:
    """Threads opened for films: open, look up, list, archive, reopen, adjust."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def open(
        self,
        *,
        guild_id: int,
        channel_id: int,
        thread_id: int,
        film_id: int,
        film_label: str,
        spoiler_policy: str,
        created_by: int,
        auto_archive_minutes: int,
        opener_message_id: int | None = None,
        slowmode_seconds: int = 0,
    ) -> Discussion:
        """Link a newly created thread to its film; InvalidInput if the thread is linked."""
        policy = parse_policy(spoiler_policy)
        validate_auto_archive(auto_archive_minutes)
        validate_slowmode(slowmode_seconds)
        if await self.by_thread(thread_id) is not None:
            raise InvalidInput(f"Thread <#{thread_id}> is already a film discussion.")
        await write(
            self._conn,
            "INSERT INTO discussions (guild_id, channel_id, thread_id, film_id, film_label, "
            "spoiler_policy, opener_message_id, created_by, auto_archive_minutes, "
            "slowmode_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                channel_id,
                thread_id,
                film_id,
                film_label,
                policy,
                opener_message_id,
                created_by,
                auto_archive_minutes,
                slowmode_seconds,
            ),
        )
        return await self._require(thread_id)

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

    async def set_opener(self, thread_id: int, message_id: int) -> Discussion:
        return await self._update(thread_id, "opener_message_id = ?", (message_id,))

    async def mark_archived(self, thread_id: int) -> Discussion:
        """Record that Discord archived the thread (or a moderator closed it)."""
        return await self._update(thread_id, f"archived = 1, archived_at = {NOW}", ())

    async def reopen(self, thread_id: int, reopened_by: int | None) -> Discussion:
        """Mark an archived discussion open again (reopened_by None: someone posted in it on
        Discord); InvalidInput if it is already open."""
        discussion = await self._require(thread_id)
        if not discussion.archived:
            raise InvalidInput(f"The discussion of {discussion.film_label} is already open.")
        return await self._update(
            thread_id, f"archived = 0, reopened_at = {NOW}, reopened_by = ?", (reopened_by,)
        )

    async def set_slowmode(self, thread_id: int, seconds: int) -> Discussion:
        validate_slowmode(seconds)
        return await self._update(thread_id, "slowmode_seconds = ?", (seconds,))

    async def set_auto_archive(self, thread_id: int, minutes: int) -> Discussion:
        validate_auto_archive(minutes)
        return await self._update(thread_id, "auto_archive_minutes = ?", (minutes,))

    async def set_policy(self, thread_id: int, policy: str) -> Discussion:
        return await self._update(thread_id, "spoiler_policy = ?", (parse_policy(policy),))

    async def _require(self, thread_id: int) -> Discussion:
        discussion = await self.by_thread(thread_id)
        if discussion is None:
            raise NotFound(f"<#{thread_id}> is not a film discussion.")
        return discussion

    async def _update(self, thread_id: int, assignments: str, values: Sequence) -> Discussion:
        await self._require(thread_id)
        await write(
            self._conn,
            f"UPDATE discussions SET {assignments}, updated_at = {NOW} WHERE thread_id = ?",
            (*values, thread_id),
        )
        return await self._require(thread_id)

    async def _select(self, where: str, values: Sequence) -> list[Discussion]:
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
        return DiscussionSettings(guild_id) if row is None else DiscussionSettings(**dict(row))

    async def set_starter_role(self, guild_id: int, role_id: int | None) -> DiscussionSettings:
        """The role (besides moderators) allowed to open discussions; None for moderators only."""
        return await self._set(guild_id, "starter_role_id", role_id)

    async def set_default_auto_archive(self, guild_id: int, minutes: int) -> DiscussionSettings:
        return await self._set(
            guild_id, "default_auto_archive_minutes", validate_auto_archive(minutes)
        )

    async def set_default_policy(self, guild_id: int, policy: str) -> DiscussionSettings:
        return await self._set(guild_id, "default_spoiler_policy", parse_policy(policy))

    async def set_guard_sensitivity(self, guild_id: int, sensitivity: str) -> DiscussionSettings:
        value = parse_sensitivity(sensitivity).value
        return await self._set(guild_id, "guard_sensitivity", value)

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
        trigger: str = "guard",
        sensitivity: str | None = None,
    ) -> GuardRecord:
        """Keep the original before it is taken down; call before deleting the message."""
        if trigger not in ("guard", "member"):
            raise InvalidInput(f"Unknown trigger {trigger!r}: guard or member.")
        if sensitivity is not None:
            sensitivity = parse_sensitivity(sensitivity).value
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
                trigger,
                sensitivity,
            ),
        )
        return await self._require_original(original_message_id)

    async def add_reposts(self, record_id: int, message_ids: Sequence[int]) -> GuardRecord:
        """The webhook messages that replaced the original, in order."""
        await self._require("id = ?", (record_id,))
        async with transaction(self._conn) as conn:
            async with conn.execute(
                "SELECT count(*) FROM spoiler_guard_reposts WHERE record_id = ?", (record_id,)
            ) as cur:
                (start,) = await cur.fetchone()
            await conn.executemany(
                "INSERT INTO spoiler_guard_reposts (message_id, record_id, position) "
                "VALUES (?, ?, ?)",
                [(mid, record_id, start + i) for i, mid in enumerate(message_ids)],
            )
        return await self._require("id = ?", (record_id,))

    async def mark_original_deleted(self, record_id: int) -> GuardRecord:
        await self._require("id = ?", (record_id,))
        await write(
            self._conn,
            f"UPDATE spoiler_guard_records SET original_deleted_at = {NOW} WHERE id = ?",
            (record_id,),
        )
        return await self._require("id = ?", (record_id,))

    async def set_note_status(self, record_id: int, status: str) -> GuardRecord:
        """Whether the author's private note was sent, refused (DMs closed) or not needed."""
        if status not in NOTE_STATUSES:
            raise InvalidInput(f"Unknown note status {status!r}: {', '.join(NOTE_STATUSES)}.")
        await self._require("id = ?", (record_id,))
        await write(
            self._conn,
            "UPDATE spoiler_guard_records SET note_status = ? WHERE id = ?",
            (status, record_id),
        )
        return await self._require("id = ?", (record_id,))

    async def by_original(self, message_id: int) -> GuardRecord | None:
        found = await self._select("WHERE original_message_id = ?", (message_id,))
        return found[0] if found else None

    async def by_repost(self, message_id: int) -> GuardRecord | None:
        """The record behind a re-posted message (e.g. a moderator asking for the original)."""
        found = await self._select(
            "WHERE id = (SELECT record_id FROM spoiler_guard_reposts WHERE message_id = ?)",
            (message_id,),
        )
        return found[0] if found else None

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

    async def _require_original(self, message_id: int) -> GuardRecord:
        return await self._require("original_message_id = ?", (message_id,))

    async def _require(self, where: str, values: Sequence) -> GuardRecord:
        found = await self._select(f"WHERE {where}", values)
        if not found:
            raise NotFound("No spoiler guard record matches.")
        return found[0]

    async def _select(self, where: str, values: Sequence) -> list[GuardRecord]:
        async with self._conn.execute(
            f"SELECT * FROM spoiler_guard_records {where}", values
        ) as cur:
            rows = await cur.fetchall()
        records = []
        for row in rows:
            values_ = dict(row)
            values_["reasons"] = tuple(json.loads(values_["reasons"]))
            async with self._conn.execute(
                "SELECT message_id FROM spoiler_guard_reposts WHERE record_id = ? "
                "ORDER BY position",
                (values_["id"],),
            ) as cur:
                reposts = tuple(r["message_id"] for r in await cur.fetchall())
            records.append(GuardRecord(**values_, repost_message_ids=reposts))
        return records
