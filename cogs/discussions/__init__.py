"""/discuss: film discussion threads, and the spoiler guard that keeps tagged-only ones safe.

One module per concern: opening.py (/discuss start), manage.py (reopen, list, slowmode),
config.py (/discuss config), terms.py (/discuss spoiler-terms), guard.py (the guard and the
"Spoiler-tag this" menu), repost.py (the guard's journaled re-post), lifecycle.py (archive
state from Discord), checks.py (who may do what, and the server a command runs in).
The core is bot/discussions/ (its `Discussions` service) and bot/spoilers/.
"""

from __future__ import annotations

from discord import app_commands

from bot.app import FilmBot
from cogs.discussions import config, manage, opening, terms
from cogs.discussions.guard import SpoilerGuardCog
from cogs.discussions.lifecycle import ThreadLifecycle


def build_group() -> app_commands.Group:
    group = app_commands.Group(
        name="discuss",
        description="Film discussion threads: open, reopen, list, slowmode, settings",
        guild_only=True,
    )
    group.add_command(opening.start)
    group.add_command(manage.reopen)
    group.add_command(manage.list_open)
    group.add_command(manage.slowmode)
    group.add_command(config.group)
    group.add_command(terms.group)
    return group


async def setup(bot: FilmBot) -> None:
    bot.tree.add_command(build_group())
    await bot.add_cog(SpoilerGuardCog(bot))
    await bot.add_cog(ThreadLifecycle(bot))


async def teardown(bot: FilmBot) -> None:
    bot.tree.remove_command("discuss")
