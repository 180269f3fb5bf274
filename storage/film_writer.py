"""Writing to the film catalog: the SQL behind every import, run off the event loop.

Imports and the curated loader write through a `CatalogWriter`, a plain `sqlite3` connection
(storage/db.py `connect_sync`) used in a worker thread inside ONE transaction
(`open_transaction`): an import that fails half way leaves the catalog exactly as it was.

This module only reads and writes rows. Which stored film an imported one is, and which of
their values win, are the core's merge rules (bot/films/merge.py, `CatalogMerger`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.films.model import Credit, Fact, Film
from storage.db import connect_sync

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
CURATED_TABLES = ("credits", "summary_sections", "quotes", "film_facts", "related_films")
FACT_POSITION = 1000  # facts an import adds sort after the curated ones


@contextlib.contextmanager
def open_transaction(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection of its own, inside BEGIN IMMEDIATE ... COMMIT (rollback on error)."""
    conn = connect_sync(path)
    try:
        with in_transaction(conn):
            yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def in_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection; ROLLBACK on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _id(row: sqlite3.Row | None) -> int | None:
    return None if row is None else int(row[0])


class CatalogWriter:
    """Catalog rows in and out, on a sqlite3 connection already inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- films --------------------------------------------------------------------------

    def film_by_external_id(self, namespace: str, value: str) -> int | None:
        return _id(
            self.conn.execute(
                "SELECT film_id FROM film_external_ids WHERE namespace = ? AND value = ?",
                (namespace, value),
            ).fetchone()
        )

    def films_with_key(self, key: str) -> list[tuple[int, int | None]]:
        """(id, year) of the films whose match key is `key`, oldest first."""
        rows = self.conn.execute(
            "SELECT id, year FROM films WHERE match_key = ? ORDER BY id", (key,)
        ).fetchall()
        return [(int(r["id"]), r["year"]) for r in rows]

    def external_ids(self, film_id: int) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT namespace, value FROM film_external_ids WHERE film_id = ?", (film_id,)
        ).fetchall()
        return {r["namespace"]: r["value"] for r in rows}

    def film_row(self, film_id: int) -> sqlite3.Row:
        """The stored film's columns (the film must exist)."""
        row: sqlite3.Row = self.conn.execute(
            "SELECT * FROM films WHERE id = ?", (film_id,)
        ).fetchone()
        return row

    def insert_film(
        self,
        film: Film,
        *,
        key: str,
        text: str,
        popularity: int,
        votes: int | None,
        synopsis_source: str | None,
    ) -> int:
        """A new film row (last in the search order until ranks are renumbered); its id."""
        cursor = self.conn.execute(
            "INSERT INTO films (title, original_title, year, runtime_minutes, synopsis, "
            "synopsis_source, rating, rating_votes, rating_source, popularity, match_key, "
            "search_text, source, search_rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "(SELECT coalesce(max(search_rank), 0) + 1 FROM films))",
            (
                film.title,
                film.original_title,
                film.year,
                film.runtime_minutes,
                film.synopsis,
                synopsis_source,
                film.rating,
                votes if film.rating is not None else None,
                film.rating_source if film.rating is not None else None,
                popularity,
                key,
                text,
                film.source or "unknown",
            ),
        )
        return int(cursor.lastrowid or 0)

    def update_film(self, film_id: int, film: Film, *, popularity: int, **chosen: object) -> None:
        """Write the values the merge chose (`chosen`: title, original_title, synopsis,
        synopsis_source, rating, rating_votes, rating_source, key, text); the year and
        runtime only fill gaps, popularity only grows."""
        self.conn.execute(
            "UPDATE films SET title = :title, original_title = :original_title, "
            "year = coalesce(year, :year), runtime_minutes = coalesce(runtime_minutes, :runtime), "
            "synopsis = :synopsis, synopsis_source = :synopsis_source, rating = :rating, "
            "rating_votes = :rating_votes, rating_source = :rating_source, "
            "popularity = max(popularity, :popularity), match_key = :key, search_text = :text, "
            f"updated_at = {NOW} WHERE id = :id",
            {
                **chosen,
                "year": film.year,
                "runtime": film.runtime_minutes,
                "popularity": popularity,
                "id": film_id,
            },
        )

    def add_external_ids(self, film_id: int, ids: dict[str, str], source: str | None) -> None:
        """Ids in other namespaces (imdb, tmdb...); each credited to `source`, else its namespace."""
        for namespace, value in ids.items():
            self.conn.execute(
                "INSERT OR IGNORE INTO film_external_ids (namespace, value, film_id, source) "
                "VALUES (?, ?, ?, ?)",
                (namespace, str(value), film_id, source or namespace),
            )

    def add_labels(
        self, film_id: int, table: str, column: str, labels: Iterable[str], source: str
    ) -> None:
        """Genres or countries (already in their one spelling); known ones are kept."""
        for label in labels:
            self.conn.execute(
                f"INSERT OR IGNORE INTO {table} (film_id, {column}, source) VALUES (?, ?, ?)",
                (film_id, label, source),
            )

    def renumber_search_ranks(self) -> None:
        """Give every film its place by popularity (1 = most popular) and rebuild the title
        index on it, so searches read matches best first. Run at the end of each import."""
        self.conn.execute(
            "CREATE TEMP TABLE film_ranks (id INTEGER PRIMARY KEY, rank INTEGER NOT NULL)"
        )
        try:
            self.conn.execute(
                "INSERT INTO film_ranks (id, rank) SELECT id, "
                "row_number() OVER (ORDER BY popularity DESC, id) FROM films"
            )
            # Two steps through negative numbers, so no two films ever share a rank mid-way.
            self.conn.execute(
                "UPDATE films SET search_rank = -r.rank FROM film_ranks r WHERE r.id = films.id"
            )
            self.conn.execute("UPDATE films SET search_rank = -search_rank")
            self.conn.execute("INSERT INTO films_fts (films_fts) VALUES ('rebuild')")
        finally:
            self.conn.execute("DROP TABLE temp.film_ranks")

    def rating_source(self, film_id: int) -> str | None:
        row = self.conn.execute(
            "SELECT rating_source FROM films WHERE id = ?", (film_id,)
        ).fetchone()
        return None if row is None else row["rating_source"]

    def replace_rating(self, film_id: int, rating: float, votes: int, source: str) -> None:
        self.conn.execute(
            "UPDATE films SET rating = ?, rating_votes = ?, rating_source = ? WHERE id = ?",
            (rating, votes, source, film_id),
        )

    def raise_popularity(self, film_id: int, popularity: int) -> None:
        self.conn.execute(
            "UPDATE films SET popularity = max(popularity, ?) WHERE id = ?", (popularity, film_id)
        )

    def add_fact(self, film_id: int, fact: Fact) -> None:
        """Add a sourced fact (budget, award...) unless that source already stated it."""
        self.conn.execute(
            "INSERT OR IGNORE INTO film_facts (film_id, position, kind, value, spoiler_level, "
            "note, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                film_id,
                FACT_POSITION,
                fact.kind,
                fact.value,
                int(fact.level),
                fact.note,
                fact.source or "unknown",
            ),
        )

    # -- people and credits -------------------------------------------------------------

    def person_by_imdb_id(self, imdb_id: str) -> int | None:
        return _id(
            self.conn.execute("SELECT id FROM people WHERE imdb_id = ?", (imdb_id,)).fetchone()
        )

    def person_by_name(self, name_key: str, imdb_id: str | None) -> int | None:
        """The oldest person with this name key and no other IMDb id."""
        return _id(
            self.conn.execute(
                "SELECT id FROM people WHERE name_key = ? AND (imdb_id IS NULL OR ? IS NULL) "
                "ORDER BY id LIMIT 1",
                (name_key, imdb_id),
            ).fetchone()
        )

    def fill_person(
        self, person_id: int, imdb_id: str | None, birth_year: int | None, death_year: int | None
    ) -> None:
        """Fill in what was unknown about a person; known values are kept."""
        self.conn.execute(
            "UPDATE people SET imdb_id = coalesce(imdb_id, ?), birth_year = "
            "coalesce(birth_year, ?), death_year = coalesce(death_year, ?) WHERE id = ?",
            (imdb_id, birth_year, death_year, person_id),
        )

    def insert_person(
        self,
        name: str,
        name_key: str,
        *,
        source: str,
        imdb_id: str | None = None,
        birth_year: int | None = None,
        death_year: int | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO people (name, name_key, imdb_id, birth_year, death_year, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, name_key, imdb_id, birth_year, death_year, source),
        )
        return int(cursor.lastrowid or 0)

    def add_credit(self, film_id: int, person_id: int, credit: Credit) -> None:
        """Add (or, for the same source, refresh) a credit; another source's row is kept."""
        self.conn.execute(
            "INSERT INTO credits (film_id, person_id, role, character, aliases, note, "
            "billing_order, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (film_id, person_id, role, character) DO UPDATE SET "
            "aliases = excluded.aliases, note = excluded.note, "
            "billing_order = excluded.billing_order, retired_at = NULL "
            "WHERE credits.source = excluded.source",
            (
                film_id,
                person_id,
                credit.role,
                credit.character or "",
                json.dumps(list(credit.aliases), ensure_ascii=False),
                credit.note,
                credit.order,
                credit.source or "unknown",
            ),
        )

    # -- IMDb principals, staged while an import pairs films with people ---------------

    @contextlib.contextmanager
    def principals_stage(self) -> Iterator[None]:
        """A temporary table of IMDb principals (film, person, role), dropped afterwards."""
        self.conn.execute(
            "CREATE TEMP TABLE imdb_principals (film_id INTEGER, nconst TEXT, role TEXT, "
            "ordering INTEGER, characters TEXT, person_id INTEGER)"
        )
        try:
            yield
        finally:
            self.conn.execute("DROP TABLE temp.imdb_principals")

    def stage_principal(
        self, film_id: int, nconst: str, role: str, ordering: int | None, characters: str | None
    ) -> None:
        self.conn.execute(
            "INSERT INTO imdb_principals (film_id, nconst, role, ordering, characters) "
            "VALUES (?, ?, ?, ?, ?)",
            (film_id, nconst, role, ordering, characters),
        )

    def index_principals(self) -> None:
        """Index the staged principals by person, before people are attached."""
        self.conn.execute("CREATE INDEX temp.imdb_principals_nconst ON imdb_principals (nconst)")

    def is_principal(self, nconst: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM imdb_principals WHERE nconst = ? LIMIT 1", (nconst,)
            ).fetchone()
            is not None
        )

    def attach_principal(self, nconst: str, person_id: int) -> None:
        self.conn.execute(
            "UPDATE imdb_principals SET person_id = ? WHERE nconst = ?", (person_id, nconst)
        )

    def staged_credits(self) -> Iterator[sqlite3.Row]:
        """The staged principals with a person, by film and billing; read as they are
        stored (a cursor), not all at once."""
        yield from self.conn.execute(
            "SELECT film_id, person_id, role, ordering, characters FROM imdb_principals "
            "WHERE person_id IS NOT NULL ORDER BY film_id, ordering"
        )

    # -- ratings ----------------------------------------------------------------------

    def add_ratings(self, source: str, rows: Iterable[tuple[int, int, float, float]]) -> None:
        """Store (user_id, film_id, rating, centered) rows; re-running replaces them."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO film_ratings (source, user_id, film_id, rating, centered) "
            "VALUES (?, ?, ?, ?, ?)",
            ((source, *row) for row in rows),
        )

    # -- curated details ----------------------------------------------------------------

    def retire_curated_rows(self, film_id: int) -> None:
        """Retire (never delete) the film's rows from curated sources, before they are stated
        again: rows the data no longer states stay retired."""
        for table in CURATED_TABLES:
            self.conn.execute(
                f"UPDATE {table} SET retired_at = {NOW} WHERE film_id = ? AND retired_at IS NULL "
                "AND (source LIKE 'seed:%' OR source LIKE 'curated%')",
                (film_id,),
            )

    def upsert_row(self, table: str, key: tuple[str, ...], **values: object) -> None:
        """INSERT, or on the unique key update every other column and un-retire the row."""
        columns = list(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}, retired_at = NULL",
            tuple(values.values()),
        )
