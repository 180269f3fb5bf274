"""Repositories of the community features: reviews (with versions), reactions, settings.

Watchlist and movie nights are in storage/community_nights.py. Reads return the dataclasses
of bot/community/model.py (None for a missing row), writes return nothing or the new row's id;
rules (one review per member and film, who may edit, what a member is told) are the core's
(bot/community/).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.community.model import (
    CommunitySettings,
    FilmRating,
    Rating,
    Review,
    ReviewDraft,
    ReviewStatus,
    ReviewVersion,
    Setting,
)
from storage.db import transaction, write


def stamp(moment: datetime) -> str:
    """A datetime as stored (ISO 8601, UTC)."""
    return moment.astimezone(UTC).isoformat()


def unstamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _review(row: aiosqlite.Row) -> Review:
    return Review(
        id=row["id"],
        guild_id=row["guild_id"],
        film_id=row["film_id"],
        film_label=row["film_label"],
        author_id=row["author_id"],
        rating=Rating(row["rating_halves"]),
        title=row["title"],
        text=row["text"],
        status=ReviewStatus(row["status"]),
        version=row["version"],
        thread_id=row["thread_id"],
        opener_message_id=row["opener_message_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        removed_by=row["removed_by"],
        more_message_ids=tuple(json.loads(row["more_message_ids"])),
    )


class MemberReviewRepository:
    """Reviews by members: one per member per film and server, earlier versions kept."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self, guild_id: int, author_id: int, draft: ReviewDraft, film_label: str, now: datetime
    ) -> int:
        """Store a new review; its id."""
        return await write(
            self._conn,
            "INSERT INTO reviews (guild_id, film_id, film_label, author_id, rating_halves, "
            "title, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                draft.film_id,
                film_label,
                author_id,
                draft.rating.halves,
                draft.title,
                draft.text,
                stamp(now),
                stamp(now),
            ),
        )

    async def revise(
        self,
        review_id: int,
        draft: ReviewDraft,
        now: datetime,
        *,
        status: ReviewStatus | None = None,
    ) -> None:
        """Replace the text and rating; the previous version goes to review_versions."""
        async with transaction(self._conn):
            await self._conn.execute(
                "INSERT INTO review_versions (review_id, version, rating_halves, title, text, "
                "written_at) SELECT id, version, rating_halves, title, text, updated_at "
                "FROM reviews WHERE id = ?",
                (review_id,),
            )
            await self._conn.execute(
                "UPDATE reviews SET rating_halves = ?, title = ?, text = ?, version = version + 1,"
                " updated_at = ?, status = COALESCE(?, status), removed_by = CASE WHEN ? IS NULL "
                "THEN removed_by ELSE NULL END WHERE id = ?",
                (
                    draft.rating.halves,
                    draft.title,
                    draft.text,
                    stamp(now),
                    status,
                    status,
                    review_id,
                ),
            )

    async def revert(self, review_id: int, version: int) -> None:
        """Put `version` (kept in review_versions) back as the current text and rating and
        forget the one after it: an edit undone. Only while the review is at `version + 1`."""
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "UPDATE reviews SET (rating_halves, title, text, version, updated_at) = "
                "(SELECT rating_halves, title, text, version, written_at FROM review_versions "
                "WHERE review_id = ? AND version = ?) WHERE id = ? AND version = ?",
                (review_id, version, review_id, version + 1),
            )
            if cursor.rowcount:
                await self._conn.execute(
                    "DELETE FROM review_versions WHERE review_id = ? AND version = ?",
                    (review_id, version),
                )

    async def set_post(self, review_id: int, thread_id: int, message_ids: Sequence[int]) -> None:
        """Where the review was posted: its thread and messages (opener first)."""
        ids = list(message_ids)
        await write(
            self._conn,
            "UPDATE reviews SET thread_id = ?, opener_message_id = ?, more_message_ids = ? "
            "WHERE id = ?",
            (thread_id, ids[0] if ids else None, json.dumps(ids[1:]), review_id),
        )

    async def remove(self, review_id: int, by: int, now: datetime) -> None:
        """A tombstone: the text stays for moderators, the rating stops counting."""
        await write(
            self._conn,
            "UPDATE reviews SET status = ?, removed_by = ?, updated_at = ? WHERE id = ?",
            (ReviewStatus.REMOVED, by, stamp(now), review_id),
        )

    async def get(self, review_id: int) -> Review | None:
        rows = await self._select("id = ?", (review_id,))
        return rows[0] if rows else None

    async def find(self, guild_id: int, film_id: int, author_id: int) -> Review | None:
        rows = await self._select(
            "guild_id = ? AND film_id = ? AND author_id = ?", (guild_id, film_id, author_id)
        )
        return rows[0] if rows else None

    async def by_thread(self, thread_id: int) -> Review | None:
        rows = await self._select("thread_id = ?", (thread_id,))
        return rows[0] if rows else None

    async def for_film(self, guild_id: int, film_id: int) -> list[Review]:
        return await self._select(
            "guild_id = ? AND film_id = ? AND status = ? ORDER BY created_at",
            (guild_id, film_id, ReviewStatus.ACTIVE),
        )

    async def by_author(self, guild_id: int, author_id: int) -> list[Review]:
        return await self._select(
            "guild_id = ? AND author_id = ? AND status = ? ORDER BY created_at DESC",
            (guild_id, author_id, ReviewStatus.ACTIVE),
        )

    async def versions(self, review_id: int) -> list[ReviewVersion]:
        async with self._conn.execute(
            "SELECT * FROM review_versions WHERE review_id = ? ORDER BY version", (review_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            ReviewVersion(
                r["review_id"],
                r["version"],
                Rating(r["rating_halves"]),
                r["title"],
                r["text"],
                datetime.fromisoformat(r["written_at"]),
            )
            for r in rows
        ]

    async def film_rating(self, guild_id: int, film_id: int) -> FilmRating | None:
        rows = await self._ratings("AND film_id = ?", (guild_id, ReviewStatus.ACTIVE, film_id))
        return rows[0] if rows else None

    async def ratings(self, guild_id: int) -> list[FilmRating]:
        """Every film the server rated: count and mean of the active reviews."""
        return await self._ratings("", (guild_id, ReviewStatus.ACTIVE))

    async def _ratings(self, extra: str, values: Sequence[object]) -> list[FilmRating]:
        async with self._conn.execute(
            "SELECT film_id, MAX(film_label) AS label, COUNT(*) AS n, AVG(rating_halves) AS mean "
            f"FROM reviews WHERE guild_id = ? AND status = ? {extra} GROUP BY film_id",
            values,
        ) as cursor:
            rows = await cursor.fetchall()
        return [FilmRating(r["film_id"], r["label"], r["n"], r["mean"] / 2) for r in rows]

    async def _select(self, where: str, values: Sequence[object]) -> list[Review]:
        async with self._conn.execute(f"SELECT * FROM reviews WHERE {where}", values) as cursor:
            return [_review(row) for row in await cursor.fetchall()]


class ReactionRepository:
    """Reaction counts per message and emoji, as Discord last reported them."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def change(self, message_id: int, emoji: str, delta: int) -> None:
        """A reaction added (+1) or removed (-1); a count never goes below zero."""
        await write(
            self._conn,
            "INSERT INTO message_reactions (message_id, emoji, count) VALUES (?, ?, MAX(?, 0)) "
            "ON CONFLICT (message_id, emoji) DO UPDATE SET count = MAX(count + ?, 0)",
            (message_id, emoji, delta, delta),
        )

    async def replace(self, message_id: int, counts: dict[str, int]) -> None:
        """The counts read from the message itself (catch-up): they win over the events."""
        async with transaction(self._conn):
            await self._conn.execute(
                "DELETE FROM message_reactions WHERE message_id = ?", (message_id,)
            )
            await self._conn.executemany(
                "INSERT INTO message_reactions (message_id, emoji, count) VALUES (?, ?, ?)",
                [(message_id, emoji, n) for emoji, n in counts.items() if n > 0],
            )

    async def for_messages(self, message_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """message id -> {emoji: count} for those with any reaction."""
        by_message: dict[int, dict[str, int]] = {}
        ids = list(message_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            async with self._conn.execute(
                "SELECT message_id, emoji, count FROM message_reactions "
                f"WHERE count > 0 AND message_id IN ({marks}) ORDER BY count DESC, emoji",
                chunk,
            ) as cursor:
                for row in await cursor.fetchall():
                    by_message.setdefault(row["message_id"], {})[row["emoji"]] = row["count"]
        return by_message


class CommunitySettingsRepository:
    """Time zone, region, reviews channel and movie-night roles of each server."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, guild_id: int) -> CommunitySettings:
        async with self._conn.execute(
            "SELECT * FROM community_settings WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return CommunitySettings(guild_id)
        return CommunitySettings(
            guild_id=guild_id, **{setting.value: row[setting.value] for setting in Setting}
        )

    async def set(self, guild_id: int, setting: Setting, value: int | str | None) -> None:
        """Change one setting (validated by the caller)."""
        column = Setting(setting).value  # a column name, never text from outside
        await write(
            self._conn,
            f"INSERT INTO community_settings (guild_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (guild_id, value),
        )
