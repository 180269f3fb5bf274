"""Crude and hyperbolic film talk on the embedded backend: it passes, while insults and
threats that look like it are still caught (bot/screening/_film_talk.py and embedded.py)."""

from __future__ import annotations

import re
import sys

from screening_support import embedded, never_let_me_go

from bot.screening._film_talk import without_figurative_harm
from bot.screening._linear import LinearProfanityModel, Tokens, ascii_words_only
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, decide

POLICY = ScreeningPolicy(guild_id=1)


def outcomes(texts: list[str]) -> dict[str, str]:
    screener = ScreeningPipeline(embedded())
    try:
        found = screener.screen_blocking(texts, never_let_me_go())
    finally:
        screener.batcher.close_sync()
    return {
        text: decide(s.scores, POLICY).outcome.value for text, s in zip(texts, found, strict=True)
    }


def assert_outcomes(expected: dict[str, str]) -> None:
    got = outcomes(list(expected))
    wrong = {text: got[text] for text, want in expected.items() if got[text] != want}
    assert not wrong, wrong


def test_figurative_harm_to_the_viewer_passes_and_threats_do_not() -> None:
    assert_outcomes(
        {
            "The season finale cliffhanger is going to kill me": "pass",
            "Memento will blow your mind, watch it twice": "pass",
            "I nearly died when the T-rex stepped into the headlights": "pass",
            "Coco will break your heart and then fix it": "pass",
            "Saoirse Ronan absolutely killed it in Lady Bird": "pass",
            "You'll die laughing at the Hot Fuzz finale": "pass",
            "you will shit yourself when the door opens in The Descent": "pass",
            "Shut up and watch The Lives of Others, you will thank me": "pass",
            "waiting a year for the next season will be the death of me": "pass",
            # the same words aimed at a member
            "I'll kill you if you post that ending again": "hide",
            "I will blow your brains out": "hide",
            "go shit yourself, nobody wants your takes": "hide",
            "shut up, moron": "flag",
            "I hope you die": "hide",
        }
    )


def test_a_curse_at_a_name_is_not_an_insult_to_a_member() -> None:
    assert_outcomes(
        {
            "Damn you, DreamWorks, for making me cry at a cartoon fish": "pass",
            "Screw you Hulu for cancelling it after one season": "pass",
            "damn you Ari Aster, I can't look at a pole without shuddering": "pass",
            "Damn you Hannibal": "pass",
            "Fuck you Tony Gilroy for killing off my favourite character so early": "pass",
            # a member, an insult, or strong swearing at a name
            "Damn you, you idiot": "hide",
            "Damn you Moron": "hide",
            "Screw you Dave, you smug prick": "flag",
            "damn you": "hide",
            "Fuck you Dave": "flag",  # mostly swearing at a person: a moderator looks
        }
    )


def test_swearing_that_intensifies_or_scorns_a_film_passes() -> None:
    assert_outcomes(
        {
            "Scary as hell, the cellar scene in Barbarian": "pass",
            "Gory as shit, loved every minute": "pass",
            "Jaws still scares the shit out of me": "pass",
            "The Room is a steaming pile of garbage": "pass",
            "Screw this sequel, it wastes the whole cast": "pass",
            "Jurassic World Dominion was bloody rubbish": "pass",
            "you were right, it's a fucking masterpiece": "pass",
            # at a member
            "you're dumb as fuck": "hide",
            "you're fucking useless": "hide",
            "You're creepy as fuck, stop messaging me": "flag",
            "you are garbage": "hide",
            "I'll beat the shit out of you": "hide",
            "fuck this shit": "flag",
            "Immigrants are garbage": "hide",  # hate, by the pattern layer
        }
    )


def test_friendly_advice_and_disagreement_pass() -> None:
    assert_outcomes(
        {
            "You need to watch Stalker, it's slow but worth it": "pass",
            "You're dead wrong about Avatar 2, the water scenes are stunning": "pass",
            "You have to see Oppenheimer in 70mm": "pass",
            "You're dead wrong, you brainless troll": "flag",
            "you need to shut your mouth, you ignorant prick": "hide",
        }
    )


def test_figurative_harm_is_blanked_in_place() -> None:
    assert without_figurative_harm("this will kill me") == "this will      me"
    assert without_figurative_harm("It'll BLOW your mind") == "It'll      your mind"
    assert without_figurative_harm("I could've died laughing") == "I could've      laughing"
    for kept in ["I will blow your brains out", "kill him", "I'll kill you", "go shit yourself"]:
        assert without_figurative_harm(kept) == kept


def test_rows_of_tokens_are_replaced_where_they_stand() -> None:
    model = LinearProfanityModel.from_library()
    texts = ["you idiot", "what a film", "a good idea"]
    tokens = model.tokenise(texts)
    replaced = tokens.with_rows_replaced([0, 2], model.tokenise(["great film", "idiot idea"]))
    want = model.tokenise(["great film", "what a film", "idiot idea"])
    assert _pairs(replaced) == _pairs(want)


def test_a_message_takes_its_clauses_tokens() -> None:
    model = LinearProfanityModel.from_library()
    wholes = ["Damn, you idiot, but nice film", "solo", "\u03a3\u0391\u03a3.\u0391 idiot"]
    parts = ["Damn", "you idiot", "nice film", "\u03a3\u0391\u03a3", "\u0391 idiot"]
    got = model.tokenise_with_parts(wholes, parts, [0, 0, 0, 2, 2])
    assert _pairs(got) == _pairs(model.tokenise([*wholes, *parts]))


def test_no_character_becomes_a_word_character_when_lower_cased() -> None:
    # what lets text with only ASCII word characters take the ASCII tokeniser
    word = re.compile(r"\w")
    changed = [
        code
        for code in range(0x80, sys.maxunicode + 1)
        if not word.match(chr(code)) and word.search(chr(code).lower())
    ]
    assert changed == []
    assert ascii_words_only("\u201cgreat\u201d \U0001f600 film \u2014 yes")
    assert not ascii_words_only("caf\u00e9")


def _pairs(tokens: Tokens) -> list[tuple[int, int]]:
    return sorted(zip(tokens.rows.tolist(), tokens.columns.tolist(), strict=True))
