"""The alert of a flagged or reported message is a journaled intent (`screening-alert`): stopped
by an injected crash point before the send, after it (the id not yet saved) or after saving,
the next start finishes it with exactly one alert in the alert channel, its id stored. A
refused alert channel is told in the mod log; an alert deleted by hand is posted anew. And an
item stored by screening or a report whose intent was never written (the process died in
between) is hidden or alerted by the start-up sweep."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import NotFound
from bot.journal import CrashPoints, SimulatedCrash, Status
from bot.sandbox.emulator.interactions import message_text
from bot.screening.model import IncomingMessage
from bot.screening.policy import MessagePlace
from tests.e2e._moderation import use_log_channel, wait_for_log
from tests.e2e._screening import (
    INSULT,
    alerts,
    guild_id,
    is_deleted,
    ready,
    screen_everywhere,
    use_alert_channel,
    user_id,
)

BORDERLINE = "the director of this ending is a total moron"  # flagged, not hidden
SPAM = "buy cheap films at shady.example"
POINTS = [f"screening-alert:alert:{at}" for at in ("before", "sent", "after")]
SHOWN = {"flag": "flagged for review", "report": "reported by a member"}


async def unseen(bot, emu, author: str, text: str) -> tuple[dict, IncomingMessage]:
    """A message in #film-talk the bot did not see arrive (the catch-up's way)."""
    await ready(bot)
    await use_alert_channel(bot, emu)
    await screen_everywhere(bot, emu)
    channel, member = emu.world.channel_id("film-talk"), user_id(emu, author)
    author_fields = emu.world.author_fields(str(member))
    posted = await emu.store.create(channel, author_fields, {"content": text}, dispatch=False)
    incoming = IncomingMessage(guild_id(emu), int(channel), int(posted["id"]), member, text)
    return posted, incoming


async def flag(bot, emu) -> int:
    """Alice's borderline comment, screened and flagged; the alert raised. The item's id."""
    posted, incoming = await unseen(bot, emu, "Alice", BORDERLINE)
    place = MessagePlace(incoming.channel_id, None)
    handled = await bot.services.screening.handle_message(incoming, place)
    assert handled.outcome == "flag"
    await bot.get_cog("Screening").desk.act_on(handled)
    assert not is_deleted(emu, posted)
    return handled.review_item.id


async def report(bot, emu) -> int:
    """Dave reports Bob's spam (the modal's two calls); the alert raised. The item's id."""
    _, incoming = await unseen(bot, emu, "Bob", SPAM)
    screening = bot.services.screening
    _, item = await screening.report_message(incoming, user_id(emu, "Dave"), "spam")
    await bot.get_cog("Screening").desk.raise_alert(item, [])
    return item.id


RAISE = {"flag": flag, "report": report}


async def alert_stored(bot, item_id: int) -> int | None:
    return (await bot.services.screening.review_item(item_id)).alert_message_id


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("why", ["flag", "report"])
async def test_an_alert_stopped_at_any_point_is_there_once_at_the_next_start(
    emu, start_bot, settings, why, point
):
    async with start_bot(settings, crash=CrashPoints()) as bot:
        bot.services.journal.crash.arm(point)
        with pytest.raises(SimulatedCrash):
            await RAISE[why](bot, emu)
        assert point in bot.services.journal.crash.reached
        assert len(alerts(emu)) == (0 if point.endswith("before") else 1)
        item_id = 1
        if point.endswith("sent"):
            assert await alert_stored(bot, item_id) is None  # posted, the id lost
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        assert await bot.services.journal.unfinished() == []
        (alert,) = alerts(emu)
        assert await alert_stored(bot, item_id) == int(alert["id"])
        text = message_text(alert)
        assert f"Review #{item_id}" in text and SHOWN[why] in text
        assert all(label in text for label in ("Approve", "Remove", "Warn"))


async def test_an_alert_raised_while_one_whose_id_was_lost_waits_adopts_it(
    emu, start_bot, settings
):
    """A second report comes before the first alert's intent (killed between the send and
    saving the id) is resumed: still one alert."""
    async with start_bot(settings, crash=CrashPoints()) as bot:
        bot.services.journal.crash.arm("screening-alert:alert:sent")
        with pytest.raises(SimulatedCrash):
            await report(bot, emu)
        bot.services.journal.crash.arm()
        incoming = await unseen_again(bot, emu, 1)
        _, item = await bot.services.screening.report_message(incoming, user_id(emu, "Mona"), "y")
        await bot.get_cog("Screening").desk.raise_alert(item, [])
        (alert,) = alerts(emu)
        assert await alert_stored(bot, item.id) == int(alert["id"])
        await bot.services.journal.resume_unfinished()  # the first: finds it stored
        assert await bot.services.journal.unfinished() == [] and len(alerts(emu)) == 1


async def test_an_alert_channel_the_bot_cannot_post_in_is_told_in_the_mod_log(emu, bot):
    await use_log_channel(bot, emu)
    channel = emu.world.channel_id("mod-alerts")
    refused = emu.inject_error("POST", rf"/channels/{channel}/messages$", 403, code=50013)
    item_id = await flag(bot, emu)
    assert refused.remaining == 0 and alerts(emu) == []
    entry = await wait_for_log(emu, "**Not carried out**")
    assert f"The review alert for review #{item_id} failed" in entry
    assert "I cannot post review alerts in" in entry and "Send Messages" in entry
    (intent,) = [i for i in await all_alert_intents(bot) if i.payload["item_id"] == item_id]
    assert intent.status is Status.FAILED
    assert await alert_stored(bot, item_id) is None  # the item waits in /mod queue


async def test_an_alert_deleted_by_hand_is_posted_anew_on_the_next_report(emu, bot):
    item_id = await report(bot, emu)
    (first,) = alerts(emu)
    await emu.store.delete(first["channel_id"], first["id"])  # a moderator tidied the channel
    incoming = await unseen_again(bot, emu, item_id)
    await bot.services.screening.report_message(incoming, user_id(emu, "Alice"), "spam too")
    await bot.get_cog("Screening").desk.raise_alert(
        await bot.services.screening.review_item(item_id), []
    )
    (second,) = alerts(emu)
    assert second["id"] != first["id"] and await alert_stored(bot, item_id) == int(second["id"])
    assert "reported by a member" in message_text(second)


async def unseen_again(bot, emu, item_id: int) -> IncomingMessage:
    item = await bot.services.screening.review_item(item_id)
    return IncomingMessage(
        item.guild_id, item.channel_id, item.message_id, item.author_id, item.content
    )


async def all_alert_intents(bot):
    journal = bot.services.journal
    found, intent_id = [], 1
    while True:
        try:
            intent = await journal.get(intent_id)
        except NotFound:
            return found
        if intent.kind == "screening-alert":
            found.append(intent)
        intent_id += 1


async def stored_only(bot, emu, why: str) -> int:
    """The item screening or a report stored, the process killed before the desk wrote its
    intent (nothing more is called); the item's id."""
    if why == "report":
        _, incoming = await unseen(bot, emu, "Bob", SPAM)
        _, item = await bot.services.screening.report_message(incoming, user_id(emu, "Dave"), "x")
        return item.id
    text = INSULT if why == "hide" else BORDERLINE
    _, incoming = await unseen(bot, emu, "Dave", text)
    place = MessagePlace(incoming.channel_id, None)
    handled = await bot.services.screening.handle_message(incoming, place)
    assert handled.outcome == why
    return handled.review_item.id


@pytest.mark.parametrize("why", ["flag", "report", "hide"])
async def test_an_item_stored_before_its_intent_was_written_is_raised_at_the_next_start(
    emu, start_bot, settings, why
):
    async with start_bot(settings) as bot:
        item_id = await stored_only(bot, emu, why)
        assert alerts(emu) == []
    async with start_bot(settings) as bot:
        await asyncio.wait_for(bot.get_cog("Screening").swept.wait(), timeout=10)
        (alert,) = alerts(emu)
        assert await alert_stored(bot, item_id) == int(alert["id"])
        item = await bot.services.screening.review_item(item_id)
        if why == "hide":
            assert is_deleted(emu, {"id": str(item.message_id)})
            assert "hidden automatically" in message_text(alert)
            assert "Case #1; author told by DM." in message_text(alert)
        else:
            assert SHOWN[why] in message_text(alert)
