"""/watchlist add|remove|list and /member reviews: paged lists (cogs/_ui.Paginator)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.community.lists import paged, watchlist_lines
from bot.community.reviews import review_line
from bot.films.cards import embed_pages
from bot.text import escape_markdown, neutral_name
from cogs._checks import is_moderator
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs._visibility import shown_reviews, with_note
from cogs.community.checks import server_of
from cogs.films.options import FilmOption

watchlist = app_commands.Group(
    name="watchlist", description="The server's list of films to watch together", guild_only=True
)


@watchlist.command(name="add")
@app_commands.describe(film="A film to watch together")
async def watchlist_add(interaction: Interaction, film: FilmOption) -> None:
    """Suggest a film for a movie night."""
    watchlist = interaction.client.services.community.watchlist
    await watchlist.add(server_of(interaction).id, film.id, film.label, interaction.user.id)
    await _answer(
        interaction, f"Added {escape_markdown(film.label)} to the watchlist.", ephemeral=False
    )


@watchlist.command(name="remove")
@app_commands.describe(film="The film to take off the watchlist")
async def watchlist_remove(interaction: Interaction, film: FilmOption) -> None:
    """Take a film off the watchlist (one you suggested; moderators: any)."""
    watchlist = interaction.client.services.community.watchlist
    await watchlist.remove(
        server_of(interaction).id,
        film.id,
        by=interaction.user.id,
        is_moderator=await is_moderator(interaction),
    )
    await _answer(interaction, f"Removed {escape_markdown(film.label)} from the watchlist.")


@watchlist.command(name="list")
async def watchlist_list(interaction: Interaction) -> None:
    """The watchlist, oldest suggestion first, with who suggested each film."""
    watchlist = interaction.client.services.community.watchlist
    entries = await watchlist.entries(server_of(interaction).id)
    lines = watchlist_lines(entries)
    pages = embed_pages(
        f"Watchlist ({len(entries)})",
        paged(lines, "The watchlist is empty: /watchlist add a film."),
        footer="/movienight plan picks from these",
    )
    await Paginator.send(interaction, pages, ephemeral=False)


member = app_commands.Group(
    name="member", description="What a member did in the film club", guild_only=True
)


@member.command(name="reviews")
@app_commands.describe(
    member="Whose reviews (a member, or anyone by user id: also after they left)"
)
async def member_reviews(interaction: Interaction, member: discord.User) -> None:
    """One member's reviews, newest first, with links to their threads."""
    guild = server_of(interaction)
    everything = await interaction.client.services.community.reviews.by_author(guild.id, member.id)
    shown = await shown_reviews(interaction, everything)
    reviews = shown.reviews
    lines = [review_line(r, guild_id=guild.id) for r in reviews]
    name = neutral_name(member.display_name)
    pages = embed_pages(
        f"Reviews by {member.display_name} ({len(reviews)})",
        paged(lines, f"{name} has not reviewed a film yet in a channel you can see."),
        footer=with_note(None, shown),
    )
    await Paginator.send(interaction, pages, ephemeral=not shown.public)


async def _answer(interaction: Interaction, text: str, *, ephemeral: bool = True) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(text, ephemeral=ephemeral)
