"""The film catalog, read side: details, search as you type, title resolution, curated load.

Writes go through storage/film_writer.py (a worker thread, one transaction); this repository
hands them off with `asyncio.to_thread` so the event loop never waits on a bulk write.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.errors import InvalidInput, NotFound
from bot.films.curated import load_curated
from bot.films.errors import AmbiguousTitle, FilmNotFound
from bot.films.model import (
    Credit,
    Fact,
    Film,
    FilmDetails,
    Quote,
    RelatedFilm,
    SpoilerLevel,
    SummarySection,
)  # fmt: skip
from bot.films.normalize import ParsedQuery, fts_expression, parse_query, without_trailing_year
from storage.film_writer import is_curated_source, open_writer

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 25
MAX_SUGGESTIONS = 5
FUZZY_POOL = 400
FUZZY_CUTOFF = 0.6
CURATED_HASH_KEY = "films.curated_hash"
KEY_UPPER = "\U0010ffff"  # sorts after every character: [key, key + KEY_UPPER) = "starts with"
FILM_COLUMNS = (
    "id, title, year, original_title, runtime_minutes, synopsis, rating, rating_source, source"
)


async def database_path(conn: aiosqlite.Connection) -> Path:
    """The file behind `conn` (bulk writes open their own connection to it in a thread)."""
    async with conn.execute("PRAGMA database_list") as cursor:
        rows = await cursor.fetchall()
    for row in rows:
        if row["name"] == "main" and row["file"]:
            return Path(row["file"])
    raise InvalidInput("the film catalog needs a database file, not an in-memory database")


class FilmRepository:
    """Everything the bot reads from the film catalog, by film id or by what a member typed."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # -- single films -----------------------------------------------------------------

    async def get_film(self, film_id: int) -> Film | None:
        films = await self._films([film_id], full=True)
        return films[0] if films else None

    async def get_details(self, film_id: int) -> FilmDetails:
        """Everything known about one film; NotFound if there is no such film."""
        film = await self.get_film(film_id)
        if film is None:
            raise NotFound(f"There is no film with id {film_id} in the catalog.")
        sources = await self._field_sources(film_id)
        return FilmDetails(
            film=film,
            credits=tuple(await self._credits(film_id)),
            summary=tuple(await self._summary(film_id)),
            quotes=tuple(await self._quotes(film_id)),
            facts=tuple(await self._facts(film_id)),
            related=tuple(link.film for link in await self._related(film_id)),
            related_links=tuple(await self._related(film_id)),
            field_sources=sources,
        )

    async def count(self) -> int:
        return (await self._all("SELECT count(*) AS n FROM films"))[0]["n"]

    # -- search -------------------------------------------------------------------------

    async def autocomplete(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Film]:
        """Films for what has been typed so far, best first: exact title, titles starting with
        it, then titles with words starting with it; more popular first within each.

        Films in this list carry id, title, year and original title only (use get_details).
        """
        parsed = parse_query(query)
        if parsed.is_empty:
            rows = await self._all(
                f"SELECT {FILM_COLUMNS} FROM films ORDER BY popularity DESC, id LIMIT ?", (limit,)
            )
            return [_film(row) for row in rows]
        ids = await self._ranked_ids(parsed, limit)
        if not ids and (with_year := without_trailing_year(parsed)):
            ids = await self._ranked_ids(with_year, limit)
        return await self._films(ids, full=False)

    async def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Film]:
        """Like autocomplete, with genres and ids filled in, falling back to close spellings."""
        ids = [f.id for f in await self.autocomplete(query, limit)]
        if not ids:
            ids = [f.id for f in await self.closest(query, limit)]
        return await self._films(ids, full=True)

    async def closest(self, query: str, limit: int = MAX_SUGGESTIONS) -> list[Film]:
        """Titles spelt like `query` (for "did you mean"), by similarity of their match keys."""
        parsed = parse_query(query)
        stems = sorted({token[:3] for token in parsed.tokens if len(token) >= 2})
        if not stems:
            return []
        expression = " OR ".join(f'"{stem}"*' for stem in stems)
        rows = await self._all(
            "SELECT f.id, f.match_key FROM films_fts JOIN films f ON f.id = films_fts.rowid "
            "WHERE films_fts MATCH ? ORDER BY f.popularity DESC LIMIT ?",
            (expression, FUZZY_POOL),
        )
        scored = [
            (difflib.SequenceMatcher(None, parsed.key, row["match_key"]).ratio(), i, row["id"])
            for i, row in enumerate(rows)
        ]
        best = sorted((s for s in scored if s[0] >= FUZZY_CUTOFF), key=lambda s: (-s[0], s[1]))
        return await self._films([film_id for _, _, film_id in best[:limit]], full=False)

    async def resolve(self, title_or_id: str) -> Film:
        """The one film meant by an autocomplete value (the film id) or a typed title.

        Raises FilmNotFound (with the closest titles) or AmbiguousTitle (with the candidates).
        """
        text = (title_or_id or "").strip()
        if text.isdigit() and len(text) <= 12:
            film = await self.get_film(int(text))
            if film is not None:
                return film
        parsed = parse_query(text)
        if parsed.is_empty:
            raise InvalidInput("Type the title of a film (or pick one from the list).")
        matches = await self._exact(parsed)
        if not matches and (with_year := without_trailing_year(parsed)):
            matches = await self._exact(with_year)
        if len(matches) == 1:
            return await self.get_film(matches[0])  # type: ignore[return-value]
        if matches:
            raise AmbiguousTitle(text, await self._films(matches, full=False))
        typed_so_far = await self.autocomplete(text, MAX_SUGGESTIONS)
        if len(typed_so_far) == 1:
            return await self.get_film(typed_so_far[0].id)  # type: ignore[return-value]
        raise FilmNotFound(text, typed_so_far or await self.closest(text))

    async def _exact(self, parsed: ParsedQuery) -> list[int]:
        sql = "SELECT id FROM films WHERE match_key = ?"
        params: list[object] = [parsed.key]
        if parsed.year is not None:
            sql += " AND year = ?"
            params.append(parsed.year)
        rows = await self._all(sql + " ORDER BY popularity DESC, id LIMIT 25", params)
        return [row["id"] for row in rows]

    async def _ranked_ids(self, parsed: ParsedQuery, limit: int) -> list[int]:
        year_sql = " AND year = ?" if parsed.year is not None else ""
        year = [parsed.year] if parsed.year is not None else []
        rows = await self._all(
            f"SELECT id FROM films WHERE match_key >= ? AND match_key < ?{year_sql} "
            "ORDER BY match_key = ? DESC, popularity DESC, id LIMIT ?",
            [parsed.key, parsed.key + KEY_UPPER, *year, _exact_key(parsed), limit],
        )
        ids = [row["id"] for row in rows]
        if len(ids) < limit:
            rows = await self._all(
                "SELECT f.id FROM films_fts JOIN films f ON f.id = films_fts.rowid "
                f"WHERE films_fts MATCH ?{year_sql.replace('year', 'f.year')} "
                "ORDER BY f.popularity DESC, f.id LIMIT ?",
                [fts_expression(parsed), *year, limit + len(ids)],
            )
            seen = set(ids)
            ids += [r["id"] for r in rows if r["id"] not in seen][: limit - len(ids)]
        return ids

    # -- curated data -------------------------------------------------------------------

    async def upsert_details(self, details: Sequence[FilmDetails]) -> list[int]:
        """Store curated films (merged with what is there) in one transaction; their ids."""
        path = await database_path(self._conn)

        def write() -> list[int]:
            with open_writer(path) as writer:
                return [writer.store_details(d) for d in details]

        return await asyncio.to_thread(write)

    # -- row mapping --------------------------------------------------------------------

    async def _all(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _films(self, ids: Sequence[int], *, full: bool) -> list[Film]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._all(f"SELECT {FILM_COLUMNS} FROM films WHERE id IN ({marks})", ids)
        by_id = {row["id"]: row for row in rows}
        extras = await self._extras(ids) if full else {}
        return [_film(by_id[i], **extras.get(i, {})) for i in ids if i in by_id]

    async def _extras(self, ids: Sequence[int]) -> dict[int, dict]:
        marks = ",".join("?" * len(ids))
        extras: dict[int, dict] = {
            i: {"genres": [], "countries": [], "external_ids": {}} for i in ids
        }
        for row in await self._all(
            f"SELECT film_id, genre FROM film_genres WHERE film_id IN ({marks}) ORDER BY rowid", ids
        ):
            extras[row["film_id"]]["genres"].append(row["genre"])
        for row in await self._all(
            f"SELECT film_id, country FROM film_countries WHERE film_id IN ({marks}) "
            "ORDER BY rowid",
            ids,
        ):
            extras[row["film_id"]]["countries"].append(row["country"])
        for row in await self._all(
            f"SELECT film_id, namespace, value FROM film_external_ids WHERE film_id IN ({marks})",
            ids,
        ):
            extras[row["film_id"]]["external_ids"][row["namespace"]] = row["value"]
        return extras

    async def _field_sources(self, film_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT source, synopsis_source, rating_source FROM films WHERE id = ?", (film_id,)
        )
        sources = {"title": rows[0]["source"]}
        if rows[0]["synopsis_source"]:
            sources["synopsis"] = rows[0]["synopsis_source"]
        if rows[0]["rating_source"]:
            sources["rating"] = rows[0]["rating_source"]
        for table, column in (("film_genres", "genres"), ("film_countries", "countries")):
            found = await self._all(f"SELECT source FROM {table} WHERE film_id = ?", (film_id,))
            if found:
                sources[column] = ", ".join(dict.fromkeys(r["source"] for r in found))
        return sources

    async def _credits(self, film_id: int) -> list[Credit]:
        rows = await self._all(
            "SELECT p.name, c.role, c.character, c.aliases, c.note, c.billing_order, c.source, "
            "c.person_id FROM credits c JOIN people p ON p.id = c.person_id "
            "WHERE c.film_id = ? AND c.retired_at IS NULL ORDER BY c.role, c.billing_order, c.id",
            (film_id,),
        )
        # One credit per person and role: the curated one when several sources list it.
        rows.sort(key=lambda r: not is_curated_source(r["source"]))
        chosen: dict[tuple[int, str], aiosqlite.Row] = {}
        for row in rows:
            chosen.setdefault((row["person_id"], row["role"]), row)
        credits = [
            Credit(
                name=r["name"], role=r["role"], character=r["character"] or None,
                note=r["note"], order=r["billing_order"], source=r["source"],
                aliases=tuple(json.loads(r["aliases"])),
            )
            for r in chosen.values()
        ]  # fmt: skip
        return sorted(credits, key=lambda c: (c.role, c.order))

    async def _summary(self, film_id: int) -> list[SummarySection]:
        rows = await self._all(
            "SELECT heading, text, spoiler_level, source FROM summary_sections "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            SummarySection(r["heading"], r["text"], SpoilerLevel(r["spoiler_level"]), r["source"])
            for r in rows
        ]

    async def _quotes(self, film_id: int) -> list[Quote]:
        rows = await self._all(
            "SELECT text, speaker, spoiler_level, source FROM quotes "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            Quote(r["text"], r["speaker"], r["source"], SpoilerLevel(r["spoiler_level"]))
            for r in rows
        ]

    async def _facts(self, film_id: int) -> list[Fact]:
        rows = await self._all(
            "SELECT kind, value, spoiler_level, note, source FROM film_facts "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            Fact(r["kind"], r["value"], r["source"], SpoilerLevel(r["spoiler_level"]), r["note"])
            for r in rows
        ]

    async def _related(self, film_id: int) -> list[RelatedFilm]:
        rows = await self._all(
            "SELECT related_film_id, relation, note, source, year_source FROM related_films "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position",
            (film_id,),
        )
        films = {
            f.id: f for f in await self._films([r["related_film_id"] for r in rows], full=False)
        }
        return [
            RelatedFilm(films[r["related_film_id"]], r["relation"], r["source"], r["note"],
                        r["year_source"])
            for r in rows
        ]  # fmt: skip


def _exact_key(parsed: ParsedQuery) -> str:
    """The key an exact title must equal to rank first; one typed letter ranks by popularity
    alone (typing "a" should not put the film "A" first)."""
    return parsed.key if len(parsed.key) >= 2 else "\x00"


def _film(row: aiosqlite.Row, **extras: object) -> Film:
    return Film(
        id=row["id"], title=row["title"], year=row["year"], original_title=row["original_title"],
        runtime_minutes=row["runtime_minutes"], synopsis=row["synopsis"], rating=row["rating"],
        rating_source=row["rating_source"], source=row["source"],
        genres=tuple(extras.get("genres", ())), countries=tuple(extras.get("countries", ())),
        external_ids=dict(extras.get("external_ids", {})),
    )  # fmt: skip


def curated_fingerprint(films: Sequence[FilmDetails]) -> str:
    """A hash of the curated data, so start-up only rewrites the catalog when it changed."""
    return hashlib.sha256(repr(films).encode("utf-8")).hexdigest()


async def ensure_curated(conn: aiosqlite.Connection) -> bool:
    """Load the curated films unless this exact data is already loaded; True if it wrote.

    Idempotent: safe to call at every start-up and from `python -m bot catalog load-curated`.
    """
    films = load_curated()
    fingerprint = curated_fingerprint(films)
    async with conn.execute("SELECT value FROM meta WHERE key = ?", (CURATED_HASH_KEY,)) as cur:
        row = await cur.fetchone()
    if row is not None and row["value"] == fingerprint:
        return False
    await FilmRepository(conn).upsert_details(films)
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
        "value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        (CURATED_HASH_KEY, fingerprint),
    )
    await conn.commit()
    log.info("loaded %d curated films into the catalog", len(films))
    return True
