"""The hide's last step, the review alert, stopped by an injected crash point and finished by the
next start: one alert in the alert channel, its id stored, its notes once. Also when the
process died between Discord's send and saving the alert's id (the alert is found again in the
channel and adopted), and when the channel's history cannot be read then (posted once more)."""

from __future__ import annotations

import pytest

from bot.journal import CrashPoints, SimulatedCrash, Status
from bot.sandbox.emulator.interactions import message_text
from bot.screening.model import IncomingMessage
from bot.screening.policy import MessagePlace
from tests.e2e._screening import (
    INSULT,
    alerts,
    discussion_thread,
    guild_id,
    is_deleted,
    ready,
    use_alert_channel,
    user_id,
)

SENT = "screening-hide:alert:sent"  # the alert posted, its id not yet saved
POINTS = ["screening-hide:alert:before", SENT, "screening-hide:alert:after"]


async def hide_until(bot, emu, point: str) -> int:
    """Dave's insult (one the bot did not see arrive: the catch-up's way), screened and hidden
    by a bot stopped at crash point `point`; the review item's id."""
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread, forum, dave = await discussion_thread(bot, emu), forum_id(emu), user_id(emu, "Dave")
    author = emu.world.author_fields(str(dave))
    posted = await emu.store.create(thread, author, {"content": INSULT}, dispatch=False)
    incoming = IncomingMessage(
        guild_id(emu), int(thread), int(posted["id"]), dave, INSULT, parent_id=forum
    )
    place = MessagePlace(int(thread), forum, is_discussion_thread=True)
    handled = await bot.services.screening.handle_message(incoming, place)
    assert handled.outcome == "hide"
    bot.services.journal.crash.arm(point)  # the crash points this bot was started with
    with pytest.raises(SimulatedCrash):
        await bot.get_cog("Screening").desk.act_on(handled)
    assert point in bot.services.journal.crash.reached and is_deleted(emu, posted)
    return handled.review_item.id


def forum_id(emu) -> int:
    return int(emu.world.channel_id("film-forum"))


async def alert_stored(bot, item_id: int) -> int | None:
    return (await bot.services.screening.review_item(item_id)).alert_message_id


@pytest.mark.parametrize("point", POINTS)
async def test_an_alert_stopped_at_any_point_is_there_once_at_the_next_start(
    emu, start_bot, settings, point
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        item_id = await hide_until(bot, emu, point)
        assert len(alerts(emu)) == (0 if point.endswith("before") else 1)
        if point == SENT:
            assert await alert_stored(bot, item_id) is None  # the id was lost
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert (await bot.services.journal.by_key(f"hide:{item_id}")).status is Status.DONE
        (alert,) = alerts(emu)
        assert await alert_stored(bot, item_id) == int(alert["id"])
        text = message_text(alert)
        assert f"Review #{item_id}: hidden automatically" in text
        assert text.count("Case #1; author told by DM.") == 1  # the note once, not per run
        assert all(label in text for label in ("Approve", "Remove", "Warn", "Timeout 1h"))


async def test_an_unreadable_alert_channel_gets_the_alert_posted_once_more(
    emu, start_bot, settings
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        item_id = await hide_until(bot, emu, SENT)
    channel = emu.world.channel_id("mod-alerts")
    unreadable = emu.inject_error("GET", rf"/channels/{channel}/messages$", 403)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert unreadable.remaining == 0  # the bot looked, and was refused
        assert (await bot.services.journal.by_key(f"hide:{item_id}")).status is Status.DONE
        _, posted = alerts(emu)  # the first alert, lost, and this one
        assert await alert_stored(bot, item_id) == int(posted["id"])
        assert f"Review #{item_id}: hidden automatically" in message_text(posted)
