"""The film catalog as the /film commands use it: plain values in, plain data out.

A cog builds nothing itself: the bot creates one FilmCatalog at start-up (`open_catalog`) and
each command calls one method, then renders the returned card, choices or pages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import aiosqlite

from bot.errors import NotFound
from bot.films import cards
from bot.films.curated import load_curated
from bot.films.extras import CardExtras, fetch_extras
from bot.films.merge import store_films
from bot.films.model import Film, FilmDetails, SpoilerLevel
from bot.films.resolve import DEFAULT_LIMIT, FilmNotFound, TitleSearch
from bot.films.similar import SimilarResult, similar_films
from bot.films.tmdb import TmdbClient, TmdbUnavailable
from bot.films.wikipedia.client import WikipediaClient
from bot.films.wikipedia.lookup import PlotLookup
from bot.render import EmbedData
from bot.settings import Settings
from storage.film_similarity import SimilarityRepository
from storage.films import FilmRepository
from storage.meta import MetaRepository

log = logging.getLogger(__name__)

FilmRef = Film | str  # a resolved film, or what an option holds (a typed title or "#<id>")


SMALL_CATALOG = 1000  # below this, "not found" is more likely a missing import than a typo
CURATED_HASH_KEY = "films.curated_hash"


class FilmCatalog:
    """Search, details, cards and recommendations over the catalog (and TMDB when enabled)."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        *,
        tmdb: TmdbClient | None = None,
        wikipedia: WikipediaClient | None = None,
    ) -> None:
        self._conn = conn
        self._films = FilmRepository(conn)
        self._titles = TitleSearch(self._films)
        self._similarity = SimilarityRepository(conn)
        self._tmdb = tmdb
        self._plots = PlotLookup(conn, wikipedia, tmdb) if wikipedia is not None else None

    async def close(self) -> None:
        if self._tmdb is not None:
            await self._tmdb.close()
        if self._plots is not None:
            await self._plots.close()

    # -- films by id --------------------------------------------------------------------

    async def get_details(self, film_id: int) -> FilmDetails:
        """Everything known about one film; NotFound if there is no such film."""
        details = await self._films.get_details(film_id)
        if details is None:
            raise NotFound(f"There is no film with id {film_id} in the catalog.")
        return details

    async def films_by_ids(self, ids: Sequence[int]) -> list[Film]:
        """Films with genres, countries and external ids, in the order of `ids` (ids of films
        no longer in the catalog are left out)."""
        return await self._films.films_by_ids(ids)

    async def count(self) -> int:
        """How many films the catalog holds."""
        return await self._films.count()

    async def store_films(self, details: Sequence[FilmDetails]) -> list[int]:
        """Store films (merged with any already in the catalog) in one transaction; their ids."""
        return await store_films(self._conn, details)

    # -- what a member typed ------------------------------------------------------------

    async def needs_plot_lookup(self, film: Film) -> bool:
        """True when asking about `film` looks its plot up online first (slow: an interaction
        defers before calling `look_up_plot`)."""
        return self._plots is not None and await self._plots.needed(film)

    async def look_up_plot(self, film: Film) -> str | None:
        """Fetch and store the film's plot (Wikipedia, and TMDB's credits with a key); a line
        saying why when none could be added, else None. Never raises for network trouble."""
        return await self._plots.run(film) if self._plots is not None else None

    async def autocomplete(self, typed: str) -> list[cards.Choice]:
        """Choices for a title option: up to 25 "Title (Year)" labels valued with film ids.
        Local only (never waits on the network), so it answers well inside 3 seconds."""
        return cards.autocomplete_choices(await self._titles.autocomplete(typed))

    @property
    def online(self) -> bool:
        """True when TMDB is enabled: unknown titles are looked up there and cards get extras
        (slow: callers answer later)."""
        return self._tmdb is not None

    async def card_extras(self, film: Film, region: str) -> CardExtras | None:
        """Poster, trailer and where to watch in `region`, from TMDB; None without TMDB or
        when it does not know the film (or is unreachable)."""
        if self._tmdb is None:
            return None
        return await fetch_extras(self._tmdb, film, region)

    async def find_local(self, title_or_id: str) -> Film:
        """The film an option names, from the catalog alone (fast: never calls out).
        Raises FilmNotFound (with suggestions) or AmbiguousTitle (with candidates); on a small
        catalog the message says how many films it holds and how to import more."""
        try:
            return await self._titles.resolve(title_or_id)
        except FilmNotFound as missing:
            size = await self._films.count()
            if size >= SMALL_CATALOG:
                raise
            raise FilmNotFound(missing.query, missing.suggestions, catalog_size=size) from None

    async def find(self, title_or_id: FilmRef) -> Film:
        """The film an option names. Unknown titles are looked up on TMDB when it is enabled;
        raises FilmNotFound (with suggestions) or AmbiguousTitle (with candidates)."""
        if isinstance(title_or_id, Film):
            return title_or_id
        try:
            return await self.find_local(title_or_id)
        except FilmNotFound:
            from_tmdb = await self._from_tmdb(title_or_id)
            if from_tmdb is None:
                raise
            return from_tmdb

    async def details(self, title_or_id: FilmRef) -> FilmDetails:
        """Everything known about the film (summary sections, quotes, credits, facts)."""
        return await self.get_details((await self.find(title_or_id)).id)

    async def info(self, title_or_id: FilmRef) -> EmbedData:
        """/film info: the film's card (spoiler-free synopsis, sources line)."""
        film = await self.find(title_or_id)
        details = await self.get_details(film.id)
        return cards.film_card(details, await self._titles.namesakes(film))

    async def cast(self, title_or_id: FilmRef) -> list[list[cards.Line]]:
        """/film cast: pages of crew and cast with characters."""
        return cards.cast_pages(await self.details(title_or_id))

    async def quotes(
        self, title_or_id: FilmRef, *, reveal: SpoilerLevel = SpoilerLevel.PREMISE
    ) -> list[list[cards.Line]]:
        """/film quotes: pages of quotes; lines past `reveal` are marked as spoilers."""
        return cards.quote_pages(await self.details(title_or_id), reveal=reveal)

    async def similar(self, title_or_id: FilmRef, *, limit: int = 10) -> SimilarResult:
        """/film similar: films like it, and which method found them."""
        film = await self.find(title_or_id)
        return await similar_films(self._films, self._similarity, film, limit=limit)

    async def search(self, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Film]:
        """/film search: matching titles (close spellings when nothing matches)."""
        return await self._titles.search(query, limit)

    async def _from_tmdb(self, query: str) -> Film | None:
        if self._tmdb is None:
            return None
        try:
            details = await self._tmdb.find(query)
        except TmdbUnavailable as exc:
            log.warning("TMDB lookup for %r failed: %s", query[:100], exc)
            return None
        if details is None:
            return None
        (film_id,) = await self.store_films([details])
        return await self._films.get_film(film_id)


async def open_catalog(conn: aiosqlite.Connection, settings: Settings) -> FilmCatalog:
    """The catalog for the running bot: curated films loaded (once), TMDB only with a key."""
    await ensure_curated(conn)
    tmdb = None
    if settings.tmdb_api_key is not None:
        key = settings.tmdb_api_key.get_secret_value()
        tmdb = TmdbClient(conn, key, settings.tmdb_base_url)
        log.info("TMDB lookups enabled for films not in the catalog")
    wikipedia = None
    if settings.wikipedia_lookup == "on":
        wikipedia = WikipediaClient(settings.wikipedia_api_url, settings.wikipedia_contact)
        if not settings.wikipedia_contact.strip():
            log.warning(
                "WIKIPEDIA_CONTACT is not set: Wikimedia asks for a contact in the User-Agent"
            )
    return FilmCatalog(conn, tmdb=tmdb, wikipedia=wikipedia)


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
    await store_films(conn, films)
    await meta.set(CURATED_HASH_KEY, fingerprint)
    log.info("loaded %d curated films into the catalog", len(films))
    return True
