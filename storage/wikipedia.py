"""Wikipedia in the catalog: the rows of one article revision, the state of dump imports and
of live lookups.

The core's `CatalogMerger.store_revision` (bot/films/merge.py) stores an article so that one
revision is shown at a time, with `retire_other_revisions` and `add_revision_credit` here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.films.model import Credit
from storage.film_writer import NOW

RETIRED_TABLES = ("credits", "summary_sections", "film_facts")


@dataclass(frozen=True)
class Checkpoint:
    """Where an import of one dump file got to; everything up to it is committed."""

    file_name: str
    last_page_id: int = 0
    next_offset: int | None = None
    pages_read: int = 0
    films: int = 0
    skipped: int = 0
    failed: int = 0
    finished: bool = False


def retire_other_revisions(
    conn: sqlite3.Connection, film_id: int, prefix: str, source: str
) -> None:
    """Retire the film's rows citing another revision (`source`) of the `prefix` family."""
    for table in RETIRED_TABLES:
        conn.execute(
            f"UPDATE {table} SET retired_at = {NOW} WHERE film_id = ? AND retired_at IS NULL "
            "AND substr(source, 1, ?) = ? AND source != ?",
            (film_id, len(prefix), prefix, source),
        )


def add_revision_credit(
    conn: sqlite3.Connection, film_id: int, person_id: int, credit: Credit, source: str, prefix: str
) -> None:
    """Add a credit citing `source`; one another source family owns is left alone."""
    conn.execute(
        "INSERT INTO credits (film_id, person_id, role, character, aliases, note, "
        "billing_order, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (film_id, person_id, role, character) DO UPDATE SET "
        "note = excluded.note, billing_order = excluded.billing_order, "
        "source = excluded.source, retired_at = NULL "
        "WHERE substr(credits.source, 1, ?) = ?",
        (
            film_id,
            person_id,
            credit.role,
            credit.character or "",
            json.dumps(list(credit.aliases)),
            credit.note,
            credit.order,
            source,
            len(prefix),
            prefix,
        ),
    )


def load_checkpoint(conn: sqlite3.Connection, file_name: str) -> Checkpoint:
    """The saved point for `file_name`, or a fresh one."""
    row = conn.execute(
        "SELECT last_page_id, next_offset, pages_read, films, skipped, failed, finished_at "
        "FROM wikipedia_imports WHERE file_name = ?",
        (file_name,),
    ).fetchone()
    if row is None:
        return Checkpoint(file_name)
    last_page_id, next_offset, pages_read, films, skipped, failed, finished_at = tuple(row)
    return Checkpoint(
        file_name,
        last_page_id,
        next_offset,
        pages_read,
        films,
        skipped,
        failed,
        finished=finished_at is not None,
    )


def save_checkpoint(conn: sqlite3.Connection, point: Checkpoint) -> None:
    """Record `point` (inside the caller's transaction, with the batch it follows)."""
    conn.execute(
        "INSERT INTO wikipedia_imports (file_name, last_page_id, next_offset, pages_read, "
        "films, skipped, failed, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
        f"CASE WHEN ? THEN {NOW} END) ON CONFLICT (file_name) DO UPDATE SET "
        "last_page_id = excluded.last_page_id, next_offset = excluded.next_offset, "
        "pages_read = excluded.pages_read, films = excluded.films, skipped = excluded.skipped, "
        f"failed = excluded.failed, finished_at = excluded.finished_at, updated_at = {NOW}",
        (
            point.file_name,
            point.last_page_id,
            point.next_offset,
            point.pages_read,
            point.films,
            point.skipped,
            point.failed,
            point.finished,
        ),
    )


def forget_checkpoint(conn: sqlite3.Connection, file_name: str) -> None:
    conn.execute("DELETE FROM wikipedia_imports WHERE file_name = ?", (file_name,))


class WikipediaLookupRepository:
    """Which article a live lookup found for a film (or that it found none)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, film_id: int) -> aiosqlite.Row | None:
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT status, article, page_id, revision_id FROM wikipedia_lookups "
                "WHERE film_id = ?",
                (film_id,),
            )
        )
        return rows[0] if rows else None

    async def has_plot(self, film_id: int) -> bool:
        """True when the film has summary sections beyond its premise (a plot)."""
        rows = await self._conn.execute_fetchall(
            "SELECT 1 FROM summary_sections WHERE film_id = ? AND spoiler_level > 0 "
            "AND retired_at IS NULL LIMIT 1",
            (film_id,),
        )
        return bool(rows)

    async def record(
        self,
        film_id: int,
        status: str,
        article: str | None = None,
        page_id: int | None = None,
        revision_id: int | None = None,
    ) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO wikipedia_lookups (film_id, status, article, page_id, "
            "revision_id) VALUES (?, ?, ?, ?, ?)",
            (film_id, status, article, page_id, revision_id),
        )
        await self._conn.commit()
