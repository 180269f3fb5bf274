"""Captured messages of discussions, their parents, edit history and tombstones (migration 005).

Ids: Discord ids are positive. Comments imported from a blog get negative ids (and their thread
a negative id), so they can never collide with a Discord message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

import aiosqlite

from bot.replies.model import (
    MessageRecord,
    MessageState,
    MessageVersion,
    StoredMessage,
    ThreadSource,
    ThreadSummary,
    UpsertOutcome,
    iso,
    parse_iso,
)
from storage.db import transaction, write
from storage.reply_imports import ImportedThreadWrites, TrackedChannels

Params = dict[str, Any]  # one message's named SQL parameters
KnownText = tuple[str, str, str | None]  # content, attachments (JSON), edited_at

_MESSAGE_COLUMNS = (
    "message_id, thread_id, guild_id, author_id, author_name, content, attachments, created_at, "
    "edited_at, parent_id, root_id, depth, state, removed_by, source_id, posted_message_id"
)

# Root and depth come from the parent when it is already stored in the same thread (a reply
# can quote a message of another channel); otherwise the message starts its own chain until
# the parent shows up (the caller then refreshes the structure).
_INSERT_MESSAGE = (
    "INSERT INTO reply_messages (message_id, thread_id, guild_id, author_id, author_name, "
    "content, attachments, created_at, edited_at, parent_id, root_id, depth) "
    "VALUES (:id, :thread, :guild, :author_id, :author_name, :content, :attachments, :created, "
    ":edited, :parent, "
    "COALESCE((SELECT root_id FROM reply_messages WHERE message_id = :parent "
    "AND thread_id = :thread), :id), "
    "COALESCE((SELECT depth + 1 FROM reply_messages WHERE message_id = :parent "
    "AND thread_id = :thread), 0)) "
    "ON CONFLICT (message_id) DO NOTHING"
)

# An imported comment re-posted on Discord: what the poster knows (original author, text, date
# and parent) replaces whatever live capture stored for that message first.
_UPSERT_POSTED_COPY = _INSERT_MESSAGE.replace(
    "DO NOTHING",
    "DO UPDATE SET thread_id = excluded.thread_id, guild_id = excluded.guild_id, "
    "author_id = excluded.author_id, author_name = excluded.author_name, "
    "content = excluded.content, attachments = excluded.attachments, "
    "created_at = excluded.created_at, parent_id = excluded.parent_id",
)


_STATES = {state.value: state for state in MessageState}


def _to_stored(row: aiosqlite.Row | tuple[Any, ...]) -> StoredMessage:
    # Hot path (a thread view converts every row): no enum call, no JSON for "no attachments".
    return StoredMessage(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        () if row[6] == "[]" else tuple(json.loads(row[6])),
        datetime.fromisoformat(row[7]),
        None if row[8] is None else datetime.fromisoformat(row[8]),
        row[9],
        row[10],
        row[11],
        _STATES[row[12]],
        row[13],
        row[14],
        row[15],
    )


def _record_params(record: MessageRecord) -> Params:
    return {
        "id": record.message_id,
        "thread": record.thread_id,
        "guild": record.guild_id,
        "author_id": record.author_id,
        "author_name": record.author_name,
        "content": record.content,
        "attachments": json.dumps(list(record.attachments)) if record.attachments else "[]",
        "created": iso(record.created_at),
        "edited": iso(record.edited_at),
        "parent": record.parent_id,
    }


def _is_newer(edited_at: str | None, than: str | None) -> bool:
    """An edit replaces the stored text only if it is newer (backfill may bring older copies)."""
    return edited_at is not None and (than is None or edited_at > than)


class ReplyRepository(ImportedThreadWrites, TrackedChannels):
    """Reads and writes captured discussions. Every write is idempotent."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # -- writing ---------------------------------------------------------------------------

    async def upsert_messages(self, records: Sequence[MessageRecord]) -> UpsertOutcome:
        """Store new messages and newer edits in one transaction; repeats change nothing.

        Records are applied oldest first so parents in the same batch are stored before their
        replies. An edit keeps the replaced text as a version.
        """
        if not records:
            return UpsertOutcome()
        ordered = sorted(map(_record_params, records), key=itemgetter("created", "id"))
        async with transaction(self._conn):
            known = await self._current_texts({p["id"] for p in ordered})
            inserts, edits, outcome = self._plan(ordered, known)
            threads = {(p["thread"], p["guild"]) for p in ordered}
            await self._conn.executemany(
                "INSERT INTO reply_threads (thread_id, guild_id) VALUES (?, ?) "
                "ON CONFLICT (thread_id) DO NOTHING",
                sorted(threads, key=lambda t: t[0]),
            )
            await self._conn.executemany(_INSERT_MESSAGE, inserts)
            for params in edits:
                await self._apply_edit(params)
        return outcome

    def _plan(
        self, ordered: Sequence[Params], known: dict[int, KnownText]
    ) -> tuple[list[Params], list[Params], UpsertOutcome]:
        """Which records are new, which are newer edits (with the text they replace)."""
        inserts: list[Params] = []
        edits: list[Params] = []
        outcome = UpsertOutcome()
        for params in ordered:
            message_id = params["id"]
            current = known.get(message_id)
            if current is None:
                inserts.append(params)
                outcome.inserted.append(message_id)
            elif _is_newer(params["edited"], current[2]):
                edits.append({**params, "old": current})
                if message_id not in outcome.edited:
                    outcome.edited.append(message_id)
            else:
                outcome.unchanged += 1
                continue
            known[message_id] = (params["content"], params["attachments"], params["edited"])
        return inserts, edits, outcome

    async def _current_texts(self, ids: Iterable[int]) -> dict[int, KnownText]:
        async with self._conn.execute(
            "SELECT message_id, content, attachments, edited_at "
            "FROM reply_messages WHERE message_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        ) as cur:
            rows = await cur.fetchall()
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    async def _apply_edit(self, params: Params) -> None:
        old_content, old_attachments, old_edited = params["old"]
        written_at = old_edited or await self._created_at(params["id"])
        await self._conn.execute(
            "INSERT INTO reply_message_versions "
            "(message_id, version, content, attachments, written_at, replaced_at) "
            "SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ? "
            "FROM reply_message_versions WHERE message_id = ?",
            (
                params["id"],
                old_content,
                old_attachments,
                written_at,
                params["edited"],
                params["id"],
            ),
        )
        await self._conn.execute(
            "UPDATE reply_messages SET content = ?, attachments = ?, edited_at = ? "
            "WHERE message_id = ?",
            (params["content"], params["attachments"], params["edited"], params["id"]),
        )

    async def _created_at(self, message_id: int) -> str | None:
        async with self._conn.execute(
            "SELECT created_at FROM reply_messages WHERE message_id = ?", (message_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def store_posted_copies(self, records: Sequence[MessageRecord]) -> None:
        """Store imported comments as posted on Discord, overwriting what capture stored.

        A webhook cannot reply, so capture sees no parent; the poster knows it. Call
        `refresh_structure` for the thread afterwards.
        """
        params = [_record_params(record) for record in records]
        async with transaction(self._conn):
            await self._conn.executemany(
                "INSERT INTO reply_threads (thread_id, guild_id) VALUES (?, ?) "
                "ON CONFLICT (thread_id) DO NOTHING",
                sorted({(p["thread"], p["guild"]) for p in params}),
            )
            await self._conn.executemany(_UPSERT_POSTED_COPY, params)

    async def mark_deleted(self, message_id: int) -> bool:
        """Its author deleted it: tombstone, text kept. A removal by a moderator is not undone."""
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "UPDATE reply_messages SET state = 'deleted_by_author', "
                "state_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE message_id = ? AND state = 'visible'",
                (message_id,),
            )
            return cursor.rowcount > 0

    async def mark_removed(self, message_id: int, by: str | int) -> bool:
        """A moderator (user id) or 'screener' removed it: tombstone, text kept.

        Wins over an author's deletion, whichever event arrives first (the bot's own delete
        also comes back as a MESSAGE_DELETE).
        """
        async with transaction(self._conn):
            cursor = await self._conn.execute(
                "UPDATE reply_messages SET state = 'removed_by_moderator', removed_by = ?, "
                "state_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE message_id = ? AND state != 'removed_by_moderator'",
                (str(by), message_id),
            )
            return cursor.rowcount > 0

    async def update_structure(self, rows: Sequence[tuple[int, int, int]]) -> None:
        """Set (message_id, root_id, depth) for messages whose chain changed."""
        if not rows:
            return
        async with transaction(self._conn):
            await self._conn.executemany(
                "UPDATE reply_messages SET root_id = ?, depth = ? WHERE message_id = ?",
                [(root, depth, message_id) for message_id, root, depth in rows],
            )

    async def threads_with_stale_structure(self, parent_ids: Iterable[int]) -> list[int]:
        """Threads where a reply stored before these parents has the wrong root or depth."""
        async with self._conn.execute(
            "SELECT DISTINCT c.thread_id FROM reply_messages p "
            "JOIN reply_messages c ON c.parent_id = p.message_id "
            "WHERE p.message_id IN (SELECT value FROM json_each(?)) "
            "AND (c.root_id != p.root_id OR c.depth != p.depth + 1) AND c.message_id != p.message_id",
            (json.dumps(list(parent_ids)),),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def set_thread_title(self, thread_id: int, guild_id: int | None, title: str) -> None:
        await write(
            self._conn,
            "INSERT INTO reply_threads (thread_id, guild_id, title) VALUES (?, ?, ?) "
            "ON CONFLICT (thread_id) DO UPDATE SET title = excluded.title",
            (thread_id, guild_id, title),
        )

    # -- reading ---------------------------------------------------------------------------

    async def get_message(self, message_id: int) -> StoredMessage | None:
        """One message with its latest text, whatever its state (moderators' `/thread original`)."""
        async with self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM reply_messages WHERE message_id = ?", (message_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _to_stored(row)

    async def versions(self, message_id: int) -> list[MessageVersion]:
        """Earlier texts of an edited message, oldest first."""
        async with self._conn.execute(
            "SELECT version, content, attachments, written_at, replaced_at "
            "FROM reply_message_versions WHERE message_id = ? ORDER BY version",
            (message_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [
            MessageVersion(r[0], r[1], tuple(json.loads(r[2])), parse_iso(r[3]), parse_iso(r[4]))
            for r in rows
        ]

    async def thread_messages(self, thread_id: int) -> list[StoredMessage]:
        """Every message of a thread, oldest first, in one query."""
        async with self._conn.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM reply_messages WHERE thread_id = ? "
            "ORDER BY created_at, message_id",
            (thread_id,),
        ) as cur:
            rows = await cur.fetchall()
        return await self._with_reactions([_to_stored(row) for row in rows])

    async def chain_messages(self, message_id: int) -> list[StoredMessage]:
        """A message, its ancestors and all its replies, in one query (safe against cycles)."""
        async with self._conn.execute(
            "WITH RECURSIVE "
            "up(id) AS (SELECT ? UNION SELECT m.parent_id FROM reply_messages m "
            "  JOIN up ON m.message_id = up.id WHERE m.parent_id IS NOT NULL), "
            "down(id) AS (SELECT ? UNION SELECT m.message_id FROM reply_messages m "
            "  JOIN down ON m.parent_id = down.id) "
            f"SELECT {_MESSAGE_COLUMNS} FROM reply_messages "
            "WHERE message_id IN (SELECT id FROM up UNION SELECT id FROM down) "
            "AND thread_id = (SELECT thread_id FROM reply_messages WHERE message_id = ?) "
            "ORDER BY created_at, message_id",
            (message_id, message_id, message_id),
        ) as cur:
            rows = await cur.fetchall()
        return await self._with_reactions([_to_stored(row) for row in rows])

    async def _with_reactions(self, messages: list[StoredMessage]) -> list[StoredMessage]:
        """Fill in each message's reaction counts (kept by the community cog's listener)."""
        if not messages:
            return messages
        # One thread's messages (the thread index drives the join; reactions probed by key).
        async with self._conn.execute(
            "SELECT r.message_id, r.emoji, r.count FROM message_reactions r "
            "JOIN reply_messages m ON m.message_id = r.message_id "
            "WHERE m.thread_id = ? AND r.count > 0 ORDER BY r.count DESC, r.emoji",
            (messages[0].thread_id,),
        ) as cur:
            reactions_by_message: dict[int, list[tuple[str, int]]] = {}
            for message_id, emoji, count in await cur.fetchall():
                reactions_by_message.setdefault(message_id, []).append((emoji, count))
        for message in messages:
            if message.message_id in reactions_by_message:
                message.reactions = tuple(reactions_by_message[message.message_id])
        return messages

    async def visible_between(self, thread_id: int, low: int, high: int) -> list[int]:
        """Ids of the thread's visible stored messages from `low` to `high` (both included)."""
        async with self._conn.execute(
            "SELECT message_id FROM reply_messages WHERE thread_id = ? "
            "AND message_id BETWEEN ? AND ? AND state = 'visible' ORDER BY message_id",
            (thread_id, low, high),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def newest_message_id(self, thread_id: int) -> int | None:
        """The newest Discord message stored for a thread (where a catch-up read starts)."""
        async with self._conn.execute(
            "SELECT MAX(message_id) FROM reply_messages WHERE thread_id = ? AND message_id > 0",
            (thread_id,),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def list_threads(self) -> list[ThreadSummary]:
        """Every stored thread with its size and first/last message time, newest activity first."""
        return await self._thread_summaries("", ())

    async def get_thread(self, thread_id: int) -> ThreadSummary | None:
        summaries = await self._thread_summaries("WHERE t.thread_id = ?", (thread_id,))
        return summaries[0] if summaries else None

    async def _thread_summaries(self, where: str, params: tuple[int, ...]) -> list[ThreadSummary]:
        async with self._conn.execute(
            "SELECT t.thread_id, t.guild_id, t.title, t.source, COUNT(m.message_id), "
            "MIN(m.created_at), MAX(m.created_at) FROM reply_threads t "
            f"LEFT JOIN reply_messages m ON m.thread_id = t.thread_id {where} "
            "GROUP BY t.thread_id ORDER BY MAX(m.created_at) DESC, t.thread_id",
            params,
        ) as cur:
            rows = await cur.fetchall()
        return [
            ThreadSummary(
                r[0], r[1], r[2], ThreadSource(r[3]), r[4], parse_iso(r[5]), parse_iso(r[6])
            )
            for r in rows
        ]
