"""The film club together: /review, /unreview, /watchlist, /member reviews, /movienight,
/community settings. (/film top and /film reviews live in cogs/films/ratings.py.)

One module per concern: reviews.py and posting.py (reviews and their threads), lists.py
(watchlist, member reviews), config.py (settings), movienight.py and night_actions.py
(movie nights). The core is bot/community/.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.app import FilmBot
from cogs.community import (
    config,
    lists,
    movienight,
    review_edit,
    review_post,
    review_remove,
    reviews,
)
from cogs.community.movienight import MovieNightWatch
from cogs.community.reactions import ReactionCounts

TOP_LEVEL = ("review", "unreview", "watchlist", "member", "community", "movienight")


def build_community_group() -> app_commands.Group:
    group = app_commands.Group(
        name="community", description="Film club settings: reviews, movie nights", guild_only=True
    )
    group.add_command(config.settings)
    return group


async def setup(bot: FilmBot) -> None:
    commands: tuple[app_commands.Command[Any, Any, Any] | app_commands.Group, ...] = (
        reviews.review,
        reviews.unreview,
        lists.watchlist,
        lists.member,
        movienight.group,
    )
    for command in commands:
        bot.tree.add_command(command)
    bot.tree.add_command(build_community_group())
    await bot.add_cog(ReactionCounts(bot))
    await bot.add_cog(MovieNightWatch(bot))
    bot.services.journal.register(review_post.KIND, review_post.ReviewPost(bot))
    bot.services.journal.register(review_edit.KIND, review_edit.ReviewEdit(bot))
    bot.services.journal.register(review_remove.KIND, review_remove.ReviewRemove(bot))


async def teardown(bot: FilmBot) -> None:
    bot.services.journal.unregister(review_post.KIND)
    bot.services.journal.unregister(review_edit.KIND)
    bot.services.journal.unregister(review_remove.KIND)
    for name in TOP_LEVEL:
        bot.tree.remove_command(name)
