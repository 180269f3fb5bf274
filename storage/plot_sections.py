"""Summary sections moderators write from Discord (`/film plot`), in `summary_sections`.

Their source is "community"; a section that replaces another source's section with the same
heading retires that one (retired_at), so nothing is deleted and the card keeps one version.
"""

from __future__ import annotations

import aiosqlite

from bot.films.model import SummarySection
from storage.db import transaction
from storage.film_details import FilmDetailsReader

COMMUNITY_SOURCE = "community"
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


class PlotSectionRepository:
    """Write and retire a film's summary sections by heading."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def sections(self, film_id: int) -> list[SummarySection]:
        """The film's live sections, every source, in order."""
        return await FilmDetailsReader(self._conn).summary(film_id)

    async def save(self, film_id: int, section: SummarySection, *, replaces: str | None) -> None:
        """Store a community section; `replaces` (a heading) is retired first, keeping its place."""
        async with transaction(self._conn) as conn:
            position = await self._position(conn, film_id, replaces or section.heading)
            for heading in {replaces, section.heading} - {None}:
                await conn.execute(
                    f"UPDATE summary_sections SET retired_at = {NOW} WHERE film_id = ? "
                    "AND heading = ? AND retired_at IS NULL AND source != ?",
                    (film_id, heading, COMMUNITY_SOURCE),
                )
            if replaces and replaces != section.heading:
                await self._retire_community(conn, film_id, replaces)
            await conn.execute(
                "INSERT INTO summary_sections (film_id, position, heading, text, spoiler_level, "
                "source) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (film_id, heading, source) DO "
                "UPDATE SET text = excluded.text, spoiler_level = excluded.spoiler_level, "
                "position = excluded.position, retired_at = NULL",
                (
                    film_id,
                    position,
                    section.heading,
                    section.text,
                    int(section.level),
                    COMMUNITY_SOURCE,
                ),
            )

    async def retire(self, film_id: int, heading: str) -> int:
        """Retire every live section with this heading; how many there were."""
        async with transaction(self._conn) as conn:
            cursor = await conn.execute(
                f"UPDATE summary_sections SET retired_at = {NOW} WHERE film_id = ? "
                "AND heading = ? AND retired_at IS NULL",
                (film_id, heading),
            )
            return cursor.rowcount

    async def _retire_community(
        self, conn: aiosqlite.Connection, film_id: int, heading: str
    ) -> None:
        await conn.execute(
            f"UPDATE summary_sections SET retired_at = {NOW} WHERE film_id = ? AND heading = ? "
            "AND retired_at IS NULL AND source = ?",
            (film_id, heading, COMMUNITY_SOURCE),
        )

    async def _position(self, conn: aiosqlite.Connection, film_id: int, heading: str) -> int:
        rows = list(
            await conn.execute_fetchall(
                "SELECT position FROM summary_sections WHERE film_id = ? AND heading = ? "
                "AND retired_at IS NULL ORDER BY id LIMIT 1",
                (film_id, heading),
            )
        )
        if rows:
            return int(rows[0]["position"])
        rows = list(
            await conn.execute_fetchall(
                "SELECT coalesce(max(position), -1) + 1 AS next FROM summary_sections "
                "WHERE film_id = ?",
                (film_id,),
            )
        )
        return int(rows[0]["next"])
