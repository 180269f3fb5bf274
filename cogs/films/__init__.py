"""The /film group: cards, cast, quotes, summaries, similar films and search over the catalog.

commands.py holds the commands; options.py the title option (autocomplete and resolution)
that other cogs reuse. The core is bot/films/ (FilmCatalog, cards) and bot/spoilers/summary.
"""

from __future__ import annotations

from discord import app_commands

from bot.app import FilmBot
from cogs.films import plot, ratings
from cogs.films.commands import COMMANDS

GROUP_NAME = "film"


def build_group() -> app_commands.Group:
    """/film with every subcommand."""
    group = app_commands.Group(
        name=GROUP_NAME, description="Films: cards, cast, quotes, summaries, similar, search"
    )
    for command in (*COMMANDS, *plot.COMMANDS, *ratings.COMMANDS):
        group.add_command(command)
    return group


async def setup(bot: FilmBot) -> None:
    bot.tree.add_command(build_group())


async def teardown(bot: FilmBot) -> None:
    bot.tree.remove_command(GROUP_NAME)
