"""Richer film cards when TMDB is enabled: poster thumbnail, where to watch in the server's
region (TMDB's watch providers, whose data comes from JustWatch, credited as TMDB asks), a
trailer link, and TMDB's attribution line. Without a key nothing here is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from bot import limits
from bot.films.model import Film
from bot.films.text import truncate
from bot.films.tmdb import TmdbClient, TmdbUnavailable
from bot.render import EmbedData, EmbedField

log = logging.getLogger(__name__)

POSTER_BASE = "https://image.tmdb.org/t/p/w342"
TMDB_ATTRIBUTION = "This product uses the TMDB API but is not endorsed or certified by TMDB."
JUSTWATCH_CREDIT = "data by JustWatch"
PROVIDER_KINDS = (("flatrate", "stream"), ("free", "free"), ("rent", "rent"), ("buy", "buy"))
PROVIDERS_SHOWN = 6


@dataclass(frozen=True)
class CardExtras:
    poster_url: str | None = None
    trailer_url: str | None = None
    providers: tuple[str, ...] = ()  # "Netflix (stream)"
    providers_link: str | None = None  # TMDB's watch page for the region
    region: str = "US"


def parse_extras(movie: dict[str, Any], region: str) -> CardExtras:
    """What a TMDB /movie/{id}?append_to_response=videos,watch/providers answer offers."""
    poster = movie.get("poster_path")
    trailer = next(
        (
            f"https://www.youtube.com/watch?v={v['key']}"
            for v in (movie.get("videos") or {}).get("results") or []
            if v.get("site") == "YouTube" and v.get("type") == "Trailer" and v.get("key")
        ),
        None,
    )
    local = ((movie.get("watch/providers") or {}).get("results") or {}).get(region) or {}
    names: dict[str, str] = {}
    for kind, label in PROVIDER_KINDS:
        for provider in local.get(kind) or []:
            name = provider.get("provider_name")
            if name and name not in names:
                names[name] = f"{name} ({label})"
    return CardExtras(
        poster_url=f"{POSTER_BASE}{poster}" if poster else None,
        trailer_url=trailer,
        providers=tuple(names.values())[:PROVIDERS_SHOWN],
        providers_link=local.get("link"),
        region=region,
    )


async def fetch_extras(client: TmdbClient, film: Film, region: str) -> CardExtras | None:
    """The film's extras from TMDB (by its TMDB id, its IMDb id, or its title and year); None
    if TMDB does not know it or is unreachable (the card is shown without them)."""
    try:
        tmdb_id = await _tmdb_id(client, film)
        if tmdb_id is None:
            return None
        movie = await client.movie_extras(tmdb_id)
    except TmdbUnavailable as exc:
        log.info("card extras for film %s skipped: %s", film.id, exc)
        return None
    return parse_extras(movie, region) if movie else None


async def _tmdb_id(client: TmdbClient, film: Film) -> int | None:
    if film.external_ids.get("tmdb"):
        return int(film.external_ids["tmdb"])
    if film.external_ids.get("imdb"):
        return await client.find_by_imdb(film.external_ids["imdb"])
    match = await client.find(film.label)  # only a match of the same year counts
    if match is None or match.film.year != film.year:
        return None
    return int(match.film.external_ids["tmdb"])


def with_extras(card: EmbedData, extras: CardExtras) -> EmbedData:
    """The card with the poster, where to watch, the trailer and TMDB's attribution."""
    fields = list(card.fields)
    if extras.providers or extras.providers_link:
        where = ", ".join(extras.providers) or "not streaming here"
        credit = (
            f"[{JUSTWATCH_CREDIT}]({extras.providers_link})"
            if extras.providers_link
            else JUSTWATCH_CREDIT
        )
        value = truncate(f"{where} · {credit}", limits.EMBED_FIELD_VALUE)
        fields.append(EmbedField(f"Where to watch ({extras.region})", value, False))
    if extras.trailer_url:
        fields.append(EmbedField("Trailer", f"[Watch on YouTube]({extras.trailer_url})", True))
    footer = f"{card.footer}\n{TMDB_ATTRIBUTION}" if card.footer else TMDB_ATTRIBUTION
    return replace(
        card,
        fields=tuple(fields[: limits.EMBED_FIELDS]),
        footer=truncate(footer, limits.EMBED_FOOTER),
        thumbnail_url=extras.poster_url,
    )
