"""Screening on Discord: messages screened as they arrive, review alerts with buttons that
survive restarts, `/mod screening ...` and `/mod queue`, and the "Report message" menu.

events.py screens what the message path (cogs/messages.py) hands it (and catches up on
unscreened messages); desk.py acts on verdicts (hide, alert, restore: journaled.py);
buttons.py and review.py are the review buttons; commands.py the commands; report.py the
context menu. The core is bot/screening/.

The commands join the existing /mod group (cogs/moderation builds it; extensions load in
name order, so it exists when this one loads): `/mod screening` holds the settings and
`/mod queue` the queue, next to `/mod config alert-channel` where alerts go.
"""

from __future__ import annotations

from discord import app_commands

from bot.app import FilmBot
from cogs.screening import commands
from cogs.screening.buttons import ReviewButton
from cogs.screening.events import Screening
from cogs.screening.report import report_message

MOD_GROUP = "mod"


def mod_group(bot: FilmBot) -> app_commands.Group:
    group = bot.tree.get_command(MOD_GROUP)
    if not isinstance(group, app_commands.Group):
        raise RuntimeError("the /mod group is missing: cogs.moderation must load first")
    return group


async def setup(bot: FilmBot) -> None:
    group = mod_group(bot)
    group.add_command(commands.group)
    for command in commands.COMMANDS:
        group.add_command(command)
    bot.tree.add_command(report_message)
    bot.add_dynamic_items(ReviewButton)
    await bot.add_cog(Screening(bot))


async def teardown(bot: FilmBot) -> None:
    group = bot.tree.get_command(MOD_GROUP)
    if isinstance(group, app_commands.Group):
        group.remove_command(commands.group.name)
        for command in commands.COMMANDS:
            group.remove_command(command.name)
    bot.tree.remove_command(report_message.name, type=report_message.type)
    bot.remove_dynamic_items(ReviewButton)
