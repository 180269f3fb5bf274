"""Pattern file version 8: a menace idiom set straight against a part of a film ("You won't
see it coming, the twist in Primal Fear is brilliant", "Watch your back, that final act of
Drive is brutal") is talk about the film (guard `a scene to watch`); the same idioms alone,
or against anything else, are still veiled threats. The guard reads only what follows the
idiom, so "you won't see me coming, the twist is ..." passes too (a trade-off, documented).
The sentences are written for this test."""

from __future__ import annotations

import pytest

from bot.screening.harm_patterns import load_patterns

PATTERNS = load_patterns()

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
