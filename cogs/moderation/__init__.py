"""The /mod group's moderation commands: actions on members and channels, the case ledger, the
ladder, the settings.

One module per concern (members, channels, ledger, ladder, config, events), the Discord side
of the core in side.py, the confirmation view in views.py. The /mod group itself belongs to
cogs/_mod_group.py and the moderator checks to cogs/_checks.py. The core is bot/moderation/;
this package only parses, calls it and renders.
"""

from __future__ import annotations

from discord.ext import commands

from bot.app import FilmBot
from cogs._mod_group import Subcommand, add_to_mod, remove_from_mod
from cogs.moderation import channels, config, ladder, ledger, members
from cogs.moderation.events import ThreadChanges
from cogs.moderation.side import DiscordModeration

SUBCOMMANDS: tuple[Subcommand, ...] = (
    *members.COMMANDS,
    *channels.COMMANDS,
    *ledger.COMMANDS,
    ladder.group,
    config.group,
)


class Moderation(commands.Cog):
    """Connects the core to Discord when loaded: expiries missed while offline apply now."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.services.moderation.connect(DiscordModeration(self.bot))


async def setup(bot: FilmBot) -> None:
    add_to_mod(bot, SUBCOMMANDS)
    await bot.add_cog(Moderation(bot))
    await bot.add_cog(ThreadChanges(bot))


async def teardown(bot: FilmBot) -> None:
    remove_from_mod(bot, SUBCOMMANDS)
