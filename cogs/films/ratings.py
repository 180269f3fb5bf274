"""/film top and /film reviews, and the server's rating line on /film info (community ratings).

Kept apart from commands.py so the community features touch the films cog in one place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import discord
from discord import app_commands

from bot.community.lists import paged
from bot.community.reviews import rating_line, review_line, top_lines
from bot.discussions.rules import forum_tags_for
from bot.films.cards import embed_pages, rating_text
from bot.films.extras import with_extras
from bot.films.model import Film
from bot.render import EmbedData, EmbedField
from cogs._checks import guild_of
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs._visibility import shown_reviews, with_note
from cogs.films.options import FilmOption

MAX_MIN_RATINGS = 1000  # the largest "rated by at least" a member can ask for


async def with_club_rating(interaction: Interaction, film: Film, card: EmbedData) -> EmbedData:
    """The card with its Rating field showing the server's rating beside the catalog's."""
    if interaction.guild_id is None:
        return card
    svc = interaction.client.services
    ours = await svc.community.reviews.film_rating(interaction.guild_id, film.id)
    line = rating_line(ours, rating_text(film))
    fields = [f for f in card.fields if f.name != "Rating"]
    fields.append(EmbedField("Rating", line, False))
    card = replace(card, fields=tuple(fields))
    if not svc.catalog.online:  # no TMDB_API_KEY: nothing calls out
        return card
    if not interaction.response.is_done():  # TMDB may take longer than Discord's 3 s
        await interaction.response.defer(thinking=True)
    settings = await svc.community.settings.get(interaction.guild_id)
    extras = await svc.catalog.card_extras(film, settings.region)
    return with_extras(card, extras) if extras else card


OUTSIDE_A_SERVER = "Ratings and reviews belong to a server: use this command in one."


def require_server(interaction: Interaction) -> tuple[int, discord.Guild]:
    """The server the command was used in (its id and the guild); refused in a DM."""
    guild = guild_of(interaction, OUTSIDE_A_SERVER)
    return guild.id, guild


@app_commands.command(name="top")
@app_commands.describe(
    genre="Only films of this genre (e.g. Drama)",
    min_ratings="Only films rated by at least this many members (default 1)",
)
async def top(
    interaction: Interaction,
    genre: str | None = None,
    min_ratings: app_commands.Range[int, 1, MAX_MIN_RATINGS] = 1,
) -> None:
    """The server's best-rated films, ranked by a Bayesian average (explained in the reply)."""
    guild_id, _ = require_server(interaction)
    svc = interaction.client.services
    film_ids = None
    if genre:
        film_ids = await _films_of_genre(interaction, guild_id, genre)
    ranked, prior = await svc.community.reviews.top(
        guild_id, film_ids=film_ids, min_ratings=min_ratings
    )
    embed = EmbedData("Film Club top films", top_lines(ranked, prior, genre))
    await Paginator.send(interaction, [embed], ephemeral=False)


async def _films_of_genre(interaction: Interaction, guild_id: int, genre: str) -> set[int]:
    svc = interaction.client.services
    rated = [r.film_id for r in await svc.community.reviews.ratings(guild_id)]
    films = await svc.catalog.films_by_ids(rated)
    # Genre spellings fold as forum tags do ("science fiction" finds "Sci-Fi").
    chosen = {f.id for f in films if forum_tags_for(f.genres, [(f.id, genre)])}
    return chosen


@app_commands.command(name="reviews")
@app_commands.describe(film="Start typing a title and pick the film from the list")
async def reviews(interaction: Interaction, film: FilmOption) -> None:
    """Members' reviews of a film, with links to their threads."""
    guild_id, guild = require_server(interaction)
    svc = interaction.client.services
    shown = await shown_reviews(
        interaction, await svc.community.reviews.for_film(guild_id, film.id)
    )
    film_reviews = shown.reviews
    names = {}
    for review in film_reviews:
        who = guild.get_member(review.author_id)
        names[review.author_id] = who.display_name if who else f"member {review.author_id}"
    lines = [review_line(r, guild_id=guild_id, who=names[r.author_id]) for r in film_reviews]
    ours = await svc.community.reviews.film_rating(guild_id, film.id)
    pages = embed_pages(
        f"Reviews of {film.label}",
        paged(lines, "No reviews yet: be the first with /review."),
        footer=with_note(rating_line(ours, rating_text(film)), shown),
    )
    await Paginator.send(interaction, pages, ephemeral=not shown.public)


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (top, reviews)
