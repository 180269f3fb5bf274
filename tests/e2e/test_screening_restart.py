"""After a restart the review queue and its buttons still work, and messages left unscreened
(queue full, model still loading) are screened at start-up."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from bot.screening.model import IncomingMessage
from storage.screening import ScreenedMessageRepository
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    guild_id,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)

INSULT = "you are a pathetic idiot"


async def test_the_queue_and_its_buttons_survive_a_restart(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        thread = await discussion_thread(bot, emu)
        posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
        assert is_deleted(emu, posted)
    async with start_bot(settings) as bot:
        queue = await (await emu.slash("Mona", "mod queue")).reply()
        assert "**#1** hidden automatically" in message_text(queue)
        (alert,) = alerts(emu)
        record = await emu.click("Mona", alert, label="Approve")
        await record.wait(lambda r: r.followups)
        assert "restored under Dave's name" in message_text(record.followups[0])
        restored = await emu.wait_for_message(thread, predicate=lambda m: INSULT in m["content"])
        assert restored["author"]["username"] == "Dave"
        item = await bot.services.screening.review_item(handled.review_item.id)
        assert item.state == "approved"


async def test_messages_left_unscreened_are_screened_at_start_up(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        await bot.services.screening.set_enabled(guild_id(emu), False, 0)
        posted = await emu.post("Bob", "film-talk", INSULT)  # not screened: screening is off
        waiting = IncomingMessage(
            guild_id(emu), int(posted["channel_id"]), int(posted["id"]),
            int(emu.world.user_id("Bob")), INSULT,
        )  # fmt: skip
        await ScreenedMessageRepository(bot.services.conn).record_unscreened(
            waiting, "screening queue full"
        )
    async with start_bot(settings) as bot:
        alert = await emu.wait_for_message("mod-alerts")
        assert "hidden automatically" in message_text(alert)
        assert is_deleted(emu, posted)
        assert "hidden automatically" in emu.dms("Bob")[0]["content"]
        stored = await bot.services.screening.latest_screening(int(posted["id"]))
        assert stored.status == "screened" and stored.outcome == "hide"
        assert await bot.services.screening.count_unscreened() == 0
