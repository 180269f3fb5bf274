"""Writing to the film catalog: one merge rule for every source, run off the event loop.

Imports and the curated loader write through `CatalogWriter`, a plain `sqlite3` connection
used in a worker thread inside ONE transaction (`open_writer`): an import that fails half way
leaves the catalog exactly as it was.

Merge rule (`CatalogWriter.find_film`): the same film from several sources is one film.
External ids are tried first (imdb, movielens, tmdb, curated), then the normalised title
(`match_key`) with the year. A candidate that already carries a *different* id in the same
namespace is another film. Existing values are kept; missing ones are filled in; the rating
is replaced only by a more authoritative source.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.films.model import Credit, Fact, Film, FilmDetails
from bot.films.normalize import fold, match_key, search_text

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
# Lower is more authoritative, for the rating shown on cards.
RATING_SOURCE_RANK = {"imdb": 1, "tmdb": 2, "ggplot2movies": 3, "movielens": 4}
GENRE_ALIASES = {"science fiction": "Sci-Fi", "sci fi": "Sci-Fi", "film noir": "Film-Noir"}
IGNORED_GENRES = {"no genres listed", "imax"}
CURATED_TABLES = ("credits", "summary_sections", "quotes", "film_facts", "related_films")


def is_curated_source(source: str | None) -> bool:
    """Sources owned by the curated data files (their rows are retired when no longer stated)."""
    return bool(source) and (source.startswith("seed:") or source.startswith("curated"))


def canonical_genre(genre: str) -> str | None:
    """One spelling per genre across sources ("Science Fiction" and "Sci-Fi" are the same)."""
    folded = fold(genre)
    if not folded or folded in IGNORED_GENRES:
        return None
    if folded in GENRE_ALIASES:
        return GENRE_ALIASES[folded]
    return genre.strip() if genre.strip()[:1].isupper() else genre.strip().title()


def _rating_rank(source: str | None) -> int:
    text = (source or "").lower()
    if "seed:" in text:
        return 0
    first_word = text.split()[0] if text.split() else ""
    return RATING_SOURCE_RANK.get(first_word, 9)


@contextlib.contextmanager
def open_writer(path: Path | str) -> Iterator[CatalogWriter]:
    """A writer on its own connection, inside BEGIN IMMEDIATE ... COMMIT (rollback on error)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield CatalogWriter(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


class CatalogWriter:
    """Inserts and merges catalog rows on a sqlite3 connection already inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.films_added = 0
        self.films_merged = 0

    # -- films --------------------------------------------------------------------------

    def find_film(self, film: Film, *, year_slack: int = 0) -> int | None:
        """The id of the stored film `film` describes, by external id then title + year
        (a year within `year_slack` of it counts when no exact year matches)."""
        for namespace, value in film.external_ids.items():
            row = self.conn.execute(
                "SELECT film_id FROM film_external_ids WHERE namespace = ? AND value = ?",
                (namespace, str(value)),
            ).fetchone()
            if row:
                return row[0]
        rows = self.conn.execute(
            "SELECT id, year FROM films WHERE match_key = ? ORDER BY id",
            (match_key(film.title),),
        ).fetchall()
        rows = [r for r in rows if not self._has_conflicting_id(r["id"], film.external_ids)]
        exact = [r["id"] for r in rows if r["year"] == film.year]
        if exact:
            return exact[0]
        if year_slack and film.year is not None:
            near = [r["id"] for r in rows if r["year"] and abs(r["year"] - film.year) <= year_slack]
            if len(near) == 1:
                return near[0]
        loose = [r["id"] for r in rows if r["year"] is None or film.year is None]
        return loose[0] if len(loose) == 1 else None

    def _has_conflicting_id(self, film_id: int, external_ids: dict[str, str]) -> bool:
        if not external_ids:
            return False
        stored = self.conn.execute(
            "SELECT namespace, value FROM film_external_ids WHERE film_id = ?", (film_id,)
        ).fetchall()
        return any(
            r["namespace"] in external_ids and str(external_ids[r["namespace"]]) != r["value"]
            for r in stored
        )

    def upsert_film(
        self,
        film: Film,
        *,
        popularity: int = 0,
        rating_votes: int | None = None,
        field_sources: dict[str, str] | None = None,
        year_slack: int = 0,
    ) -> int:
        """Store `film` (merged into an existing one when it is the same film); returns its id."""
        sources = field_sources or {}
        film_id = self.find_film(film, year_slack=year_slack)
        if film_id is None:
            film_id = self._insert_film(film, popularity, rating_votes, sources)
            self.films_added += 1
        else:
            self._merge_film(film_id, film, popularity, rating_votes, sources)
            self.films_merged += 1
        for namespace, value in film.external_ids.items():
            self.conn.execute(
                "INSERT OR IGNORE INTO film_external_ids (namespace, value, film_id, source) "
                "VALUES (?, ?, ?, ?)",
                (namespace, str(value), film_id, film.source or namespace),
            )
        self._add_labels(film_id, "film_genres", "genre", film.genres, sources.get("genres"), film)
        countries = sources.get("countries")
        self._add_labels(film_id, "film_countries", "country", film.countries, countries, film)
        return film_id

    def _insert_film(
        self, film: Film, popularity: int, votes: int | None, sources: dict[str, str]
    ) -> int:
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
                sources.get("synopsis", film.source) if film.synopsis else None,
                film.rating,
                votes if film.rating is not None else None,
                film.rating_source if film.rating is not None else None,
                popularity,
                match_key(film.title),
                search_text(film.title, film.original_title),
                film.source or "unknown",
            ),
        )
        return int(cursor.lastrowid)

    def _merge_film(
        self, film_id: int, film: Film, popularity: int, votes: int | None, sources: dict
    ) -> None:
        row = self.conn.execute("SELECT * FROM films WHERE id = ?", (film_id,)).fetchone()
        title = film.title if is_curated_source(film.source) else row["title"]
        original = row["original_title"] or film.original_title
        rating, rating_votes, rating_source = (
            row["rating"],
            row["rating_votes"],
            row["rating_source"],
        )
        if film.rating is not None and (
            rating is None or _rating_rank(film.rating_source) < _rating_rank(rating_source)
        ):
            rating, rating_votes, rating_source = film.rating, votes, film.rating_source
        synopsis, synopsis_source = row["synopsis"], row["synopsis_source"]
        if film.synopsis and (not synopsis or is_curated_source(film.source)):
            synopsis, synopsis_source = film.synopsis, sources.get("synopsis", film.source)
        self.conn.execute(
            f"UPDATE films SET title = ?, original_title = ?, year = coalesce(year, ?), "
            "runtime_minutes = coalesce(runtime_minutes, ?), synopsis = ?, synopsis_source = ?, "
            "rating = ?, rating_votes = ?, rating_source = ?, popularity = max(popularity, ?), "
            f"match_key = ?, search_text = ?, updated_at = {NOW} WHERE id = ?",
            (
                title,
                original,
                film.year,
                film.runtime_minutes,
                synopsis,
                synopsis_source,
                rating,
                rating_votes,
                rating_source,
                popularity,
                match_key(title),
                search_text(title, original),
                film_id,
            ),
        )

    def _add_labels(
        self,
        film_id: int,
        table: str,
        column: str,
        values: Iterable[str],
        source: str | None,
        film: Film,
    ) -> None:
        for value in values:
            label = canonical_genre(value) if column == "genre" else value.strip()
            if label:
                self.conn.execute(
                    f"INSERT OR IGNORE INTO {table} (film_id, {column}, source) VALUES (?, ?, ?)",
                    (film_id, label, source or film.source or "unknown"),
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

    def film_by_external_id(self, namespace: str, value: str) -> int | None:
        row = self.conn.execute(
            "SELECT film_id FROM film_external_ids WHERE namespace = ? AND value = ?",
            (namespace, value),
        ).fetchone()
        return None if row is None else row[0]

    def set_rating(self, film_id: int, rating: float, votes: int, source: str) -> None:
        """Replace the film's rating unless a more authoritative source gave it; count votes
        towards its popularity."""
        row = self.conn.execute(
            "SELECT rating_source FROM films WHERE id = ?", (film_id,)
        ).fetchone()
        if row["rating_source"] is None or _rating_rank(source) <= _rating_rank(
            row["rating_source"]
        ):
            self.conn.execute(
                "UPDATE films SET rating = ?, rating_votes = ?, rating_source = ? WHERE id = ?",
                (rating, votes, source, film_id),
            )
        self.conn.execute(
            "UPDATE films SET popularity = max(popularity, ?) WHERE id = ?", (votes, film_id)
        )

    def add_fact(self, film_id: int, fact: Fact) -> None:
        """Add a sourced fact (budget, award...) unless that source already stated it."""
        self.conn.execute(
            "INSERT OR IGNORE INTO film_facts (film_id, position, kind, value, spoiler_level, "
            "note, source) VALUES (?, 1000, ?, ?, ?, ?, ?)",
            (film_id, fact.kind, fact.value, int(fact.level), fact.note, fact.source or "unknown"),
        )

    # -- people and credits -------------------------------------------------------------

    def upsert_person(
        self,
        name: str,
        *,
        source: str,
        imdb_id: str | None = None,
        birth_year: int | None = None,
        death_year: int | None = None,
    ) -> int:
        """The person's id, by IMDb id, else by name (filling in the IMDb id once known)."""
        if imdb_id:
            row = self.conn.execute(
                "SELECT id FROM people WHERE imdb_id = ?", (imdb_id,)
            ).fetchone()
            if row:
                return row[0]
        key = fold(name)
        row = self.conn.execute(
            "SELECT id FROM people WHERE name_key = ? AND (imdb_id IS NULL OR ? IS NULL) "
            "ORDER BY id LIMIT 1",
            (key, imdb_id),
        ).fetchone()
        if row:
            self.conn.execute(
                "UPDATE people SET imdb_id = coalesce(imdb_id, ?), birth_year = "
                "coalesce(birth_year, ?), death_year = coalesce(death_year, ?) WHERE id = ?",
                (imdb_id, birth_year, death_year, row[0]),
            )
            return row[0]
        cursor = self.conn.execute(
            "INSERT INTO people (name, name_key, imdb_id, birth_year, death_year, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, key, imdb_id, birth_year, death_year, source),
        )
        return int(cursor.lastrowid)

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

    # -- ratings ----------------------------------------------------------------------

    def add_ratings(self, source: str, rows: Iterable[tuple[int, int, float, float]]) -> None:
        """Store (user_id, film_id, rating, centered) rows; re-running replaces them."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO film_ratings (source, user_id, film_id, rating, centered) "
            "VALUES (?, ?, ?, ?, ?)",
            ((source, *row) for row in rows),
        )

    # -- curated details ----------------------------------------------------------------

    def store_details(self, details: FilmDetails) -> int:
        """Store a film (curated, or looked up live) with its credits, summary, quotes, facts and related films.

        Rows from curated sources that the data no longer states are retired, not deleted,
        so loading the same data twice changes nothing and a corrected file replaces facts.
        """
        film_id = self.upsert_film(details.film, field_sources=details.field_sources)
        if is_curated_source(details.film.source):
            self._retire_curated_rows(film_id)
        for credit in details.credits:
            person_id = self.upsert_person(credit.name, source=credit.source or "unknown")
            self._store_curated_credit(film_id, person_id, credit)
        for position, section in enumerate(details.summary):
            self._upsert_row(
                "summary_sections",
                ("film_id", "heading", "source"),
                film_id=film_id,
                heading=section.heading,
                source=section.source,
                position=position,
                text=section.text,
                spoiler_level=int(section.level),
            )
        for position, quote in enumerate(details.quotes):
            self._upsert_row(
                "quotes",
                ("film_id", "text", "source"),
                film_id=film_id,
                text=quote.text,
                source=quote.source,
                position=position,
                speaker=quote.speaker,
                spoiler_level=int(quote.level),
            )
        for position, fact in enumerate(details.facts):
            self._upsert_row(
                "film_facts",
                ("film_id", "kind", "value", "source"),
                film_id=film_id,
                kind=fact.kind,
                value=fact.value,
                source=fact.source,
                position=position,
                spoiler_level=int(fact.level),
                note=fact.note,
            )
        for position, link in enumerate(details.related_links):
            related_id = self.upsert_film(link.film)
            self._upsert_row(
                "related_films",
                ("film_id", "related_film_id", "relation"),
                film_id=film_id,
                related_film_id=related_id,
                relation=link.relation,
                position=position,
                note=link.note,
                source=link.source or "unknown",
                year_source=link.year_source,
            )
        return film_id

    def _retire_curated_rows(self, film_id: int) -> None:
        for table in CURATED_TABLES:
            self.conn.execute(
                f"UPDATE {table} SET retired_at = {NOW} WHERE film_id = ? AND retired_at IS NULL "
                "AND (source LIKE 'seed:%' OR source LIKE 'curated%')",
                (film_id,),
            )

    def _store_curated_credit(self, film_id: int, person_id: int, credit: Credit) -> None:
        self._upsert_row(
            "credits",
            ("film_id", "person_id", "role", "character"),
            film_id=film_id,
            person_id=person_id,
            role=credit.role,
            character=credit.character or "",
            source=credit.source or "unknown",
            aliases=json.dumps(list(credit.aliases), ensure_ascii=False),
            note=credit.note,
            billing_order=credit.order,
        )

    def _upsert_row(self, table: str, key: tuple[str, ...], **values: object) -> None:
        """INSERT, or on the unique key update every other column and un-retire the row."""
        columns = list(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}, retired_at = NULL",
            tuple(values.values()),
        )
