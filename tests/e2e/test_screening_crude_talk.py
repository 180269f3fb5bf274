"""Crude and hyperbolic film talk in a discussion thread, through the real client: it is left
alone (no deletion, no alert, no DM), while an insult aimed at a member right next to it is
hidden and its author told."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e import _screening as screening
from tests.e2e._screening import alerts, is_deleted, post_screened, ready

CRUDE_FILM_TALK = [
    "Damn you, Pixar, for making me cry in the first ten minutes of Up",
    "This cliffhanger will kill me, I need the next season now",
    "Inception will blow your mind, go in knowing nothing",
    "The Thing is gory as fuck and scary as hell, loved it",
    "Cats was a steaming pile of garbage from start to finish",
    "You're dead wrong about Tenet, it's great on a second watch",
]
INSULT = "Damn you, you brainless troll, nobody asked"


async def test_crude_film_talk_passes_and_an_insult_beside_it_is_hidden(emu, bot):
    await ready(bot)
    await screening.use_alert_channel(bot, emu)
    thread = await screening.discussion_thread(bot, emu)
    for text in CRUDE_FILM_TALK:
        posted, handled = await post_screened(bot, emu, "Alice", thread, text)
        assert handled.outcome == "pass", (text, handled.verdict.rule)
        assert not is_deleted(emu, posted)
    assert alerts(emu) == [] and emu.dms("Alice") == []

    posted, handled = await post_screened(bot, emu, "Dave", thread, INSULT)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert handled.verdict.label == "insult"
    (dm,) = emu.dms("Dave")
    assert "hide threshold 0.93 (default)" in dm["content"]
    (alert,) = alerts(emu)
    assert "hidden automatically" in message_text(alert) and "brainless troll" in message_text(
        alert
    )
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == INSULT and stored.scores["insult"] >= 0.93
