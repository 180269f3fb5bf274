"""/watchlist add|remove|list and /member reviews: paged lists (cogs/_ui.Paginator)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.community.lists import paged, watchlist_lines
from bot.community.reviews import review_line
from bot.films.cards import embed_pages
from bot.text import escape_markdown
from cogs._checks import services
from cogs._ui import Paginator
from cogs.films.options import FilmOption

watchlist = app_commands.Group(
    name="watchlist", description="The server's list of films to watch together", guild_only=True
)


@watchlist.command(name="add")
@app_commands.describe(film="A film to watch together")
async def watchlist_add(interaction: discord.Interaction, film: FilmOption) -> None:
    """Suggest a film for a movie night."""
    svc = services(interaction)
    await svc.community.watchlist.add(
        interaction.guild_id, film.id, film.label, interaction.user.id, svc.clock.now()
    )
    await _answer(
        interaction, f"Added {escape_markdown(film.label)} to the watchlist.", ephemeral=False
    )


@watchlist.command(name="remove")
@app_commands.describe(film="The film to take off the watchlist")
async def watchlist_remove(interaction: discord.Interaction, film: FilmOption) -> None:
    """Take a film off the watchlist."""
    await services(interaction).community.watchlist.remove(interaction.guild_id, film.id)
    await _answer(interaction, f"Removed {escape_markdown(film.label)} from the watchlist.")


@watchlist.command(name="list")
async def watchlist_list(interaction: discord.Interaction) -> None:
    """The watchlist, oldest suggestion first, with who suggested each film."""
    entries = await services(interaction).community.watchlist.list(interaction.guild_id)
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
@app_commands.describe(member="Whose reviews")
async def member_reviews(interaction: discord.Interaction, member: discord.Member) -> None:
    """One member's reviews, newest first, with links to their threads."""
    svc = services(interaction)
    found = await svc.community.reviews.reviews.by_author(interaction.guild_id, member.id)
    lines = [review_line(r, guild_id=interaction.guild_id) for r in found]
    pages = embed_pages(
        f"Reviews by {member.display_name} ({len(found)})",
        paged(lines, f"{member.display_name} has not reviewed a film yet."),
    )
    await Paginator.send(interaction, pages, ephemeral=False)


async def _answer(interaction: discord.Interaction, text: str, *, ephemeral: bool = True) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(text, ephemeral=ephemeral)
