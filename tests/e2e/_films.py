"""Helpers for the /film end-to-end tests: small imports into the running bot's database."""

from __future__ import annotations

import asyncio
import io

from bot.films.importers.ggplot2movies import import_ggplot2movies
from bot.films.importers.movielens import import_movielens
from bot.sandbox.emulator.interactions import message_text
from tests.films_support import ggplot_frame, movielens_frame


async def import_ggplot(bot, films: list[dict]) -> None:
    """Films shaped like ggplot2movies rows, imported off the event loop as the CLI does."""
    path = bot.settings.database_path
    await asyncio.to_thread(import_ggplot2movies, path, ggplot_frame(films), stream=io.StringIO())


async def import_ratings(bot, films, ratings) -> None:
    """A tiny MovieLens-shaped data set (films and user ratings) imported into the catalog."""
    frame = movielens_frame(films, ratings)
    path = bot.settings.database_path
    await asyncio.to_thread(import_movielens, path, frame, stream=io.StringIO())


async def film_count(bot) -> int:
    return await bot.services.catalog.count()


async def ask(emu, command: str, user: str = "Alice", **options) -> tuple[dict, str]:
    """Run /film COMMAND; the first visible reply and its flattened text."""
    record = await emu.slash(user, f"film {command}", **options)
    reply = await record.reply()
    return reply, message_text(reply)


def embed(message: dict) -> dict:
    (only,) = message["embeds"]
    return only
