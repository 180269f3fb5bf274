"""SQL behind `similar`: films rated alike by the same MovieLens users, curated related films,
and films sharing genres from the same era."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

RATINGS_SOURCE = "movielens"
CURATED_RELATIONS = ("keep_exploring", "compared", "similar")


@dataclass(frozen=True)
class RatedTogether:
    film_id: int
    overlap: int  # users who rated both films
    similarity: float  # adjusted cosine over those users, in [-1, 1]


class SimilarityRepository:
    """Read-only queries over film_ratings, related_films and film_genres."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def raters(self, film_id: int) -> int:
        async with self._conn.execute(
            "SELECT count(*) FROM film_ratings WHERE film_id = ? AND source = ?",
            (film_id, RATINGS_SOURCE),
        ) as cur:
            row = await cur.fetchone()
        return 0 if row is None else int(row[0])

    async def rated_together(self, film_id: int, *, min_overlap: int) -> list[RatedTogether]:
        """Every film at least `min_overlap` users rated along with `film_id`, with the adjusted
        cosine similarity of their ratings (each rating minus that user's mean)."""
        sql = """
            WITH target AS (
                SELECT user_id, centered FROM film_ratings WHERE film_id = ? AND source = ?
            )
            SELECT r.film_id, count(*) AS overlap, sum(t.centered * r.centered) AS dot,
                   sum(t.centered * t.centered) AS tt, sum(r.centered * r.centered) AS rr
            FROM target t  -- CROSS JOIN: start from the film's raters, not from every rating
            CROSS JOIN film_ratings r ON r.source = ? AND r.user_id = t.user_id AND r.film_id != ?
            GROUP BY r.film_id
            HAVING count(*) >= ?
        """
        params = (film_id, RATINGS_SOURCE, RATINGS_SOURCE, film_id, min_overlap)
        async with self._conn.execute(sql, params) as cur:
            rows = await cur.fetchall()
        return [
            RatedTogether(
                row["film_id"], row["overlap"], row["dot"] / (row["tt"] * row["rr"]) ** 0.5
            )
            for row in rows
            if row["tt"] > 0 and row["rr"] > 0
        ]

    async def curated_related(self, film_id: int, limit: int) -> list[tuple[int, str | None]]:
        """(film id, note) of the films curated data links to this one, in the data's order."""
        marks = ",".join("?" * len(CURATED_RELATIONS))
        async with self._conn.execute(
            "SELECT related_film_id, note FROM related_films WHERE film_id = ? AND "
            f"retired_at IS NULL AND relation IN ({marks}) ORDER BY position LIMIT ?",
            (film_id, *CURATED_RELATIONS, limit),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def same_genres_and_era(
        self, film_id: int, *, years: int, limit: int
    ) -> list[tuple[int, int]]:
        """(film id, genres shared) for films sharing the most genres, within `years` of it."""
        async with self._conn.execute("SELECT year FROM films WHERE id = ?", (film_id,)) as cur:
            row = await cur.fetchone()
        year = row["year"] if row else None
        era = "AND f.year BETWEEN ? AND ?" if year is not None else ""
        era_params = (year - years, year + years) if year is not None else ()
        sql = f"""
            SELECT f.id, count(*) AS shared FROM film_genres g JOIN films f ON f.id = g.film_id
            WHERE g.genre IN (SELECT genre FROM film_genres WHERE film_id = ?) AND f.id != ? {era}
            GROUP BY f.id
            ORDER BY shared DESC, abs(coalesce(f.year, 0) - ?) , f.popularity DESC, f.id
            LIMIT ?
        """
        params = (film_id, film_id, *era_params, year or 0, limit)
        async with self._conn.execute(sql, params) as cur:
            return [(r[0], r[1]) for r in await cur.fetchall()]
