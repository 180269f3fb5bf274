"""Screening on Discord: messages screened as they arrive, review alerts with buttons that
survive restarts, `/mod screening ...` and `/mod queue`, and the "Report message" menu.

events.py screens what the message path (cogs/messages.py) hands it (and catches up on
unscreened messages); desk.py acts on verdicts (hide, alert, restore: journaled.py);
buttons.py and review.py are the review buttons; commands.py the commands; report.py the
context menu. The core is bot/screening/.

The commands join the shared /mod group (cogs/_mod_group.py, whichever extension loads
first creates it): `/mod screening` holds the settings and `/mod queue` the queue, next to
`/mod config alert-channel` where alerts go.
"""

from __future__ import annotations

from bot.app import FilmBot
from cogs._mod_group import Subcommand, add_to_mod, remove_from_mod
from cogs.screening import commands
from cogs.screening.buttons import ReviewButton
from cogs.screening.events import Screening
from cogs.screening.report import report_message

SUBCOMMANDS: tuple[Subcommand, ...] = (commands.group, *commands.COMMANDS)


async def setup(bot: FilmBot) -> None:
    add_to_mod(bot, SUBCOMMANDS)
    bot.tree.add_command(report_message)
    bot.add_dynamic_items(ReviewButton)
    await bot.add_cog(Screening(bot))


async def teardown(bot: FilmBot) -> None:
    remove_from_mod(bot, SUBCOMMANDS)
    bot.tree.remove_command(report_message.name, type=report_message.type)
    bot.remove_dynamic_items(ReviewButton)
