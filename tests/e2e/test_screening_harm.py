"""Threats and dehumanising hate on the embedded backend, through the real client: an explicit
threat or hate is hidden, a veiled threat is flagged for review, film talk about violence and
suffering is left alone, and a broken pattern file is reported by /about and /mod screening."""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.e2e import _screening as screening
from tests.e2e._screening import (
    alerts,
    assert_left_alone,
    film_thread,
    is_deleted,
    post_screened,
    ready,
)

EXPLICIT = "Spoil the finale one more time and I will stab you, Dave"
VEILED = "Funny review. I know where you live, by the way."
HATE = "Refugees are vermin and should be wiped out, unlike the clones in this film"
FILM_TALK = [
    "The scene at the fence destroyed me, I'd kill for a director's cut",
    "The donors are treated as less than human and nobody in the film fights back",
    'Ruth\'s line "We were modeled on trash" is brutal',
    "when the guard says I will find you, the music drops out completely",
    "Damn, that final shot of the field with the plastic bags wrecked me",
]


async def test_an_explicit_threat_is_hidden_and_the_author_told(emu, bot):
    thread = await film_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, EXPLICIT)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert handled.verdict.label == "threat"
    (dm,) = emu.dms("Dave")
    assert "threat 0.95 >= hide threshold 0.85 (default)" in dm["content"]
    stored = await bot.services.screening.latest_screening(int(posted["id"]))
    assert stored.content == EXPLICIT and stored.scores["threat"] == 0.95
    (alert,) = alerts(emu)
    assert "hidden automatically" in message_text(alert) and "threat" in message_text(alert)


async def test_a_veiled_threat_stays_visible_and_goes_to_review(emu, bot):
    thread = await film_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, VEILED)
    assert handled.outcome == "flag" and not is_deleted(emu, posted)
    (alert,) = alerts(emu)
    assert "threat 0.75 >= flag threshold 0.40 (default)" in message_text(alert)
    assert emu.dms("Dave") == []


async def test_dehumanising_hate_is_hidden_as_an_identity_attack(emu, bot):
    thread = await film_thread(bot, emu)
    posted, handled = await post_screened(bot, emu, "Dave", thread, HATE)
    assert handled.outcome == "hide" and is_deleted(emu, posted)
    assert "identity attack 0.95 >= hide threshold 0.85" in message_text(alerts(emu)[0])


async def test_violent_and_crude_film_talk_is_left_alone(emu, bot):
    await assert_left_alone(bot, emu, await film_thread(bot, emu), FILM_TALK)


async def test_a_broken_pattern_file_is_reported_and_insults_are_still_screened(
    emu, start_bot, settings, error_log, tmp_path
):
    broken = tmp_path / "patterns.json"
    broken.write_text('{"format": "filmbot-harm-patterns", "rules": [', encoding="utf-8")
    async with start_bot(settings.model_copy(update={"toxicity_patterns": broken})) as bot:
        await ready(bot)
        error_log.expect("screening patterns not loaded")
        about = await (await emu.slash("Alice", "about")).text()
        assert f"the pattern file {broken} cannot be read" in about
        assert "threat and identity_attack are not scored" in about
        status = await (await emu.slash("Mona", "mod screening status")).text()
        assert "alt-profanity-check runs alone" in status
        thread = await screening.discussion_thread(bot, emu)
        _, threat = await post_screened(bot, emu, "Dave", thread, EXPLICIT)
        assert "threat" not in threat.stored.scores
        _, insult = await post_screened(bot, emu, "Dave", thread, "you are a pathetic idiot")
        assert insult.outcome == "hide" and insult.verdict.label == "insult"
