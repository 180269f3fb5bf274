"""Round 4 of the pattern layer through the real client, in a film's discussion thread: menace
told by the situation alone (the member was watched and was alone) is flagged for the
moderators and stays visible; a horror film's after-effects, a menacing title praised as a
title and a lift to a screening are left alone, by the first verdict and by the second look
(each of the three was flagged by pattern file version 5)."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e._screening import alerts, film_thread, is_deleted, looked_at, post_screened

SITUATION = "I saw you come out of the Lexi on Wednesday. Nobody else on that road, was there."
FILM_TALK = {
    "after-effects": "Be careful walking home after The Evil Dead, every shadow moves",
    "title praised": "You're Next. What a title, it does the whole job of the trailer",
    "lift": "See you at your front door at seven, the Tarkovsky screening starts at half past",
}


async def test_being_watched_while_alone_is_flagged_for_a_moderator(emu, bot):
    thread = await film_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, SITUATION)
    assert handled.outcome == "flag" and handled.verdict.label == "threat"
    assert not is_deleted(emu, posted)  # a moderator decides
    (alert,) = alerts(emu)
    assert "threat" in message_text(alert) and "flag threshold 0.40" in message_text(alert)
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == SITUATION and 0.70 <= stored.scores["threat"] < 0.85
    assert stored.outcome == "flag"
    assert emu.dms("Dave") == []


async def test_each_kind_of_film_talk_is_left_alone_after_both_looks(emu, bot):
    thread = await film_thread(bot, emu)
    for kind, text in FILM_TALK.items():
        looked = looked_at(bot, text)
        posted, first = await post_screened(bot, emu, "Alice", thread, text)
        assert first.outcome == "pass" and not is_deleted(emu, posted), kind
        if first.stored.second_look is None:  # the gate takes nothing: no look is due
            looked.cancel()
        else:
            assert (await looked).review_item is None, kind
        stored = await bot.services.screening.latest_screening(int(posted["id"]))
        assert stored.outcome == "pass" and stored.content == text, kind
        assert stored.scores.get("threat", 0.0) < 0.40, kind
    assert alerts(emu) == []
