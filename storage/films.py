"""The film catalog, read side: films and their details by id, and the title queries the
search is built from (exact titles, titles starting with what was typed, words, close
spellings). Missing rows are None; how a typed title resolves is the core's
(bot/films/resolve.py). Writes go through storage/film_writer.py, off the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.errors import InvalidInput
from bot.films.model import Film, FilmDetails, ParsedQuery, RelatedFilm
from storage.film_details import FilmDetailsReader

log = logging.getLogger(__name__)

KEY_UPPER = "\U0010ffff"  # sorts after every character: [key, key + KEY_UPPER) = "starts with"
FILM_COLUMNS = (
    "id, title, year, original_title, runtime_minutes, synopsis, rating, rating_source, source"
)
LIST_COLUMNS = "id, title, year, original_title, search_rank"  # enough for a choice
LIST_WIDTH = 5  # a row of LIST_COLUMNS
EXACT_LIMIT = 25  # films with one title, at most
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
    """Everything the bot reads from the film catalog: films by id, and title queries."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # -- single films -----------------------------------------------------------------

    async def get_film(self, film_id: int) -> Film | None:
        films = await self._films([film_id], full=True)
        return films[0] if films else None

    async def get_details(self, film_id: int) -> FilmDetails | None:
        """Everything known about one film; None if there is no such film."""
        film = await self.get_film(film_id)
        if film is None:
            return None
        reader = FilmDetailsReader(self._conn)
        links = await self._related(film_id)
        return FilmDetails(
            film=film,
            credits=tuple(await reader.credits(film_id)),
            summary=tuple(await reader.summary(film_id)),
            quotes=tuple(await reader.quotes(film_id)),
            facts=tuple(await reader.facts(film_id)),
            related=tuple(link.film for link in links),
            related_links=tuple(links),
            field_sources=await reader.field_sources(film_id),
        )

    async def films_by_ids(self, ids: Sequence[int], *, full: bool = True) -> list[Film]:
        """Films in the order of `ids`; with genres, countries and external ids when `full`."""
        return await self._films(list(ids), full=full)

    async def count(self) -> int:
        return int((await self._all("SELECT count(*) AS n FROM films"))[0]["n"])

    # -- title queries ------------------------------------------------------------------
    # Films from these carry id, title, year and original title only (use get_details).

    async def most_popular(self, limit: int) -> list[Film]:
        rows = await self._all(
            f"SELECT {LIST_COLUMNS} FROM films ORDER BY search_rank LIMIT ?", (limit,)
        )
        return [_film(row) for row in rows]

    async def titled(self, parsed: ParsedQuery) -> list[int]:
        """Ids of the films with exactly this title (and year, if given), most popular first."""
        return [row["id"] for row in await self._exact(parsed)]

    async def curated_among(self, ids: Sequence[int]) -> list[int]:
        """Which of `ids` are curated films."""
        marks = ",".join("?" * len(ids))
        rows = await self._all(
            f"SELECT DISTINCT film_id FROM film_external_ids WHERE namespace = 'curated' "
            f"AND film_id IN ({marks})",
            ids,
        )
        return [row["film_id"] for row in rows]

    async def namesakes(self, film: Film, limit: int) -> list[Film]:
        """Other films with the same title, most popular first."""
        rows = await self._all(
            "SELECT id FROM films WHERE match_key = (SELECT match_key FROM films WHERE id = ?) "
            "AND id != ? ORDER BY search_rank LIMIT ?",
            (film.id, film.id, limit),
        )
        return await self._films([row["id"] for row in rows], full=False)

    async def spelt_alike(self, stems: Sequence[str], pool: int) -> list[tuple[int, str]]:
        """(id, match key) of up to `pool` films with a word starting with one of `stems`,
        most popular first: the candidates for "did you mean"."""
        expression = " OR ".join(f'"{stem}"*' for stem in stems)
        rows = await self._all(
            "SELECT f.id, f.match_key FROM films_fts JOIN films f "
            "ON f.search_rank = films_fts.rowid WHERE films_fts MATCH ? "
            "ORDER BY films_fts.rowid LIMIT ?",
            (expression, pool),
        )
        return [(row["id"], row["match_key"]) for row in rows]

    async def ranked(self, parsed: ParsedQuery, limit: int) -> list[Film]:
        """Titles starting with the query first, then titles with words starting with it;
        more popular first within each. One query when the first kind fills the list (the
        common case while typing)."""
        rows = await self._starting_with(parsed, limit)
        if len(rows) < limit:
            seen = {row["id"] for row in rows}
            more = await self._with_words(parsed, limit + len(rows))
            rows += [row for row in more if row["id"] not in seen][: limit - len(rows)]
        return [_film(row) for row in rows]

    async def _exact(self, parsed: ParsedQuery) -> list[aiosqlite.Row]:
        sql = f"SELECT {LIST_COLUMNS} FROM films WHERE match_key = ?"
        params: list[object] = [parsed.key]
        if parsed.year is not None:
            sql += " AND year = ?"
            params.append(parsed.year)
        return await self._all(sql + " ORDER BY search_rank LIMIT ?", [*params, EXACT_LIMIT])

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
            [_fts_expression(parsed), *year, limit],
        )

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
        labels = await self._labels(ids) if full else {}
        return [_film(by_id[i], labels.get(i)) for i in ids if i in by_id]

    async def _labels(self, ids: Sequence[int]) -> dict[int, _Labels]:
        marks = ",".join("?" * len(ids))
        labels = {i: _Labels() for i in ids}
        for row in await self._all(
            f"SELECT film_id, genre FROM film_genres WHERE film_id IN ({marks}) ORDER BY rowid", ids
        ):
            labels[row["film_id"]].genres.append(row["genre"])
        for row in await self._all(
            f"SELECT film_id, country FROM film_countries WHERE film_id IN ({marks}) "
            "ORDER BY rowid",
            ids,
        ):
            labels[row["film_id"]].countries.append(row["country"])
        for row in await self._all(
            f"SELECT film_id, namespace, value FROM film_external_ids WHERE film_id IN ({marks})",
            ids,
        ):
            labels[row["film_id"]].external_ids[row["namespace"]] = row["value"]
        return labels

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


def _fts_expression(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression for the tokens: every word quoted (so nothing the user typed is
    read as FTS5 syntax), the last one as a prefix while it is being typed."""
    terms = ['"' + token.replace('"', '""') + '"' for token in parsed.tokens]
    if terms and parsed.last_is_prefix:
        terms[-1] += "*"
    return " ".join(terms)


def _year_filter(parsed: ParsedQuery, prefix: str = "") -> tuple[str, list[object]]:
    if parsed.year is None:
        return "", []
    return f" AND {prefix}year = ?", [parsed.year]


@dataclass
class _Labels:
    """A film's genres, countries and external ids, as read."""

    genres: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)


def _film(row: aiosqlite.Row, labels: _Labels | None = None) -> Film:
    """A Film from a row of FILM_COLUMNS, or of LIST_COLUMNS (the rest left unset)."""
    if len(row) == LIST_WIDTH:
        return Film(id=row[0], title=row[1], year=row[2], original_title=row[3])
    labels = labels or _Labels()
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
        genres=tuple(labels.genres),
        countries=tuple(labels.countries),
        external_ids=dict(labels.external_ids),
    )
