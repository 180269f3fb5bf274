"""Optional live lookups on TMDB (https://developer.themoviedb.org/) for films not in the catalog.

Only used when TMDB_API_KEY is set; without it nothing here is constructed and nothing calls
out. Answers are cached in the database (tmdb_cache) so a lookup is made once. A 429 is
retried after the Retry-After the server gives (capped), a few times at most.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import aiosqlite

from bot.films.http import LazySession, retry_after
from bot.films.model import Credit, Film, FilmDetails
from bot.films.titles import parse_query
from storage.tmdb_cache import TmdbCacheRepository

log = logging.getLogger(__name__)

SOURCE = "tmdb"
MAX_RETRIES = 3
MAX_WAIT_SECONDS = 30.0
DEFAULT_RETRY_AFTER = 1.0
TIMEOUT_SECONDS = 10
TOP_CAST = 10
EXTRAS = "videos,watch/providers"  # for richer cards (bot/films/extras.py)
CREW_ROLES = {
    "Director": "director",
    "Screenplay": "writer",
    "Writer": "writer",
    "Novel": "writer",
    "Original Music Composer": "composer",
    "Director of Photography": "cinematographer",
}


class TmdbUnavailable(Exception):
    """TMDB could not be reached or kept refusing (429); the catalog answers without it."""


class TmdbClient:
    """Searches TMDB and turns a movie into FilmDetails, caching every answer in the DB."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        api_key: str,
        base_url: str,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self._cache = TmdbCacheRepository(conn)
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._sleep = sleep
        self._max_retries = max_retries
        self._session = LazySession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))

    async def close(self) -> None:
        await self._session.close()

    async def find(self, query: str) -> FilmDetails | None:
        """The best TMDB match for a typed title ("Sunshine (2007)" uses the year), or None."""
        parsed = parse_query(query)
        if parsed.is_empty:
            return None
        params: dict[str, str] = {"query": " ".join(parsed.tokens), "include_adult": "false"}
        if parsed.year:
            params["year"] = str(parsed.year)
        results = (await self._get("/search/movie", params)).get("results") or []
        if not results:
            return None
        movie = await self._get(
            f"/movie/{int(results[0]['id'])}", {"append_to_response": "credits"}
        )
        return movie_details(movie) if movie.get("id") else None

    async def movie_extras(self, tmdb_id: int) -> dict[str, Any]:
        """A movie's images, videos and watch providers (cached like every answer)."""
        return await self._get(f"/movie/{tmdb_id}", {"append_to_response": EXTRAS})

    async def find_by_imdb(self, imdb_id: str) -> int | None:
        """The TMDB id of an IMDb title ("tt0390384"), or None."""
        answer = await self._get(f"/find/{imdb_id}", {"external_source": "imdb_id"})
        results = answer.get("movie_results") or []
        return int(results[0]["id"]) if results else None

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        request = path + "?" + urlencode(sorted(params.items()))
        cached = await self._cache.get(request)
        if cached is not None:
            return cached
        status, body = await self._fetch(path, params)
        if status in (200, 404):
            await self._cache.put(request, status, body)
        return body if status == 200 else {}

    async def _fetch(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        session = self._session.get()
        headers, query = {"Accept": "application/json"}, dict(params)
        if self._api_key.startswith("eyJ"):  # a v4 read access token
            headers["Authorization"] = f"Bearer {self._api_key}"
        else:
            query["api_key"] = self._api_key
        for attempt in range(self._max_retries + 1):
            try:
                async with session.get(
                    self._base_url + path, params=query, headers=headers
                ) as resp:
                    if resp.status == 429 and attempt < self._max_retries:
                        wait = retry_after(
                            resp.headers.get("Retry-After"),
                            default=DEFAULT_RETRY_AFTER,
                            cap=MAX_WAIT_SECONDS,
                        )
                        log.info("TMDB asked to slow down; retrying in %.1f s", wait)
                        await self._sleep(wait)
                        continue
                    if resp.status == 429:
                        raise TmdbUnavailable("TMDB is rate limiting the bot; try again shortly")
                    body = await resp.json(content_type=None) if resp.status == 200 else {}
                    if resp.status not in (200, 404):
                        log.warning("TMDB answered %s for %s", resp.status, path)
                    return resp.status, body if isinstance(body, dict) else {}
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TmdbUnavailable(f"TMDB could not be reached ({type(exc).__name__})") from None
        raise TmdbUnavailable("TMDB is rate limiting the bot; try again shortly")


def movie_details(movie: dict[str, Any]) -> FilmDetails:
    """A TMDB /movie/{id}?append_to_response=credits answer as FilmDetails (source "tmdb")."""
    release = movie.get("release_date") or ""
    external = {SOURCE: str(movie["id"])}
    if movie.get("imdb_id"):
        external["imdb"] = movie["imdb_id"]
    film = Film(
        id=0,
        title=movie.get("title") or movie.get("original_title") or "Untitled",
        original_title=movie.get("original_title")
        if movie.get("original_title") != movie.get("title")
        else None,
        year=int(release[:4]) if release[:4].isdigit() else None,
        runtime_minutes=movie.get("runtime") or None,
        countries=tuple(
            c["name"] for c in movie.get("production_countries") or () if c.get("name")
        ),
        genres=tuple(g["name"] for g in movie.get("genres") or () if g.get("name")),
        synopsis=movie.get("overview") or None,
        rating=movie.get("vote_average") if movie.get("vote_count") else None,
        rating_source=SOURCE,
        external_ids=external,
        source=SOURCE,
    )
    return FilmDetails(film=film, credits=tuple(_credits(movie.get("credits") or {})))


def _credits(credits: dict[str, Any]) -> list[Credit]:
    credited = []
    for member in (credits.get("crew") or [])[:200]:
        role = CREW_ROLES.get(member.get("job", ""))
        if role and member.get("name"):
            note = member["job"].lower() if role == "writer" else None
            credited.append(Credit(member["name"], role, note=note, source=SOURCE))
    for order, member in enumerate((credits.get("cast") or [])[:TOP_CAST], start=1):
        if member.get("name"):
            credited.append(
                Credit(
                    member["name"],
                    "cast",
                    member.get("character") or None,
                    order=order,
                    source=SOURCE,
                )
            )
    return credited
