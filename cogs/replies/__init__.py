"""Reply chains: capture every message of discussion threads and tracked channels, and the
/thread commands and "Show reply chain" menu that show, export and backfill the tree.

listeners.py captures (and catches up at start-up), history.py reads Discord's history back,
records.py turns discord.py objects into the core's plain values, commands.py holds the
commands. The core is bot/replies/.
"""

from __future__ import annotations

from bot.app import FilmBot
from cogs.replies.commands import build_group, show_reply_chain
from cogs.replies.listeners import ReplyCapturing


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(ReplyCapturing(bot))
    bot.tree.add_command(build_group())
    bot.tree.add_command(show_reply_chain)


async def teardown(bot: FilmBot) -> None:
    bot.tree.remove_command("thread")
    bot.tree.remove_command(show_reply_chain.name, type=show_reply_chain.type)
