"""Live lookups of film articles through the MediaWiki Action API (no key needed).

Etiquette (https://www.mediawiki.org/wiki/API:Etiquette): one request at a time (a lock), a
User-Agent naming the bot, its version and the operator's contact, `maxlag=5`, gzip, and
backing off on 429 or a maxlag error for as long as Retry-After says (capped, a few times).
Anything that goes wrong becomes `WikipediaUnavailable` with a reason a member can read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot import __version__
from bot.films.http import LazySession, retry_after
from bot.films.titles import fold
from bot.films.wikipedia.page import BrokenWikitext, WikiFilm, parse_film_page

log = logging.getLogger(__name__)

MAXLAG_SECONDS = 5
MAX_RETRIES = 3
MAX_WAIT_SECONDS = 20.0
DEFAULT_RETRY_AFTER = 5.0
TIMEOUT_SECONDS = 8.0
CANDIDATES = 5


class WikipediaUnavailable(Exception):
    """Wikipedia could not be asked (timeout, refusal, bad answer); str() says why."""


@dataclass(frozen=True)
class Wanted:
    """The film a lookup is for: what the catalog already knows about it."""

    title: str
    year: int | None = None
    directors: Sequence[str] = ()


def user_agent(contact: str) -> str:
    """ "filmbot/0.1.0 (Discord film-discussion bot; operator: <contact>) aiohttp/3.x"."""
    who = contact.strip() or "no contact configured: set WIKIPEDIA_CONTACT"
    return (
        f"filmbot/{__version__} (Discord film-discussion bot; operator: {who}) "
        f"aiohttp/{aiohttp.__version__}"
    )


class WikipediaClient:
    """Finds a film's article and parses its current revision, one request at a time."""

    def __init__(
        self,
        api_url: str,
        contact: str = "",
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_retries: int = MAX_RETRIES,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.api_url = api_url
        self.user_agent = user_agent(contact)
        self._sleep = sleep
        self._max_retries = max_retries
        self._timeout = timeout
        self._lock = asyncio.Lock()  # requests in series, never in parallel
        self._session = LazySession(
            timeout=aiohttp.ClientTimeout(total=timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip"},
        )

    async def close(self) -> None:
        await self._session.close()

    async def find_film(self, wanted: Wanted) -> WikiFilm | None:
        """The article that best describes `wanted` (an Infobox film whose year or director
        matches), parsed; None when no article is a film article."""
        query = f"{wanted.title} {wanted.year or ''} film".replace("  ", " ")
        search = await self._get(
            {
                "action": "query",
                "list": "search",
                "srsearch": query,
                "srnamespace": "0",
                "srlimit": str(CANDIDATES),
                "srprop": "",
            }
        )
        titles = [hit["title"] for hit in search.get("query", {}).get("search", [])]
        if not titles:
            return None
        pages = await self._get(
            {
                "action": "query",
                "prop": "revisions",
                "rvprop": "ids|content",
                "rvslots": "main",
                "titles": "|".join(titles),
                "redirects": "1",
            }
        )
        films = [f for f in map(_parse_page, pages.get("query", {}).get("pages", [])) if f]
        order = {t: i for i, t in enumerate(titles)}
        films.sort(key=lambda f: (-_score(f, wanted), order.get(f.article, len(order))))
        return films[0] if films and _score(films[0], wanted) > 0 else None

    async def _get(self, params: dict[str, str]) -> dict[str, Any]:
        query = {**params, "format": "json", "formatversion": "2", "maxlag": str(MAXLAG_SECONDS)}
        async with self._lock:
            for attempt in range(self._max_retries + 1):
                status, retry, body = await self._request(query)
                lagged = (
                    isinstance(body.get("error"), dict) and body["error"].get("code") == "maxlag"
                )
                if status != 429 and not lagged:
                    return _checked(status, body)
                if attempt == self._max_retries:
                    break
                wait = retry_after(retry, default=DEFAULT_RETRY_AFTER, cap=MAX_WAIT_SECONDS)
                log.info("Wikipedia asked to wait (%s); retrying in %.1f s", status, wait)
                await self._sleep(wait)
        raise WikipediaUnavailable("Wikipedia is busy (it kept asking the bot to wait)")

    async def _request(self, query: dict[str, str]) -> tuple[int, str | None, dict[str, Any]]:
        session = self._session.get()
        try:
            async with session.get(self.api_url, params=query) as resp:
                body = await resp.json(content_type=None) if resp.status in (200, 429) else {}
                return (
                    resp.status,
                    resp.headers.get("Retry-After"),
                    body if isinstance(body, dict) else {},
                )
        except TimeoutError:
            raise WikipediaUnavailable(
                f"Wikipedia did not answer within {self._timeout:g} seconds"
            ) from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise WikipediaUnavailable(
                f"Wikipedia could not be reached ({type(exc).__name__})"
            ) from None


def _checked(status: int, body: dict[str, Any]) -> dict[str, Any]:
    if status != 200:
        raise WikipediaUnavailable(f"Wikipedia answered with an error (HTTP {status})")
    if isinstance(body.get("error"), dict):
        code = body["error"].get("code", "unknown")
        raise WikipediaUnavailable(f"Wikipedia refused the request ({code})")
    return body


def _parse_page(page: dict[str, Any]) -> WikiFilm | None:
    revisions = page.get("revisions") or []
    if page.get("missing") or page.get("ns", 0) != 0 or not revisions:
        return None
    revision = revisions[0]
    text = (revision.get("slots", {}).get("main", {}) or {}).get("content") or ""
    try:
        return parse_film_page(
            page.get("title", ""),
            text,
            page_id=page.get("pageid"),
            revision_id=revision.get("revid"),
        )
    except BrokenWikitext as exc:
        log.info("skipped Wikipedia's %r: %s", page.get("title"), exc)
        return None


def _score(film: WikiFilm, wanted: Wanted) -> int:
    """How well an article fits: its title, year and director against what the catalog has."""
    score = 1 if fold(film.title) == fold(wanted.title) else 0
    if wanted.year and film.year:
        if abs(film.year - wanted.year) > 1:
            return 0  # another film of the same name
        score += 2
    directors = {fold(d) for d in film.crew.get("director", [])}
    if directors & {fold(d) for d in wanted.directors}:
        score += 2
    return score
