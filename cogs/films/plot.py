"""/film plot and /film plot-remove (moderators): write, correct or remove a film's plot sections.

`/film plot title [section]` opens a modal with the section's title, spoiler level and text
(pre-filled with `section` when given, to edit it); `/film plot-remove title section` retires
one. The core is bot/films/plots.py.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.films.model import Film, SummarySection
from bot.films.plots import HEADING_MAX, LEVEL_NAMES, PlotEditor, validate_section
from bot.text import escape_markdown, neutralise_mentions
from cogs._checks import moderator_only
from cogs._types import Interaction
from cogs.films.options import FilmOption

TITLE = "Start typing a title and pick the film from the list"
LEVEL_MAX_LENGTH = 20  # "later acts", with room to spare


def _editor(interaction: Interaction) -> PlotEditor:
    return interaction.client.services.plots


def _shown(text: str) -> str:
    return neutralise_mentions(escape_markdown(text))


class PlotModal(discord.ui.Modal):
    """The section's title, spoiler level and text."""

    def __init__(self, film: Film, section: SummarySection | None) -> None:
        super().__init__(title=f"Plot: {film.label}"[: limits.MODAL_TITLE])
        self.film = film
        self.replaces = section.heading if section else None
        self.heading: discord.ui.TextInput[PlotModal] = discord.ui.TextInput(
            label="Section title",
            custom_id="heading",
            max_length=HEADING_MAX,
            default=section.heading[:HEADING_MAX] if section else None,  # imported ones run long
        )
        self.level: discord.ui.TextInput[PlotModal] = discord.ui.TextInput(
            label=f"Spoiler level: {LEVEL_NAMES}",
            custom_id="level",
            max_length=LEVEL_MAX_LENGTH,
            default=section.level.name.lower() if section else "later",
        )
        self.text: discord.ui.TextInput[PlotModal] = discord.ui.TextInput(
            label="What happens",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=limits.MODAL_TEXT_INPUT,
            default=section.text if section else None,
        )
        for item in (self.heading, self.level, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]  # discord.py types any client; ours is the FilmBot
        section = validate_section(self.heading.value, self.level.value, self.text.value)
        await _editor(interaction).save(
            self.film.id, section, replaces=self.replaces, by=interaction.user.id
        )
        verb = "Updated" if self.replaces else "Added"
        await interaction.response.send_message(
            f"{verb} the section “{_shown(section.heading)}” ({section.level.label}) of "
            f"{_shown(self.film.label)}. `/film summary` shows it; the spoiler guard uses it "
            "from the next comment.",
            ephemeral=True,
        )

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]  # as on_submit
        await interaction.client.report_error(interaction, error)


@app_commands.command(name="plot")
@app_commands.describe(title=TITLE, section="Title of an existing section to edit (empty: add one)")
@moderator_only()
async def plot(interaction: Interaction, title: FilmOption, section: str | None = None) -> None:
    """Write or correct a section of a film's plot (moderators)."""
    existing = await _editor(interaction).editable(title.id, section) if section else None
    await interaction.response.send_modal(PlotModal(title, existing))


@app_commands.command(name="plot-remove")
@app_commands.describe(title=TITLE, section="Title of the section to remove")
@moderator_only()
async def plot_remove(interaction: Interaction, title: FilmOption, section: str) -> None:
    """Remove a section of a film's plot (moderators; it is kept in the database's history)."""
    removed = await _editor(interaction).remove(title.id, section, by=interaction.user.id)
    await interaction.response.send_message(
        f"Removed the section “{_shown(removed.heading)}” of {_shown(title.label)}.",
        ephemeral=True,
    )


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (plot, plot_remove)
