"""Screening's journaled actions when a step cannot be done: the end state is clean and the
moderator is told (the thread of a hidden message deleted before Approve; the author's DM
refused by a Discord error)."""

from __future__ import annotations

from bot.journal import Status
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import cases_of
from tests.e2e._screening import (
    INSULT,
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)


async def test_approving_a_message_whose_thread_was_deleted_closes_the_item_saying_why(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    assert is_deleted(emu, posted)
    await bot.http.delete_channel(int(thread))  # a moderator deletes the whole thread
    (alert,) = alerts(emu)
    record = await emu.click("Mona", alert, label="Approve")
    await record.wait(lambda r: r.followups)
    answer = message_text(record.followups[0])
    item = await bot.services.screening.review_item(handled.review_item.id)
    assert answer == (
        f"Review #{item.id} approved: the message was not put back, as its channel was deleted."
    )
    assert item.state == "approved" and "channel was deleted" in item.decision_note
    restore = await bot.services.journal.by_key(f"restore:{item.id}")
    assert restore.status is Status.DONE
    assert "Approved by Mona" in message_text(emu.world.find_message(alert["id"]))


async def test_a_dm_discord_fails_to_send_does_not_stop_the_hide(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    emu.inject_error("POST", r"/users/@me/channels$", 503)  # opening the DM fails
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    assert is_deleted(emu, posted) and emu.dms("Dave") == []
    hide = await bot.services.journal.by_key(f"hide:{handled.review_item.id}")
    assert hide.status is Status.DONE
    (alert,) = alerts(emu)  # the case and the alert all the same
    text = message_text(alert)  # Discord's trouble, not the author's closed DMs
    assert "Case #1; author not told: Discord did not deliver the DM (a Discord error)." in text
    (case,) = await cases_of(bot, emu, "Dave")
    assert case.dm_status == "failed"
