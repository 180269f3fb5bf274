"""`/film similar`: MovieLens ratings when enough users rated both films, else the curated
related films, else films sharing genres from the same era. The result says which it used."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.films.model import Film
from storage.film_similarity import SimilarityRepository
from storage.films import FilmRepository

log = logging.getLogger(__name__)

MIN_OVERLAP = 5  # users who rated both films, before their ratings say anything
SHRINK = 10  # pulls similarities computed from few users towards zero
ERA_YEARS = 5
DEFAULT_LIMIT = 10

METHOD_RATINGS = "ratings"
METHOD_CURATED = "curated"
METHOD_GENRE_ERA = "genre_era"
METHOD_NONE = "none"


@dataclass(frozen=True)
class SimilarFilm:
    film: Film
    reason: str  # why it is listed, e.g. "23 users rated both; similarity 0.41"


@dataclass(frozen=True)
class SimilarResult:
    film: Film
    method: str  # ratings, curated, genre_era or none
    description: str  # one line saying how the list was made, shown to members
    films: tuple[SimilarFilm, ...]


async def similar_films(
    films: FilmRepository,
    similarity: SimilarityRepository,
    film: Film,
    *,
    limit: int = DEFAULT_LIMIT,
    min_overlap: int = MIN_OVERLAP,
) -> SimilarResult:
    """Films like `film`, by the first method that finds any."""
    wanted = _Wanted(films, similarity, film, limit, min_overlap)
    for method in (_by_ratings, _by_curated, _by_genre_and_era):
        result = await method(wanted)
        if result.films:
            return result
    return SimilarResult(film, METHOD_NONE, "No similar films are known yet.", ())


@dataclass(frozen=True)
class _Wanted:
    """What every method is asked: films like `film`, at most `limit`."""

    films: FilmRepository
    similarity: SimilarityRepository
    film: Film
    limit: int
    min_overlap: int

    async def by_id(self, ids: list[int]) -> dict[int, Film]:
        return {f.id: f for f in await self.films.films_by_ids(ids)}


async def _by_ratings(wanted: _Wanted) -> SimilarResult:
    film, limit = wanted.film, wanted.limit
    min_overlap = wanted.min_overlap
    scored = await wanted.similarity.rated_together(film.id, min_overlap=min_overlap)
    ranked = sorted(
        (r for r in scored if r.similarity > 0),
        key=lambda r: (-r.similarity * r.overlap / (r.overlap + SHRINK), r.film_id),
    )[:limit]
    by_id = await wanted.by_id([r.film_id for r in ranked])
    listed = tuple(
        SimilarFilm(
            by_id[r.film_id], f"{r.overlap} users rated both; similarity {r.similarity:.2f}"
        )
        for r in ranked
        if r.film_id in by_id
    )
    description = (
        f"Based on MovieLens ratings: films rated alike by users who rated both "
        f"(at least {min_overlap} users in common)."
    )
    return SimilarResult(film, METHOD_RATINGS, description, listed)


async def _by_curated(wanted: _Wanted) -> SimilarResult:
    film, limit = wanted.film, wanted.limit
    links = await wanted.similarity.curated_related(film.id, limit)
    by_id = await wanted.by_id([film_id for film_id, _ in links])
    listed = tuple(
        SimilarFilm(by_id[film_id], note or "recommended alongside it")
        for film_id, note in links
        if film_id in by_id
    )
    description = "From the catalog's curated related films (not enough MovieLens ratings)."
    return SimilarResult(film, METHOD_CURATED, description, listed)


async def _by_genre_and_era(wanted: _Wanted) -> SimilarResult:
    film, limit = wanted.film, wanted.limit
    matches = await wanted.similarity.same_genres_and_era(film.id, years=ERA_YEARS, limit=limit)
    by_id = await wanted.by_id([film_id for film_id, _ in matches])
    listed = tuple(
        SimilarFilm(by_id[film_id], f"{shared} genre{'s' if shared != 1 else ''} in common")
        for film_id, shared in matches
        if film_id in by_id
    )
    era = f"within {ERA_YEARS} years of {film.year}" if film.year else "of any year"
    description = f"Films sharing its genres, {era} (no ratings or curated links to go on)."
    return SimilarResult(film, METHOD_GENRE_ERA, description, listed)
