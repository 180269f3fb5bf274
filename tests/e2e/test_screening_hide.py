"""An insult is hidden at once: deleted, the author told which rule and how to appeal, the
original kept, a case recorded, an alert raised; film quotes pass; nobody is pinged."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import cases_of
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    is_deleted,
    post_screened,
    ready,
    use_alert_channel,
)

INSULT = "Bob you are a pathetic idiot and everyone knows it"
RUTH = "We were modeled on trash. Junkies, prostitutes, drunks."


async def test_an_insult_is_hidden_the_author_told_and_the_original_kept(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await discussion_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)

    assert handled.outcome == "hide"
    assert is_deleted(emu, posted)
    (dm,) = emu.dms("Dave")
    assert "hidden automatically" in dm["content"] and "insult" in dm["content"]
    assert "How to appeal" in dm["content"]
    stored = await bot.services.screening.messages.latest(int(posted["id"]))
    assert stored.content == INSULT and stored.outcome == "hide"
    (alert,) = alerts(emu)
    text = message_text(alert)
    assert "Review #1: hidden automatically" in text and INSULT in text
    assert all(label in text for label in ("Approve", "Remove", "Warn", "Timeout 1h"))
    assert "author told by DM" in text
    (case,) = await cases_of(bot, emu, "Dave")
    assert case.type == "auto-delete" and case.dm_status == "sent"
    assert all(emu.pings(m) == set() for m in [alert, dm])
