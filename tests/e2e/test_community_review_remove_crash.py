"""/unreview is a journal intent (`review-remove`): stopped at every step (an injected crash
point) and finished by the next start, the row is a tombstone, the post's messages are
deleted and kept as removed in the reply tree, and the thread says once who removed it."""

from __future__ import annotations

import pytest

from bot.journal import CrashPoints, SimulatedCrash
from bot.replies.model import MessageState
from cogs.community.posting import remove_review
from cogs.community.review_remove import ReviewRemove
from tests.e2e._replies import stored
from tests.e2e.test_community_review_crash import LONG, Alices, threads_named

POINTS = [
    *(f"review-remove:{s.name}:{w}" for s in ReviewRemove.steps for w in ("before", "after")),
    "review-remove:note:sent-1",  # the note posted, its id not yet saved
]


async def remove_until(bot, emu, point: str) -> tuple[int, list[int]]:
    """Alice's two-part review of Moon, posted, then removed by Mona, stopped at `point`."""
    svc, alices = bot.services, Alices(bot, emu)
    mona = alices.guild.get_member(int(emu.world.user_id("Mona")))
    posted = await alices.post(await alices.prepare(4, LONG))
    await svc.replies.capture.flush()
    svc.journal.crash.arm(point)  # the crash points this bot was started with
    with pytest.raises(SimulatedCrash):
        await remove_review(svc, posted, mona.id, mona.mention)
    return posted.id, list(posted.message_ids)


@pytest.mark.parametrize("point", POINTS)
async def test_a_removal_stopped_at_any_step_is_finished_once_at_the_next_start(
    emu, start_bot, settings, point
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        review_id, message_ids = await remove_until(bot, emu, point)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        review = await bot.services.community.reviews.get(review_id)
        assert not review.active and review.text == LONG  # kept for moderators
        assert await bot.services.community.reviews.ratings(review.guild_id) == []
        [thread] = threads_named(emu, "Moon (2009)")
        (note,) = emu.messages_in(thread)  # the parts gone, the note once
        assert note["content"].startswith("*This review was removed by <@")
        await bot.services.replies.capture.flush()
        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert all(kept[i].state is MessageState.REMOVED_BY_MODERATOR for i in message_ids)
