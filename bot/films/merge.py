"""The merge rules for films from every source: one film however many sources describe it.

`CatalogMerger` is the catalog writer (storage/film_writer.py, the SQL) with the decisions:

- Which stored film an incoming one is (`find_film`): external ids are tried first (imdb,
  movielens, tmdb, curated), then the normalised title (`match_key`) with the year (a year
  within `year_slack` counts when no exact year matches). A candidate that already carries a
  *different* id in the same namespace is another film.
- Which values win (`upsert_film`): existing values are kept and missing ones filled in; the
  curated data's title and synopsis replace others; the rating is replaced only by a more
  authoritative source.
- One spelling per genre across sources, and one person per IMDb id (else per name).

Writes run in a worker thread inside one transaction (`open_merger`, `store_films`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import aiosqlite

from bot.films.model import Credit, Film, FilmDetails, is_curated_source
from bot.films.titles import fold, match_key, search_text
from storage.film_writer import CatalogWriter, open_transaction
from storage.films import database_path
from storage.wikipedia import add_revision_credit, retire_other_revisions

# Lower is more authoritative, for the rating shown on cards.
RATING_SOURCE_RANK = {"imdb": 1, "tmdb": 2, "ggplot2movies": 3, "movielens": 4}
GENRE_ALIASES = {"science fiction": "Sci-Fi", "sci fi": "Sci-Fi", "film noir": "Film-Noir"}
IGNORED_GENRES = {"no genres listed", "imax"}


def canonical_genre(genre: str) -> str | None:
    """One spelling per genre across sources ("Science Fiction" and "Sci-Fi" are the same)."""
    folded = fold(genre)
    if not folded or folded in IGNORED_GENRES:
        return None
    if folded in GENRE_ALIASES:
        return GENRE_ALIASES[folded]
    return genre.strip() if genre.strip()[:1].isupper() else genre.strip().title()


def rating_rank(source: str | None) -> int:
    """How authoritative a rating's source is: 0 (curated) is the most."""
    text = (source or "").lower()
    if "seed:" in text:
        return 0
    first_word = text.split()[0] if text.split() else ""
    return RATING_SOURCE_RANK.get(first_word, 9)


@contextlib.contextmanager
def open_merger(path: Path | str) -> Iterator[CatalogMerger]:
    """A merger on its own connection, inside one transaction (rolled back on error)."""
    with open_transaction(path) as conn:
        yield CatalogMerger(conn)


async def store_films(conn: aiosqlite.Connection, details: Sequence[FilmDetails]) -> list[int]:
    """Store films (merged with what is there) in one transaction, off the event loop; their ids."""
    path = await database_path(conn)

    def write() -> list[int]:
        with open_merger(path) as merger:
            return [merger.store_details(d) for d in details]

    return await asyncio.to_thread(write)


class CatalogMerger(CatalogWriter):
    """The catalog writer with the merge rules; counts the films it added and merged."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self.films_added = 0
        self.films_merged = 0

    # -- films --------------------------------------------------------------------------

    def find_film(self, film: Film, *, year_slack: int = 0) -> int | None:
        """The id of the stored film `film` describes, by external id then title + year."""
        for namespace, value in film.external_ids.items():
            film_id = self.film_by_external_id(namespace, str(value))
            if film_id is not None:
                return film_id
        rows = [
            (film_id, year)
            for film_id, year in self.films_with_key(match_key(film.title))
            if not self._has_conflicting_id(film_id, film.external_ids)
        ]
        exact = [film_id for film_id, year in rows if year == film.year]
        if exact:
            return exact[0]
        if year_slack and film.year is not None:
            near = [i for i, year in rows if year and abs(year - film.year) <= year_slack]
            if len(near) == 1:
                return near[0]
        loose = [film_id for film_id, year in rows if year is None or film.year is None]
        return loose[0] if len(loose) == 1 else None

    def _has_conflicting_id(self, film_id: int, external_ids: dict[str, str]) -> bool:
        if not external_ids:
            return False
        stored = self.external_ids(film_id)
        return any(
            namespace in external_ids and str(external_ids[namespace]) != value
            for namespace, value in stored.items()
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
            film_id = self.insert_film(
                film,
                key=match_key(film.title),
                text=search_text(film.title, film.original_title),
                popularity=popularity,
                votes=rating_votes,
                synopsis_source=sources.get("synopsis", film.source) if film.synopsis else None,
            )
            self.films_added += 1
        else:
            self._merge_film(film_id, film, popularity, rating_votes, sources)
            self.films_merged += 1
        self.add_external_ids(film_id, film.external_ids, film.source)
        fallback = film.source or "unknown"
        genres = [g for g in map(canonical_genre, film.genres) if g]
        self.add_labels(film_id, "film_genres", "genre", genres, sources.get("genres") or fallback)
        countries = [c.strip() for c in film.countries if c.strip()]
        source = sources.get("countries") or fallback
        self.add_labels(film_id, "film_countries", "country", countries, source)
        return film_id

    def _merge_film(
        self, film_id: int, film: Film, popularity: int, votes: int | None, sources: dict[str, str]
    ) -> None:
        row = self.film_row(film_id)
        title = film.title if is_curated_source(film.source) else row["title"]
        original = row["original_title"] or film.original_title
        rating, rating_votes, rating_source = (
            row["rating"],
            row["rating_votes"],
            row["rating_source"],
        )
        if film.rating is not None and (
            rating is None or rating_rank(film.rating_source) < rating_rank(rating_source)
        ):
            rating, rating_votes, rating_source = film.rating, votes, film.rating_source
        synopsis, synopsis_source = row["synopsis"], row["synopsis_source"]
        if film.synopsis and (not synopsis or is_curated_source(film.source)):
            synopsis, synopsis_source = film.synopsis, sources.get("synopsis", film.source)
        self.update_film(
            film_id,
            film,
            popularity=popularity,
            title=title,
            original_title=original,
            synopsis=synopsis,
            synopsis_source=synopsis_source,
            rating=rating,
            rating_votes=rating_votes,
            rating_source=rating_source,
            key=match_key(title),
            text=search_text(title, original),
        )

    def set_rating(self, film_id: int, rating: float, votes: int, source: str) -> None:
        """Replace the film's rating unless a more authoritative source gave it; count votes
        towards its popularity."""
        current = self.rating_source(film_id)
        if current is None or rating_rank(source) <= rating_rank(current):
            self.replace_rating(film_id, rating, votes, source)
        self.raise_popularity(film_id, votes)

    # -- people -------------------------------------------------------------------------

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
            by_imdb = self.person_by_imdb_id(imdb_id)
            if by_imdb is not None:
                return by_imdb
        key = fold(name)
        by_name = self.person_by_name(key, imdb_id)
        if by_name is not None:
            self.fill_person(by_name, imdb_id, birth_year, death_year)
            return by_name
        return self.insert_person(
            name, key, source=source, imdb_id=imdb_id, birth_year=birth_year, death_year=death_year
        )

    # -- details ------------------------------------------------------------------------

    def store_details(self, details: FilmDetails) -> int:
        """Store a film (curated, or looked up live) with its credits, summary, quotes, facts
        and related films.

        Rows from curated sources that the data no longer states are retired, not deleted,
        so loading the same data twice changes nothing and a corrected file replaces facts.
        """
        film_id = self.upsert_film(details.film, field_sources=details.field_sources)
        if is_curated_source(details.film.source):
            self.retire_curated_rows(film_id)
        for credit in details.credits:
            person_id = self.upsert_person(credit.name, source=credit.source or "unknown")
            self._store_credit(film_id, person_id, credit)
        self._store_sections(film_id, details, None)
        self._store_quotes(film_id, details)
        self._store_facts(film_id, details, None)
        self._store_related(film_id, details)
        return film_id

    def _store_quotes(self, film_id: int, details: FilmDetails) -> None:
        for position, quote in enumerate(details.quotes):
            self.upsert_row(
                "quotes",
                ("film_id", "text", "source"),
                film_id=film_id,
                text=quote.text,
                source=quote.source,
                position=position,
                speaker=quote.speaker,
                spoiler_level=int(quote.level),
            )

    def _store_related(self, film_id: int, details: FilmDetails) -> None:
        """The related films (stored first when new), in order."""
        for position, link in enumerate(details.related_links):
            related_id = self.upsert_film(link.film)
            self.upsert_row(
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

    def _store_credit(self, film_id: int, person_id: int, credit: Credit) -> None:
        self.upsert_row(
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

    def _store_facts(self, film_id: int, details: FilmDetails, source: str | None) -> None:
        """The facts in order; each credited to `source` when given, else to its own."""
        for position, fact in enumerate(details.facts):
            self.upsert_row(
                "film_facts",
                ("film_id", "kind", "value", "source"),
                film_id=film_id,
                kind=fact.kind,
                value=fact.value,
                source=source or fact.source,
                position=position,
                spoiler_level=int(fact.level),
                note=fact.note,
            )

    def _store_sections(self, film_id: int, details: FilmDetails, source: str | None) -> None:
        """The summary sections in order; each credited to `source` when given, else its own."""
        for position, section in enumerate(details.summary):
            self.upsert_row(
                "summary_sections",
                ("film_id", "heading", "source"),
                film_id=film_id,
                heading=section.heading,
                source=source or section.source,
                position=position,
                text=section.text,
                spoiler_level=int(section.level),
            )

    def store_revision(self, details: FilmDetails, prefix: str, *, year_slack: int = 0) -> int:
        """Store an article's details (source `details.film.source`, starting with `prefix`)
        so that one revision of an article is shown at a time: rows citing an older revision
        of the same source family are retired (kept, never deleted), and credits another
        source owns are left alone."""
        source = details.film.source or prefix
        film_id = self.upsert_film(details.film, year_slack=year_slack)
        retire_other_revisions(self.conn, film_id, prefix, source)
        for credit in details.credits:
            person_id = self.upsert_person(credit.name, source=source)
            add_revision_credit(self.conn, film_id, person_id, credit, source, prefix)
        self._store_sections(film_id, details, source)
        self._store_facts(film_id, details, source)
        return film_id
