"""A message deleted while the bot is down, its second look still pending: a real
`python -m bot run` is killed (os._exit at `second-look:looked`) after a veiled threat's first
verdict, the member deletes the message while no bot is connected, and the next start resumes
the look. It must end `deleted`, with no review item and no alert; the text stays stored.
A resumed look asks whether its message is gone whatever it finds, so a message the look
would pass ends `deleted` too, not `done`.

Without the replies catch-up only Discord can tell (the look asks before it flags); with it,
the catch-up's reconciliation may record the deletion first. Either way the outcome is one."""

from __future__ import annotations

import asyncio

import pytest

from bot.replies.model import MessageState
from bot.screening.look_service import LOOKED
from tests.e2e._screening import alerts, ready
from tests.e2e.test_screening_second_look_kill import VEILED, posted_then_killed

FRIENDLY = "You have to see the director's cut on a big screen this weekend"  # looked at, passes


async def look_ended(bot, message_id: int) -> None:
    """Wait until the message's pending second look has ended: settled, or forgotten."""
    looked = asyncio.ensure_future(
        bot.wait_for(
            "second_look",
            check=lambda h: h.stored is not None and h.stored.message_id == message_id,
            timeout=60,
        )
    )
    forgotten = asyncio.ensure_future(
        bot.wait_for("second_look_forgotten", check=lambda ids: message_id in ids, timeout=60)
    )
    try:
        if (await bot.services.screening.latest_screening(message_id)).second_look != "pending":
            return  # it ended before the waiters were set
        done, _ = await asyncio.wait({looked, forgotten}, return_when=asyncio.FIRST_COMPLETED)
        for finished in done:
            finished.result()
    finally:
        looked.cancel()
        forgotten.cancel()


@pytest.mark.parametrize(
    ("text", "replies_catch_up"),
    [(VEILED, False), (VEILED, True), (FRIENDLY, False)],
    ids=["discord-says", "catch-up", "a-look-that-passes"],
)
async def test_a_message_deleted_while_the_bot_is_down_is_not_flagged_at_the_next_start(
    emu, start_bot, settings, text, replies_catch_up
):
    thread, posted = await posted_then_killed(emu, start_bot, settings, LOOKED, text)
    await emu.delete(posted)  # no bot is connected: no deletion event reaches one
    message_id, since = int(posted["id"]), len(emu.recorder.requests)
    restarted = settings.model_copy(update={"replies_catch_up": replies_catch_up})
    async with start_bot(restarted) as bot:
        screening = bot.services.screening
        # The killed process handled the message once, though its live event and its
        # start-up catch-up both brought it: one revision, screened before the kill.
        (revisions,) = await bot.services.conn.execute_fetchall(
            "SELECT COUNT(*) FROM screened_messages WHERE message_id = ?", (message_id,)
        )
        assert revisions[0] == 1
        latest = await screening.latest_screening(message_id)
        assert latest.screened_at is not None
        assert latest.second_look == "pending"
        ended = asyncio.ensure_future(look_ended(bot, message_id))
        await ready(bot)
        await bot.get_cog("Screening").swept.wait()
        await ended
        stored = await screening.latest_screening(message_id)
        assert stored.second_look == "deleted" and stored.outcome == "pass"
        assert stored.content == text  # the original is kept for moderators
        assert await screening.second_looks.count_pending() == 0
        assert await screening.pending_reviews(stored.guild_id) == []
        if replies_catch_up:  # the reconciliation recorded it too: a tombstone, text kept
            await bot.services.replies.capture.flush()
            tombstone = await bot.services.replies.message(message_id)
            assert tombstone.state is MessageState.DELETED_BY_AUTHOR
    asked = emu.recorder.find("GET", rf"/channels/{thread}/messages/{message_id}$", since=since)
    if not replies_catch_up:
        assert asked  # only Discord could tell: asked of a resumed look, flag or not
    async with start_bot(restarted) as bot:  # a second start finds nothing left to do
        await ready(bot)
        await bot.get_cog("Screening").catch_up()
        assert await bot.services.screening.second_looks.count_pending() == 0
    assert alerts(emu) == []
