"""The film catalog, read side: details, search as you type, title resolution, curated load.

Writes go through storage/film_writer.py (a worker thread, one transaction); this repository
hands them off with `asyncio.to_thread` so the event loop never waits on a bulk write.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.errors import InvalidInput, NotFound
from bot.films.curated import load_curated
from bot.films.errors import AmbiguousTitle, FilmNotFound
from bot.films.model import (
    Film,
    FilmDetails,
    RelatedFilm,
)
from bot.films.normalize import (
    ParsedQuery,
    fts_expression,
    parse_query,
    picked_id,
    without_trailing_year,
)
from storage.film_details import FilmDetailsReader
from storage.film_writer import open_writer
from storage.meta import MetaRepository

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
LIST_COLUMNS = "id, title, year, original_title, search_rank"  # enough for a choice
# An exact title ranks as if this many times higher in the popularity order: "Up" leads for "up",
# but a forgotten film called "Mat" does not push The Matrix down while "mat" is typed.
EXACT_BOOST = 20.0


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
        reader = FilmDetailsReader(self._conn)
        sources = await reader.field_sources(film_id)
        return FilmDetails(
            film=film,
            credits=tuple(await reader.credits(film_id)),
            summary=tuple(await reader.summary(film_id)),
            quotes=tuple(await reader.quotes(film_id)),
            facts=tuple(await reader.facts(film_id)),
            related=tuple(link.film for link in await self._related(film_id)),
            related_links=tuple(await self._related(film_id)),
            field_sources=sources,
        )

    async def films_by_ids(self, ids: Sequence[int]) -> list[Film]:
        """Films with genres, countries and external ids, in the order of `ids`."""
        return await self._films(list(ids), full=True)

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
                f"SELECT {LIST_COLUMNS} FROM films ORDER BY search_rank LIMIT ?", (limit,)
            )
            return [_film(row) for row in rows]
        rows = await self._ranked(parsed, limit)
        if not rows and (with_year := without_trailing_year(parsed)):
            rows = await self._ranked(with_year, limit)
        return [_film(row) for row in rows]

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
            "SELECT f.id, f.match_key FROM films_fts JOIN films f "
            "ON f.search_rank = films_fts.rowid WHERE films_fts MATCH ? "
            "ORDER BY films_fts.rowid LIMIT ?",
            (expression, FUZZY_POOL),
        )
        scored = [
            (difflib.SequenceMatcher(None, parsed.key, row["match_key"]).ratio(), i, row["id"])
            for i, row in enumerate(rows)
        ]
        best = sorted((s for s in scored if s[0] >= FUZZY_CUTOFF), key=lambda s: (-s[0], s[1]))
        return await self._films([film_id for _, _, film_id in best[:limit]], full=False)

    async def resolve(self, title_or_id: str) -> Film:
        """The one film meant by an autocomplete value ("#" and the film id) or a typed title.

        "#123" is film 123 (a picked choice: the mark keeps film 300 apart from the film called
        "300"). A bare number is read as a title first when exactly one film has it as its title
        ("1917" typed without picking from the list), else as a film id.
        Raises FilmNotFound (with the closest titles) or AmbiguousTitle (with the candidates).
        """
        text = (title_or_id or "").strip()
        if (picked := picked_id(text)) is not None and (film := await self.get_film(picked)):
            return film
        parsed = parse_query(text)
        if parsed.is_empty:
            raise InvalidInput("Type the title of a film (or pick one from the list).")
        matches = await self._titled(parsed)
        if len(matches) != 1 and text.isdigit() and len(text) <= 12:
            film = await self.get_film(int(text))
            if film is not None:
                return film
        if len(matches) == 1:
            return await self.get_film(matches[0])  # type: ignore[return-value]
        if matches:
            raise AmbiguousTitle(text, await self._films(matches, full=False))
        typed_so_far = await self.autocomplete(text, MAX_SUGGESTIONS)
        if len(typed_so_far) == 1:
            return await self.get_film(typed_so_far[0].id)  # type: ignore[return-value]
        raise FilmNotFound(text, typed_so_far or await self.closest(text))

    async def _titled(self, parsed: ParsedQuery) -> list[int]:
        """Ids of the films with exactly this title (and year, if given); the curated one
        alone when it is among them."""
        matches = [row["id"] for row in await self._exact(parsed)]
        if not matches and (with_year := without_trailing_year(parsed)):
            matches = [row["id"] for row in await self._exact(with_year)]
        if len(matches) > 1:
            matches = await self._prefer_curated(matches)
        return matches

    async def namesakes(self, film: Film) -> list[Film]:
        """Other films with the same title (to say "add the year" on a card), most popular first."""
        rows = await self._all(
            "SELECT id FROM films WHERE match_key = (SELECT match_key FROM films WHERE id = ?) "
            "AND id != ? ORDER BY search_rank LIMIT ?",
            (film.id, film.id, MAX_SUGGESTIONS),
        )
        return await self._films([row["id"] for row in rows], full=False)

    async def _prefer_curated(self, ids: list[int]) -> list[int]:
        """Of several films with one title, the curated one is the one the community means
        (typing "Never Let Me Go" gives the 2010 film, not the 1953 one)."""
        marks = ",".join("?" * len(ids))
        rows = await self._all(
            f"SELECT DISTINCT film_id FROM film_external_ids WHERE namespace = 'curated' "
            f"AND film_id IN ({marks})",
            ids,
        )
        curated = [row["film_id"] for row in rows]
        return curated if len(curated) == 1 else ids

    async def _exact(self, parsed: ParsedQuery) -> list[aiosqlite.Row]:
        sql = f"SELECT {LIST_COLUMNS} FROM films WHERE match_key = ?"
        params: list[object] = [parsed.key]
        if parsed.year is not None:
            sql += " AND year = ?"
            params.append(parsed.year)
        return await self._all(sql + " ORDER BY search_rank LIMIT 25", params)

    async def _ranked(self, parsed: ParsedQuery, limit: int) -> list[aiosqlite.Row]:
        """Titles starting with the query first, then titles with words starting with it.
        One query when the first kind fills the list (the common case while typing)."""
        rows = await self._starting_with(parsed, limit)
        if len(rows) < limit:
            seen = {row["id"] for row in rows}
            more = await self._with_words(parsed, limit + len(rows))
            rows += [row for row in more if row["id"] not in seen][: limit - len(rows)]
        return rows

    async def _starting_with(self, parsed: ParsedQuery, limit: int) -> list[aiosqlite.Row]:
        year_sql, year = _year_filter(parsed)
        if len(parsed.key) > 2:
            return await self._all(
                f"SELECT {LIST_COLUMNS} FROM films WHERE match_key >= ? AND match_key < ?"
                f"{year_sql} ORDER BY CASE WHEN match_key = ? THEN search_rank / ? "
                "ELSE search_rank END, search_rank LIMIT ?",
                [parsed.key, parsed.key + KEY_UPPER, *year, parsed.key, EXACT_BOOST, limit],
            )
        # One or two characters match thousands of titles: read them best first from the
        # films_initial_N index instead of sorting them, then place exact two-letter titles.
        exact = await self._exact(parsed) if len(parsed.key) == 2 else []
        width = len(parsed.key)
        rows = await self._all(
            f"SELECT {LIST_COLUMNS} FROM films WHERE substr(match_key, 1, {width}) = ?"
            f"{year_sql} ORDER BY search_rank LIMIT ?",
            [parsed.key, *year, limit],
        )
        exact_ids = {row["id"] for row in exact}
        merged = exact + [row for row in rows if row["id"] not in exact_ids]
        merged.sort(key=lambda r: r["search_rank"] / (EXACT_BOOST if r["id"] in exact_ids else 1))
        return merged[:limit]

    async def _with_words(self, parsed: ParsedQuery, limit: int) -> list[aiosqlite.Row]:
        # The index is keyed on search_rank, so matches arrive most popular first.
        year_sql, year = _year_filter(parsed, "f.")
        columns = ", ".join(f"f.{c.strip()}" for c in LIST_COLUMNS.split(","))
        return await self._all(
            f"SELECT {columns} FROM films_fts JOIN films f ON f.search_rank = films_fts.rowid "
            f"WHERE films_fts MATCH ?{year_sql} ORDER BY films_fts.rowid LIMIT ?",
            [fts_expression(parsed), *year, limit],
        )

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
        # One round trip to the connection's thread (execute + fetch + close in one go).
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

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
            RelatedFilm(
                films[r["related_film_id"]], r["relation"], r["source"], r["note"], r["year_source"]
            )
            for r in rows
        ]


def _year_filter(parsed: ParsedQuery, prefix: str = "") -> tuple[str, list[object]]:
    if parsed.year is None:
        return "", []
    return f" AND {prefix}year = ?", [parsed.year]


def _film(row: aiosqlite.Row, **extras: object) -> Film:
    """A Film from a row of FILM_COLUMNS, or of LIST_COLUMNS (the rest left unset)."""
    if len(row) == 5:
        return Film(id=row[0], title=row[1], year=row[2], original_title=row[3])
    return Film(
        id=row["id"],
        title=row["title"],
        year=row["year"],
        original_title=row["original_title"],
        runtime_minutes=row["runtime_minutes"],
        synopsis=row["synopsis"],
        rating=row["rating"],
        rating_source=row["rating_source"],
        source=row["source"],
        genres=tuple(extras.get("genres", ())),
        countries=tuple(extras.get("countries", ())),
        external_ids=dict(extras.get("external_ids", {})),
    )


def curated_fingerprint(films: Sequence[FilmDetails]) -> str:
    """A hash of the curated data, so start-up only rewrites the catalog when it changed."""
    return hashlib.sha256(repr(films).encode("utf-8")).hexdigest()


async def ensure_curated(conn: aiosqlite.Connection) -> bool:
    """Load the curated films unless this exact data is already loaded; True if it wrote.

    Idempotent: safe to call at every start-up and from `python -m bot catalog load-curated`.
    """
    films = load_curated()
    fingerprint = curated_fingerprint(films)
    meta = MetaRepository(conn)
    if await meta.get(CURATED_HASH_KEY) == fingerprint:
        return False
    await FilmRepository(conn).upsert_details(films)
    await meta.set(CURATED_HASH_KEY, fingerprint)
    log.info("loaded %d curated films into the catalog", len(films))
    return True
