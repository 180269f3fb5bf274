"""/film info, cast, quotes, summary, similar, search: resolve the film, call the catalog,
render what it returns. Errors (unknown or ambiguous titles) are answered privately."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.errors import InvalidInput
from bot.films import cards
from bot.films.text import plain, truncate
from bot.spoilers.summary import Depth, capped_for_channel, parse_depth, render_summary
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs.films import ratings
from cogs.films.options import FilmOption, catalog_of, fill_in_plot

ECHO_CHARS = 100  # of a typed query, repeated in the reply's title
TITLE = "Start typing a title and pick the film from the list"
DEPTHS = [
    app_commands.Choice(name="full: later acts and ending behind spoiler tags", value="full"),
    app_commands.Choice(name="premise: spoiler-free part only", value="premise"),
]


@app_commands.command(name="info")
@app_commands.describe(title=TITLE)
async def info(interaction: Interaction, title: FilmOption) -> None:
    """A film's card: director, main cast, runtime, genres, rating, spoiler-free synopsis."""
    note = await fill_in_plot(interaction, title, ephemeral=False)
    card = await catalog_of(interaction).info(title)
    card = await ratings.with_club_rating(interaction, title, card)
    await Paginator.send(interaction, [card], ephemeral=False)
    if note:
        await interaction.followup.send(note, ephemeral=True)


@app_commands.command(name="cast")
@app_commands.describe(title=TITLE)
async def cast(interaction: Interaction, title: FilmOption) -> None:
    """Who made the film and who plays whom."""
    pages = await catalog_of(interaction).cast(title)
    embeds = cards.embed_pages(f"Cast and crew: {title.label}", pages)
    await Paginator.send(interaction, embeds, ephemeral=False)


@app_commands.command(name="quotes")
@app_commands.describe(title=TITLE)
async def quotes(interaction: Interaction, title: FilmOption) -> None:
    """Lines from the film; those that give the plot away are behind spoiler tags."""
    pages = await catalog_of(interaction).quotes(title)
    if not any(pages):
        pages = [[cards.Line("No quotes from this film yet.")]]
    embeds = cards.embed_pages(f"Quotes: {title.label}", pages)
    await Paginator.send(interaction, embeds, ephemeral=False)


@app_commands.command(name="summary")
@app_commands.describe(
    title=TITLE,
    depth="full (default): later acts and ending behind spoiler tags; premise: no spoilers",
    public="Show it to the channel (default: only you see it)",
)
@app_commands.choices(depth=DEPTHS)
async def summary(
    interaction: Interaction, title: FilmOption, depth: str = "full", public: bool = False
) -> None:
    """The film's summary as discussion threads open with it: the premise in plain text, the
    rest behind spoiler tags. Only you see it unless you ask for it to be public."""
    chosen = parse_depth(depth or Depth.FULL)
    note = await fill_in_plot(interaction, title, ephemeral=not public)
    details = await catalog_of(interaction).details(title)
    messages = render_summary(details, chosen)
    if note:  # the plot could not be fetched: say why, first
        messages = [note, *messages]
    if public:
        messages = capped_for_channel(messages, title.label)
    for number, content in enumerate(messages):
        if number == 0 and not interaction.response.is_done():
            await interaction.response.send_message(content, ephemeral=not public)
        else:
            await interaction.followup.send(content, ephemeral=not public)


@app_commands.command(name="similar")
@app_commands.describe(title=TITLE)
async def similar(interaction: Interaction, title: FilmOption) -> None:
    """Films like this one, and how they were found (ratings, curated links, genre and era)."""
    result = await catalog_of(interaction).similar(title)
    embeds = cards.embed_pages(f"Films like {title.label}", cards.similar_lines(result))
    await Paginator.send(interaction, embeds, ephemeral=False)


@app_commands.command(name="search")
@app_commands.describe(query="Part of a title; add a year to narrow it, e.g. sunshine 2007")
async def search(interaction: Interaction, query: str) -> None:
    """Find films by title (only you see the list)."""
    shown = truncate(plain(query), ECHO_CHARS)
    if not any(ch.isalnum() for ch in shown):  # emoji, symbols or invisible characters only
        raise InvalidInput("Type part of a film's title to search for, e.g. sunshine 2007.")
    films = await catalog_of(interaction).search(query)
    embeds = cards.embed_pages(
        f"Films matching “{shown}”", cards.search_lines(films), footer=f"{len(films)} found"
    )
    await Paginator.send(interaction, embeds, ephemeral=True)


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (
    info,
    cast,
    quotes,
    summary,
    similar,
    search,
)
