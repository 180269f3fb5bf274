"""Pattern file versions 7 and 8 (written for these tests; the labelled sets are in bench/data).

Version 7: a threat in which the speaker travels to the reader to harm them ("I'm coming round
to strangle you", "I'm on my way to stab you") is explicit, however it ends. Version 6 knew
"coming to" and "coming over to" only, and a trailing insult ("..., you smug git") left the
threat unscored. Film-club plans with the same travel words pass. A kind visit ("I'll come
round and give you a hug after that ending") is a friendly plan: the second look's head, which
read "come round ... you" as menace, no longer flags it.

Version 8: a menace idiom set straight against a part of a film ("You won't see it coming, the
twist in Primal Fear is brilliant") is talk about the film (guard `a scene to watch`); the
idioms alone, or against anything else, are still veiled threats. The guard reads only what
follows the idiom, so "you won't see me coming, the twist is ..." passes too (a trade-off,
documented)."""

from __future__ import annotations

import pytest
from screening_support import embedded

from bot.screening.harm_patterns import load_patterns
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, decide

PATTERNS = load_patterns()

TRAVEL_TO_HARM = [
    "I'm coming round to throttle you, you smug little reviewer.",
    "I am coming around to punch you tonight",
    "I'm on my way to stab you",
    "I'm on my way over to kill you, don't bother hiding",
    "I'll be round to break your legs after the quiz",
    "I'll come round and beat you senseless",
    "I'm heading over to hurt you right now",
    "I'm coming back to shoot you, count on it",
]
TRAVEL_PLANS = [
    "I'm coming round to watch Alien with you on Friday",
    "I'm on my way to the Rio to see you and the others",
    "I'm coming round to beat you at the film quiz again",
    "I'm on my way to kill some time before the screening",
    "I'll come round and hug you after that ending",
    "I'm heading over to the bar, it's my round",
]
KIND_VISITS = [
    "I'll come round and hug you after that ending",
    "I'll come round and give you a hug, that finale was brutal",
    "I'll come over with soup and keep you company for the Ghibli marathon",
    "I'm coming round to cheer you up with a Paddington double bill",
    "I'll come to your flat and lend you my Criterion Solaris",
]


@pytest.mark.parametrize("text", TRAVEL_TO_HARM)
def test_travelling_to_harm_the_reader_is_an_explicit_threat(text):
    assert PATTERNS.score(text)["threat"] >= 0.9


@pytest.mark.parametrize("text", TRAVEL_PLANS)
def test_travel_plans_of_a_film_club_are_not_threats(text):
    assert PATTERNS.score(text)["threat"] == 0.0


def test_through_the_whole_path_threats_hide_and_plans_pass() -> None:
    texts = TRAVEL_TO_HARM + TRAVEL_PLANS + KIND_VISITS
    screener = ScreeningPipeline(embedded())
    try:
        screened = screener.screen_blocking(texts, None)
    finally:
        screener.batcher.close_sync()
    policy = ScreeningPolicy(guild_id=1)
    outcomes = [decide(s.scores, policy).outcome.value for s in screened]
    assert outcomes[: len(TRAVEL_TO_HARM)] == ["hide"] * len(TRAVEL_TO_HARM)
    assert outcomes[len(TRAVEL_TO_HARM) :] == ["pass"] * len(TRAVEL_PLANS + KIND_VISITS)


def test_a_kind_visit_still_hides_an_explicit_threat_after_it():
    assert PATTERNS.score("I'll come round and hug you, then I'll stab you")["threat"] >= 0.9


ABOUT_THE_FILM = [
    "You won't see it coming, the twist in Fallen is wild",
    "Honestly you won't see it coming: the reveal in The Others floored me",
    "Watch your back, that final act of Blue Ruin is brutal",
    "You won't see it coming - the ending of Oldboy, I mean",
]
STILL_MENACE = [
    "You won't see it coming, the knife I mean",
    "You won't see it coming. I'll be there.",
    "Watch your back, the ending of your life is near",
    "Watch your back.",
]


def test_the_pattern_file_is_version_8():
    assert PATTERNS.version == 8


@pytest.mark.parametrize("text", ABOUT_THE_FILM)
def test_an_idiom_set_against_a_part_of_a_film_is_film_talk(text):
    assert PATTERNS.score(text)["threat"] == 0.0


@pytest.mark.parametrize("text", STILL_MENACE)
def test_the_idiom_otherwise_stays_a_veiled_threat(text):
    assert PATTERNS.score(text)["threat"] >= 0.7
