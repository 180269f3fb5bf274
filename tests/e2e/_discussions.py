"""Helpers shared by the discussion end-to-end tests (not a test module)."""

from __future__ import annotations

import asyncio
import re

from bot.films.model import Film, FilmDetails
from storage.db import transaction

NLMG = "#1"  # the curated film, as autocomplete values it ("#<id>")
SPOILER = "What a film. Tommy dies at the end and Kathy becomes a donor. Loved the score though."
HARMLESS = "Carey Mulligan is wonderful, and the score by Rachel Portman is gorgeous."


def thread_id_in(text: str) -> str:
    """The thread a reply links to (<#id>)."""
    found = re.search(r"<#(\d+)>", text)
    assert found, f"no thread link in {text!r}"
    return found.group(1)


async def open_discussion(emu, channel: str = "film-talk", film: str = NLMG, **options) -> str:
    """Mona opens a discussion; returns the new thread's id."""
    record = await emu.slash("Mona", "discuss start", film=film, channel=channel, **options)
    text = await record.text()
    assert text.startswith("Opened "), text
    return thread_id_in(text)


def threads_under(emu, channel: str) -> list[dict]:
    parent = emu.world.channel_id(channel)
    return [c for c in emu.world.channels.values() if c.get("parent_id") == parent]


async def add_film(bot, title: str, year: int, genres: tuple[str, ...] = ()) -> int:
    """A film with no summary, credits or synopsis (as a thin import would leave it)."""
    film = Film(id=0, title=title, year=year, genres=genres, source="test")
    (film_id,) = await bot.services.catalog.store_films([FilmDetails(film)])
    return film_id


async def remove_film(bot, film_id: int) -> None:
    """Take a film out of the catalog entirely (no command does this yet)."""
    async with transaction(bot.services.conn) as conn:
        for table in ("film_genres", "film_countries", "film_external_ids"):
            await conn.execute(f"DELETE FROM {table} WHERE film_id = ?", (film_id,))
        await conn.execute("DELETE FROM films WHERE id = ?", (film_id,))


class GuardWatch:
    """Await what the spoiler guard did with a message (it dispatches `spoiler_guard_checked`)."""

    def __init__(self, bot) -> None:
        self.bot = bot
        self.done: dict[int, object] = {}
        self._changed = asyncio.Event()
        bot.add_listener(self._on_checked, "on_spoiler_guard_checked")

    async def _on_checked(self, message_id: int, record) -> None:
        if record is not None or message_id not in self.done:
            self.done[message_id] = record
        self._changed.set()

    async def result(self, message: dict, *, acted: bool | None = None, timeout: float = 10.0):
        """The guard's record for `message` (None if it left it alone)."""
        message_id = int(message["id"])

        async def finished():
            while message_id not in self.done or (acted is True and self.done[message_id] is None):
                self._changed.clear()
                await self._changed.wait()
            return self.done[message_id]

        return await asyncio.wait_for(finished(), timeout)
