"""Filling in a film's plot on demand: its Wikipedia article (and TMDB's overview and credits
when a TMDB key is set), stored in the catalog with the revision read.

A film is looked up once: a found article is stored (its revision id in wikipedia_lookups),
an article that does not exist is remembered as not found; a failure (timeout, refusal) is
not remembered, so the next request tries again. Nothing here raises for a network problem:
the caller gets a line to show instead.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import aiosqlite

from bot.films.merge import open_merger, store_films
from bot.films.model import Film, FilmDetails
from bot.films.tmdb import TmdbClient, TmdbUnavailable
from bot.films.wikipedia.client import Wanted, WikipediaClient, WikipediaUnavailable
from bot.films.wikipedia.details import SOURCE_PREFIX, to_details
from bot.films.wikipedia.page import WikiFilm
from bot.text import escape_markdown, neutralise_mentions
from storage.films import FilmRepository, database_path
from storage.wikipedia import WikipediaLookupRepository

log = logging.getLogger(__name__)

YEAR_SLACK = 1  # an article's year may be one off the catalog's


class PlotLookup:
    """Looks up plots for films that have none (Wikipedia first, TMDB's credits alongside)."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        wikipedia: WikipediaClient,
        tmdb: TmdbClient | None = None,
    ) -> None:
        self._conn = conn
        self._films = FilmRepository(conn)
        self._lookups = WikipediaLookupRepository(conn)
        self._wikipedia = wikipedia
        self._tmdb = tmdb

    async def close(self) -> None:
        """Close the Wikipedia client's session (the TMDB client is the catalog's to close)."""
        await self._wikipedia.close()

    async def needed(self, film: Film) -> bool:
        """True when the film has no plot and was never looked up (the lookup is slow: an
        interaction defers before it)."""
        if await self._lookups.has_plot(film.id):
            return False
        return await self._lookups.get(film.id) is None

    async def run(self, film: Film) -> str | None:
        """Look the film up and store what was found; a line for the reply when no plot
        could be added (and why), else None."""
        details = await self._films.get_details(film.id)
        directors = [c.name for c in details.people("director")] if details else []
        wanted = Wanted(film.title, film.year, directors)
        await self._add_tmdb(film)
        try:
            page = await self._wikipedia.find_film(wanted)
        except WikipediaUnavailable as exc:
            log.warning("Wikipedia lookup for film %s failed: %s", film.id, exc)
            return f"The plot could not be fetched from Wikipedia: {exc}."
        imdb = film.external_ids.get("imdb")
        if page is None or (imdb and page.imdb_id and page.imdb_id != imdb):
            await self._lookups.record(film.id, "not_found")
            return (
                f"Wikipedia has no film article matching {_shown(film)}, so there is no plot yet."
            )
        await self._store_revision(_for_film(page, film))
        await self._lookups.record(film.id, "found", page.article, page.page_id, page.revision_id)
        log.info(
            "stored Wikipedia's %r (revision %s) for film %s",
            page.article,
            page.revision_id,
            film.id,
        )
        return None if page.plot else f"Wikipedia's article on {_shown(film)} has no plot section."

    async def _store_revision(self, details: FilmDetails) -> int:
        """Store the article's revision on a writer of its own in a worker thread; the film id."""
        path = await database_path(self._conn)

        def write() -> int:
            with open_merger(path) as merger:
                return merger.store_revision(details, SOURCE_PREFIX, year_slack=YEAR_SLACK)

        return await asyncio.to_thread(write)

    async def _add_tmdb(self, film: Film) -> None:
        """TMDB's overview and credits (with characters) for the film, when a key is set."""
        if self._tmdb is None:
            return
        try:
            tmdb_details = await self._tmdb.find(
                f"{film.title} ({film.year})" if film.year else film.title
            )
        except TmdbUnavailable as exc:
            log.warning("TMDB lookup for film %s failed: %s", film.id, exc)
            return
        if tmdb_details is not None and tmdb_details.film.year == film.year:
            ids = {**film.external_ids, **tmdb_details.film.external_ids}
            await store_films(self._conn, [_with_ids(tmdb_details, ids)])


def _shown(film: Film) -> str:
    return neutralise_mentions(escape_markdown(film.label))


def _for_film(page: WikiFilm, film: Film) -> FilmDetails:
    """The article's details as the catalog's film (its title, year and own ids first), so
    they merge into that film and no other."""
    details = to_details(page)
    ids = {**film.external_ids, **details.film.external_ids}
    same = replace(details.film, title=film.title, year=film.year or details.film.year)
    return _with_ids(replace(details, film=same), ids)


def _with_ids(details: FilmDetails, ids: dict[str, str]) -> FilmDetails:
    return replace(details, film=replace(details.film, external_ids=ids))
