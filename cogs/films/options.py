"""Film title options any cog can use: autocomplete from the catalog, and the film it names.

    from cogs.films.options import FilmOption

    @app_commands.command()
    async def start(interaction: Interaction, film: FilmOption) -> None:
        ...  # `film` arrives as a bot.films.model.Film

`FilmOption` gives the option autocomplete (up to 25 "Title (Year)" choices, valued "#<id>")
and resolves what arrives, whether a picked choice or a typed title. An unknown or ambiguous
title is answered privately with the closest titles or the candidates, and the command body
never runs. To keep a plain `str` parameter instead, use
`@app_commands.autocomplete(film=film_autocomplete)` and `await resolve_film(interaction, value)`.
"""

from __future__ import annotations

import logging

from discord import app_commands

from bot import limits
from bot.errors import UserFacingError
from bot.films.catalog import FilmCatalog
from bot.films.model import Film
from bot.films.resolve import FilmNotFound
from bot.films.text import plain, safe_echo, truncate
from cogs._types import FilmBot, Interaction

log = logging.getLogger(__name__)


class FilmOptionError(app_commands.AppCommandError, UserFacingError):
    """A title option naming no film, or several: the member reads the message as written."""


def catalog_of(interaction: Interaction) -> FilmCatalog:
    """The bot's one film catalog (built at start-up in Services.start)."""
    return interaction.client.services.catalog


async def film_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 films for what has been typed so far, from the catalog alone (never TMDB),
    so Discord gets its answer well inside 3 seconds."""
    try:
        choices = await catalog_of(interaction).autocomplete(current or "")
    except Exception:  # one plain choice beats Discord's bare "loading options failed"
        log.exception("film autocomplete failed for %r", (current or "")[:100])
        return search_failed(current or "")
    return [app_commands.Choice(name=c.name, value=c.value) for c in choices]


def search_failed(typed: str) -> list[app_commands.Choice[str]]:
    """What autocomplete offers when the catalog cannot answer: one choice saying so, valued
    with the text as typed (picked, it is looked up as a typed title); none for no text."""
    value = typed.strip()[: limits.CHOICE_VALUE]
    if not value:
        return []
    name = f"Film search failed; pick this to look up “{truncate(plain(value), 40)}” as typed"
    return [app_commands.Choice(name=name[: limits.CHOICE_NAME], value=value)]


async def resolve_film(interaction: Interaction, value: str) -> Film:
    """The film a title option names: a picked choice ("#<id>") or a typed title.

    The catalog answers at once. Only when TMDB is enabled and the catalog has no such title
    does this defer (privately: TMDB can take longer than Discord's 3 seconds) and say where
    the film came from; the command then answers with follow-ups, as Paginator.send does.
    Raises FilmNotFound (closest titles) or AmbiguousTitle (candidates).
    """
    catalog = catalog_of(interaction)
    try:
        return await catalog.find_local(value)
    except FilmNotFound:
        if not catalog.online:
            raise
    await interaction.response.defer(ephemeral=True, thinking=True)
    film = await catalog.find(value)
    await interaction.edit_original_response(
        content=f"{safe_echo(film.label, 100)} was not in the catalog: found on TMDB and added."
    )
    return film


class FilmTransformer(app_commands.Transformer[FilmBot]):
    """A string option with film autocomplete, handed to the command as a Film."""

    async def autocomplete(  # type: ignore[override]  # Choice[str]: values are always "#<id>"
        self, interaction: Interaction, value: int | float | str, /
    ) -> list[app_commands.Choice[str]]:
        return await film_autocomplete(interaction, str(value))

    async def transform(self, interaction: Interaction, value: str, /) -> Film:
        try:
            return await resolve_film(interaction, str(value))
        except UserFacingError as exc:  # discord.py would hide it inside a TransformerError
            raise FilmOptionError(exc.message) from exc


FilmOption = app_commands.Transform[Film, FilmTransformer]


async def fill_in_plot(interaction: Interaction, film: Film, *, ephemeral: bool) -> str | None:
    """Look up the plot of a film that has none (Wikipedia, live), deferring first so the
    interaction never misses Discord's 3 seconds; returns a line to show when none was added."""
    catalog = catalog_of(interaction)
    if not await catalog.needs_plot_lookup(film):
        return None
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return await catalog.look_up_plot(film)
