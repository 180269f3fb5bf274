"""Veiled threats of the menace frames, through the real client: harm to others like the
reader, a mock-pity warning, an ultimatum and a lonely place in a film's discussion thread are
flagged for the moderators (and stay visible), while film talk of the same shape passes
untouched; a killing idiom is hidden."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e._screening import alerts, assert_left_alone, film_thread, is_deleted, post_screened

THREATS = [
    "The last bloke who leaked our festival cut needed stitches, just so you know",
    "Enjoy walking on those knees while you still can",
    "Unpin that review by Sunday or we come looking for you",
    "The subway under the ring road is so dark after the late show, isn't it?",
]
LOOK_ALIKES = [
    "The last bloke who hosted our festival night picked Cats, we still tease him",
    "Enjoy your sleep while you still can, tonight we're watching Sinister",
    "In Misery, the last writer who crossed Annie ends up in a wheelchair",
    "Picks in by Sunday or we go with my choice, then I book the room",
    "The subway under the ring road is dark, so we'll all walk over together after the film",
    "Roy Batty is a magnificent bastard in Blade Runner",
]


async def test_veiled_threats_are_flagged_and_their_look_alikes_pass(emu, bot):
    thread = await film_thread(bot, emu)
    await assert_left_alone(bot, emu, thread, LOOK_ALIKES)  # no alert, nothing removed
    for text in THREATS:
        posted, handled = await post_screened(bot, emu, "Dave", thread, text)
        assert handled.outcome == "flag" and handled.verdict.label == "threat"
        assert not is_deleted(emu, posted)  # a moderator decides
        stored = await bot.services.screening.latest_screening(int(posted["id"]))
        assert stored.content == text and 0.40 <= stored.scores["threat"] < 0.85
    texts = [message_text(alert) for alert in alerts(emu)]
    assert len(texts) == len(THREATS)
    assert all("threat" in text and "flag threshold 0.40" in text for text in texts)
    assert emu.dms("Dave") == []


async def test_round_three_menace_is_flagged_and_its_film_talk_passes(emu, bot):
    """Another's fate as a warning is flagged; a tagline, a scene tip and a lift pass."""
    thread = await film_thread(bot, emu)
    await assert_left_alone(
        bot,
        emu,
        thread,
        [
            "Sleep with one eye open is the tagline of that Hellraiser poster",
            "Watch your back during the parking garage scene in Zodiac",
            "I'll pick you up outside your flat so we can drive to the drive-in together",
        ],
    )
    text = "The last mod who crossed us was never heard from again. Think on that."
    posted, handled = await post_screened(bot, emu, "Dave", thread, text)
    assert handled.outcome == "flag" and handled.verdict.label == "threat"
    assert not is_deleted(emu, posted)
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == text and 0.40 <= stored.scores["threat"] < 0.85


async def test_an_idiom_of_killing_the_reader_is_hidden(emu, bot):
    thread = await film_thread(bot, emu)
    text = "Spoil it again and you'll be pushing up daisies"
    posted, handled = await post_screened(bot, emu, "Dave", thread, text)
    assert handled.outcome == "hide" and handled.verdict.label == "threat"
    assert is_deleted(emu, posted)
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == text and stored.scores["threat"] >= 0.85
