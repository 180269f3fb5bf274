"""A real `python -m bot run` killed (os._exit at a crash point) while /review posts a new
review, then a fresh start on the same database: the review is stored once, posted once in
one thread, and counts. `review-post:store:after` is the moment the row is written and
nothing else: before the intent was written first, a kill there left a review that was never
posted."""

from __future__ import annotations

import pytest

from bot.journal.crash import CRASH_ENV
from tests.e2e._discussions import add_film
from tests.e2e.test_community_review_crash import threads_named
from tests.e2e.test_message_path_kill import bot_process, died_at


@pytest.mark.parametrize("point", ["review-post:store:after", "review-post:thread:opened"])
async def test_a_review_killed_midway_is_posted_once_at_restart(emu, start_bot, settings, point):
    async with start_bot(settings) as bot:
        film_id = await add_film(bot, "Moon", 2009)
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        await emu.slash("Alice", "review", where="film-talk", film="Moon", rating=4, text="Ok.")
        await died_at(process, point)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        [thread] = threads_named(emu, "Moon (2009)")
        (opener,) = emu.messages_in(thread)
        assert opener["content"].startswith("## Review of Moon") and "Ok." in opener["content"]
        guild = int(emu.world.guild["id"])
        (review,) = await bot.services.community.reviews.for_film(guild, film_id)
        assert review.thread_id == int(thread) and review.opener_message_id == int(opener["id"])
        (rating,) = await bot.services.community.reviews.ratings(guild)
        assert rating.count == 1 and rating.mean == 4
