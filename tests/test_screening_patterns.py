"""The embedded backend's pattern layer: threats, dehumanising hate, and film talk left alone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from screening_support import embedded, never_let_me_go

from bot.screening._linear import LinearProfanityModel
from bot.screening.embedded import EmbeddedBackend, without_interjections
from bot.screening.harm_patterns import DEFAULT_PATH, PatternFileError, load_patterns
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, decide

POLICY = ScreeningPolicy(guild_id=1)


def verdicts(texts, film=None):
    screener = ScreeningPipeline(embedded())
    try:
        return [decide(s.scores, POLICY) for s in screener.screen_blocking(texts, film)]
    finally:
        screener.batcher.close_sync()


@pytest.mark.parametrize(
    ("text", "label", "outcome"),
    [
        ("Post the ending again and I will strangle you", "threat", "hide"),
        ("we are going to beat you senseless after the screening", "threat", "hide"),
        ("I found out where you live, enjoy the sequel", "threat", "flag"),
        ("There will be someone waiting by your front door", "threat", "flag"),
        ("go kill yourself, your review is embarrassing", "threat", "hide"),
        ("Immigrants are parasites, every one of them", "identity_attack", "hide"),
        ("All the muslims should be deported and the film banned", "identity_attack", "hide"),
        ("you are a worthless parasite", "insult", "hide"),
    ],
)
def test_threats_and_hate_are_caught_with_their_label(text, label, outcome) -> None:
    [verdict] = verdicts([text])
    assert (verdict.label, verdict.outcome.value) == (label, outcome)


@pytest.mark.parametrize(
    "text",
    [
        "That last scene absolutely killed me",
        "I would murder someone for tickets to the premiere",
        "The donors are treated like cattle by everyone in the film",
        "In the movie the soldiers call the villagers rats before the raid",
        'The killer\'s line "I will find you and I will kill you" is iconic',
        "when the captain says I'll gut you like a fish the whole room laughed",
        "Damn, the score in that final sequence wrecked me",
        "Holy shit. Best ending of the decade.",
        "what a fucking mess the third act is",
    ],
)
def test_violent_or_crude_film_talk_passes(text) -> None:
    assert verdicts([text])[0].outcome == "pass"


def test_a_threat_in_a_line_attributed_to_a_character_is_not_the_members() -> None:
    text = 'Tommy shouts "I will kill you" at the fence and it breaks my heart'
    screening = ScreeningPipeline(embedded()).screen_blocking([text], never_let_me_go())[0]
    assert screening.film.discounted  # the line was set apart as the character's
    assert screening.scores["threat"] < POLICY.thresholds_for(None)["threat"][0].flag


def test_an_insult_is_caught_anywhere_in_a_long_comment() -> None:
    civil = "The photography is gorgeous and the score carries the last act. " * 8
    [first, last] = verdicts(
        [f"You are a pathetic idiot. {civil}", f"{civil} You are a pathetic idiot."]
    )
    assert first.label == last.label == "insult"
    assert first.outcome == last.outcome == "hide"


def test_interjection_clauses_are_left_out_but_a_bare_one_is_kept() -> None:
    assert without_interjections("Holy shit, that twist.") == "that twist"
    assert without_interjections("Hell yes! Best film of the year") == "Best film of the year"
    assert without_interjections("Damn.") == "Damn."
    assert without_interjections("fuck you, seriously") == "fuck you, seriously"


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4000,
        "why " * 1000,
        "\U0001f600" * 300,
        "\u200b" * 500,
        "\u0301" * 800,
        "e\u0301" * 900,
    ],
)
def test_bad_input_gets_a_verdict(text) -> None:
    assert verdicts([text])[0].outcome in {"pass", "flag", "hide"}


def test_the_arrays_give_the_library_probabilities() -> None:
    from profanity_check import profanity_check

    texts = ["you are an idiot", "lovely film", "", "!!!", "the the", "shit shit shit " * 20]
    fast = LinearProfanityModel.from_library().probabilities(texts)
    assert np.allclose(fast, profanity_check.predict_prob(texts), atol=1e-12)


def test_the_shipped_file_loads_and_says_what_each_rule_scores() -> None:
    patterns = load_patterns(DEFAULT_PATH)
    assert {rule.label for rule in patterns.rules} == {"threat", "identity_attack", "insult"}
    matches = patterns.matches("I know where you live")
    assert [(m.rule, m.score) for m in matches] == [("knows where you live or work", 0.75)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is missing"),
        ('{"format": "filmbot-harm-patterns", "rules": [', "cannot be read"),
        ('{"format": "something-else"}', "is not valid"),
        (
            '{"format": "filmbot-harm-patterns", "version": 1, "words": {}, "guards": {},'
            ' "rules": [{"name": "x", "label": "threat", "score": 0.9, "pattern": "{NOPE}"}]}',
            "is not valid",
        ),
    ],
)
def test_a_broken_pattern_file_says_why(tmp_path: Path, content, message) -> None:
    path = tmp_path / "patterns.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(PatternFileError, match=message):
        load_patterns(path)


def test_without_its_patterns_the_backend_runs_alt_profanity_check_alone(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["rules"] = "not a list"
    broken = tmp_path / "patterns.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    backend = EmbeddedBackend(broken)
    assert backend.labels == ("toxicity", "insult")
    assert "threat and identity_attack are not scored" in (backend.problem or "")
    [scores] = backend.score(["I will stab you"])
    assert set(scores) == {"toxicity", "insult"}
