"""Helpers for the reply-chain tests: a migrated database file and message builders."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.replies.model import MessageRecord
from storage.db import connect
from storage.migrate import migrate
from storage.replies import ReplyRepository

GUILD = 700
THREAD = 5000
START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@contextlib.asynccontextmanager
async def open_repository(folder: Path) -> AsyncIterator[ReplyRepository]:
    """A real SQLite file with every migration applied."""
    conn = await connect(folder / "replies.sqlite3")
    try:
        await migrate(conn)
        yield ReplyRepository(conn)
    finally:
        await conn.close()


def message(
    number: int,
    parent: int | None = None,
    *,
    text: str | None = None,
    author: str | None = None,
    thread: int = THREAD,
    minutes: int | None = None,
    edited_minutes: int | None = None,
    attachments: tuple[str, ...] = (),
) -> MessageRecord:
    """Message `number` (id 10_000 + number), posted `number` minutes after START by default."""
    at = START + timedelta(minutes=number if minutes is None else minutes)
    return MessageRecord(
        message_id=10_000 + number,
        thread_id=thread,
        guild_id=GUILD,
        author_id=100 + number % 7,
        author_name=author or f"member{number % 7}",
        content=f"comment {number}" if text is None else text,
        created_at=at,
        parent_id=None if parent is None else 10_000 + parent,
        attachments=attachments,
        edited_at=None if edited_minutes is None else START + timedelta(minutes=edited_minutes),
    )


def mid(number: int) -> int:
    """The message id `message(number)` gets."""
    return 10_000 + number
