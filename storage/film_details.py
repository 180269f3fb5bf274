"""Reading a film's details (credits, summary, quotes, facts, sources) from the catalog."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from bot.films.model import Credit, Fact, Quote, SpoilerLevel, SummarySection, is_curated_source


class FilmDetailsReader:
    """The rows hanging off one film, as model dataclasses; retired rows are left out."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _all(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def field_sources(self, film_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT source, synopsis_source, rating_source FROM films WHERE id = ?", (film_id,)
        )
        sources = {"title": rows[0]["source"]}
        if rows[0]["synopsis_source"]:
            sources["synopsis"] = rows[0]["synopsis_source"]
        if rows[0]["rating_source"]:
            sources["rating"] = rows[0]["rating_source"]
        for table, column in (("film_genres", "genres"), ("film_countries", "countries")):
            labels = await self._all(f"SELECT source FROM {table} WHERE film_id = ?", (film_id,))
            if labels:
                sources[column] = ", ".join(dict.fromkeys(r["source"] for r in labels))
        return sources

    async def credits(self, film_id: int) -> list[Credit]:
        rows = await self._all(
            "SELECT p.name, c.role, c.character, c.aliases, c.note, c.billing_order, c.source, "
            "c.person_id FROM credits c JOIN people p ON p.id = c.person_id "
            "WHERE c.film_id = ? AND c.retired_at IS NULL ORDER BY c.role, c.billing_order, c.id",
            (film_id,),
        )
        # One credit per person and role: the curated one when several sources list it.
        rows.sort(key=lambda r: not is_curated_source(r["source"]))
        chosen: dict[tuple[int, str], aiosqlite.Row] = {}
        for row in rows:
            chosen.setdefault((row["person_id"], row["role"]), row)
        credits = [
            Credit(
                name=r["name"],
                role=r["role"],
                character=r["character"] or None,
                note=r["note"],
                order=r["billing_order"],
                source=r["source"],
                aliases=tuple(json.loads(r["aliases"])),
            )
            for r in chosen.values()
        ]
        return sorted(credits, key=lambda c: (c.role, c.order))

    async def summary(self, film_id: int) -> list[SummarySection]:
        rows = await self._all(
            "SELECT heading, text, spoiler_level, source FROM summary_sections "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            SummarySection(r["heading"], r["text"], SpoilerLevel(r["spoiler_level"]), r["source"])
            for r in rows
        ]

    async def quotes(self, film_id: int) -> list[Quote]:
        rows = await self._all(
            "SELECT text, speaker, spoiler_level, source FROM quotes "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            Quote(r["text"], r["speaker"], r["source"], SpoilerLevel(r["spoiler_level"]))
            for r in rows
        ]

    async def facts(self, film_id: int) -> list[Fact]:
        rows = await self._all(
            "SELECT kind, value, spoiler_level, note, source FROM film_facts "
            "WHERE film_id = ? AND retired_at IS NULL ORDER BY position, id",
            (film_id,),
        )
        return [
            Fact(r["kind"], r["value"], r["source"], SpoilerLevel(r["spoiler_level"]), r["note"])
            for r in rows
        ]
