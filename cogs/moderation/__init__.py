"""The /mod group: actions on members and channels, the case ledger, the ladder, the settings.

One module per concern (members, channels, ledger, ladder, config, events), the Discord side
of the core in side.py, checks in checks.py, the confirmation view in views.py. The core is
bot/moderation/; this package only parses, calls it and renders.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.app import FilmBot
from cogs.moderation import channels, config, ladder, ledger, members
from cogs.moderation.checks import DEFAULT_PERMISSIONS
from cogs.moderation.events import ThreadChanges
from cogs.moderation.side import DiscordModeration


def build_group() -> app_commands.Group:
    """/mod with every subcommand; hidden by default from members without Timeout Members."""
    group = app_commands.Group(
        name="mod",
        description="Moderation: act on members, read and correct the case ledger",
        default_permissions=DEFAULT_PERMISSIONS,
        guild_only=True,
    )
    for command in (*members.COMMANDS, *channels.COMMANDS, *ledger.COMMANDS):
        group.add_command(command)
    group.add_command(ladder.group)
    group.add_command(config.group)
    return group


class Moderation(commands.Cog):
    """Connects the core to Discord when loaded: expiries missed while offline apply now."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.services.moderation.connect(DiscordModeration(self.bot))


async def setup(bot: FilmBot) -> None:
    bot.tree.add_command(build_group())
    await bot.add_cog(Moderation(bot))
    await bot.add_cog(ThreadChanges(bot))


async def teardown(bot: FilmBot) -> None:
    bot.tree.remove_command("mod")
