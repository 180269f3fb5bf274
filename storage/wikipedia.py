"""Storing Wikipedia revisions in the catalog and the state of dump imports and live lookups.

`store_revision` writes one article's FilmDetails through the catalog writer so that one
revision of an article is shown at a time: rows citing an older revision of the same source
family are retired (kept, never deleted), and credits another source owns are left alone.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.films.model import FilmDetails
from storage.film_writer import NOW, CatalogWriter, open_writer
from storage.films import database_path

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


def store_revision(
    writer: CatalogWriter, details: FilmDetails, prefix: str, *, year_slack: int = 0
) -> int:
    """Store an article's details (source `details.film.source`, starting with `prefix`)."""
    source = details.film.source or prefix
    film_id = writer.upsert_film(details.film, year_slack=year_slack)
    conn = writer.conn
    for table in RETIRED_TABLES:
        conn.execute(
            f"UPDATE {table} SET retired_at = {NOW} WHERE film_id = ? AND retired_at IS NULL "
            "AND substr(source, 1, ?) = ? AND source != ?",
            (film_id, len(prefix), prefix, source),
        )
    for credit in details.credits:
        person_id = writer.upsert_person(credit.name, source=source)
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
    for position, section in enumerate(details.summary):
        writer._upsert_row(
            "summary_sections",
            ("film_id", "heading", "source"),
            film_id=film_id,
            heading=section.heading,
            source=source,
            position=position,
            text=section.text,
            spoiler_level=int(section.level),
        )
    for position, fact in enumerate(details.facts):
        writer._upsert_row(
            "film_facts",
            ("film_id", "kind", "value", "source"),
            film_id=film_id,
            kind=fact.kind,
            value=fact.value,
            source=source,
            position=position,
            spoiler_level=int(fact.level),
            note=fact.note,
        )
    return film_id


def load_checkpoint(conn: sqlite3.Connection, file_name: str) -> Checkpoint:
    """The saved point for `file_name`, or a fresh one."""
    row = conn.execute(
        "SELECT last_page_id, next_offset, pages_read, films, skipped, failed, finished_at "
        "FROM wikipedia_imports WHERE file_name = ?",
        (file_name,),
    ).fetchone()
    if row is None:
        return Checkpoint(file_name)
    return Checkpoint(file_name, *tuple(row)[:6], finished=row[6] is not None)


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
        rows = await self._conn.execute_fetchall(
            "SELECT status, article, page_id, revision_id FROM wikipedia_lookups WHERE film_id = ?",
            (film_id,),
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

    async def store(self, details: FilmDetails, prefix: str, *, year_slack: int = 0) -> int:
        """`store_revision` on its own writer in a worker thread; the film's id."""
        path = await database_path(self._conn)

        def write() -> int:
            with open_writer(path) as writer:
                return store_revision(writer, details, prefix, year_slack=year_slack)

        return await asyncio.to_thread(write)

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
