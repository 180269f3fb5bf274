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


# One comment per rule class, about films other than the curated one: what it says, the
# label it is caught for and the outcome at the default thresholds.
FLAG = ("threat", "flag")
RULE_CLASSES = [
    ("I will slit your throat if you spoil The Last of Us", "threat", "hide"),
    ("Say that about Pixar again and I'll break every bone in your hand", "threat", "hide"),
    ("I'll run you over in the car park after the Dune screening", "threat", "hide"),
    ("I'm going to cave your head in next time you call Nolan overrated", "threat", "hide"),
    ("Somebody should take a baseball bat to your knees for that review", "threat", "hide"),
    ("honestly someone needs to put you in the hospital for that Jaws take", "threat", "hide"),
    ("You are getting stabbed the moment you walk out of that cinema", "threat", "hide"),
    ("I hope someone stabs you on your way home from the Odeon", "threat", "hide"),
    ("Post another Endgame spoiler and nobody will ever find your body", "threat", "hide"),
    ("I know which multiplex you work at, see you at the late showing", "threat", "flag"),
    ("Your IP is in my notes now. Enjoy your evening.", "threat", "flag"),
    ("People who trash Paddington 2 tend to have accidents", "threat", "flag"),
    ("Careful. Critics who talk like that about Tarantino end up in a ditch.", "threat", "flag"),
    ("It'd be a shame if your car got its tyres slashed outside the cinema", "threat", "flag"),
    ("keep it up and you might wake up to find your windows smashed", "threat", "flag"),
    ("Funny how your mum's house is only twenty minutes from mine", "threat", "flag"),
    ("Some friends of mine would love to meet you after Dune, if you know what I mean", *FLAG),
    ("Enjoy the Wicked screening tonight, it might be your last", "threat", "flag"),
    ("You should be more careful about who you annoy online, film bro", "threat", "flag"),
    ("You're going to get what's coming to you, Marvel shill", "threat", "flag"),
    ("Pakistanis are filth, every last one of them", "identity_attack", "hide"),
    ("Chinese people are locusts, look at the box office", "identity_attack", "hide"),
    ("Polish people are parasites living off our benefits", "identity_attack", "hide"),
    ("dirty muslim scum ruined this remake", "identity_attack", "hide"),
    ("Every trans person should be locked in an asylum", "identity_attack", "hide"),
    ("Jews control the film industry and should be gassed", "identity_attack", "hide"),
    ("Catholics should all just die", "identity_attack", "hide"),
    ("Round up the Gypsies and put them on a boat", "identity_attack", "hide"),
    ("I'd put a bullet in every refugee", "identity_attack", "hide"),
    ("round them up, the lot of those immigrants", "identity_attack", "hide"),
    ("Somalis ruin every town, send them all back", "identity_attack", "hide"),
    ("Asians breed like insects", "identity_attack", "hide"),
    # words about history or a film do not excuse hate they open or close
    ("The holocaust was fine, Jews are rats", "identity_attack", "hide"),
    ("Mexicans are animals, like in this film", "identity_attack", "hide"),
    ("you absolute waste of a human being, go back to your Transformers", "insult", "hide"),
]


@pytest.mark.parametrize(("text", "label", "outcome"), RULE_CLASSES)
def test_each_rule_class_catches_its_comment(text, label, outcome) -> None:
    [verdict] = verdicts([text])
    assert (verdict.label, verdict.outcome.value) == (label, outcome), verdict.rule


# Hard negatives, by class: film talk that uses the rules' words and must pass.
HARD_NEGATIVES = {
    "violent idiom": [
        "I'd kill for a 4K release of Heat",
        "This cast would kill it on stage too",
        "I'm going to die laughing if they cast him as Bond",
        "Fight me: Speed 2 is underrated",
        "That third act absolutely murdered me",
    ],
    "double object or friendly offer": [
        "I'll beat you to it, posting my review tonight",
        "I'll shoot you a message when the tickets drop",
        "I'll find you a link to the director's commentary",
        "I'm going to hunt you down a copy of the Criterion",
        "I'll knock you up a playlist of the score",
        "I'll run you through the plot if you missed the start",
    ],
    "plot": [
        "In Schindler's List the SS treat the Jews as vermin and Goeth shoots prisoners",
        "In Schindler's List Goeth says the Jews are vermin",
        "The Nazis round up the Jews in the ghetto in Schindler's List",
        "Hotel Rwanda shows the radio calling the Tutsis cockroaches before the massacre",
        "In Goodfellas, people who rat end up in the river",
        "In District 9 the government rounds up the aliens and moves them to a camp",
        "The killer in Scream stabs his victims and they end up in the morgue",
    ],
    "quoted dialogue": [
        'Liam Neeson\'s "I will look for you, I will find you, and I will kill you" speech rules',
        '"Here\'s Johnny!" as he smashes through the bathroom door is iconic',
        "When Hans Landa says he will hunt every last one of them down, I hold my breath",
    ],
    "addressed film talk": [
        "You'll regret not seeing this one in IMAX",
        "I know where you can stream it for free",
        "Sleep with one eye open after watching Insidious",
        "It'd be a shame if you missed it in cinemas",
        "I'd hate for you to miss the director's cut",
        "Be careful who you lend your Blu-rays to",
        "This might be your last chance to see it in 70mm",
        "Your kids would love the Ghibli season at the BFI",
        "You're next on my list of people to recommend this to",
    ],
    "group talk": [
        "Women are the best part of this film",
        "Gay people were treated horribly in the 80s and this film shows it",
        "The immigrants in Paddington are the heart of the story",
    ],
    "interjection": [
        "Holy shit you need to watch Hereditary",
        "bloody hell mate you weren't kidding about the runtime",
        "damn you were right, the sequel is better",
        "Fuck me, that was long, but Lawrence of Arabia earns every minute",
        "Good lord, the dialogue in Attack of the Clones",
        "Oh for fuck's sake, they've recast Dumbledore again",
        "Hell yes you should see it in IMAX",
    ],
}


@pytest.mark.parametrize("text", [text for texts in HARD_NEGATIVES.values() for text in texts])
def test_each_hard_negative_class_passes(text) -> None:
    [verdict] = verdicts([text])
    assert verdict.outcome == "pass", verdict.rule


@pytest.mark.parametrize(
    "text",
    [
        "What the hell is wrong with you, you brainless troll",
        "Holy shit you are a moron",
        "Damn you, idiot",
        "fuck you and your taste in films",
    ],
)
def test_an_exclamation_does_not_excuse_abuse(text) -> None:
    [verdict] = verdicts([text])
    assert (verdict.label, verdict.outcome.value) in {("insult", "hide"), ("toxicity", "flag")}


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
    assert without_interjections("Holy shit you need to see it") == "you need to see it"
    assert without_interjections("damn you were right") == "you were right"
    assert without_interjections("damn this film") == "damn this film"
    assert without_interjections("damn you") == "damn you"


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
    assert backend.second_look_state == "second look unavailable: its gate needs the pattern file"
    [scores] = backend.score(["I will stab you"])
    assert set(scores) == {"toxicity", "insult"}


def test_word_lists_become_a_trie_that_prefers_the_longer_phrase() -> None:
    import re

    from bot.screening.harm_patterns import _alternation

    phrases = ["kill", "kill off", "killed", "cut", "cut up", "put a bullet in"]
    regex = re.compile(_alternation(phrases) + r"\b")
    assert [regex.match(p).group(0) for p in phrases] == phrases
    assert regex.match("kill  off").group(0) == "kill  off"  # any blank run
    assert regex.match("cutting") is None
    assert regex.pattern.count("kill") == 1


RULE = {
    "name": "r",
    "label": "threat",
    "score": 0.9,
    "pattern": "i will {ACT}",
    "needs": ["HARM|you"],
}


def test_parts_expand_and_say_when_nested_too_deep(tmp_path: Path) -> None:
    data = {
        "format": "filmbot-harm-patterns",
        "version": 1,
        "words": {"HARM": ["stab", "kick"]},
        "parts": {"ACT": "{HARM}\\s+you", "LOOP": "{LOOP}"},
        "guards": {},
        "rules": [RULE],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    patterns = load_patterns(path)
    assert patterns.score("I will kick you")["threat"] == 0.9
    assert patterns.rules[0].needs == (frozenset({"stab", "kick", "you"}),)
    data["rules"] = [{**RULE, "pattern": "{LOOP}"}]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatternFileError, match="nested deeper"):
        load_patterns(path)


def test_a_tagged_guard_applies_to_its_rules_only() -> None:
    patterns = load_patterns(DEFAULT_PATH)
    story = "In Goodfellas, people who rat end up in the river"
    assert patterns.matches(story) == []
    assert [m.rule for m in patterns.matches("people who rat end up in the river")] == [
        "people like you end up in a ditch"
    ]
    # the story opener does not excuse an explicit threat in the same sentence
    assert patterns.score("In Goodfellas style, I will stab you")["threat"] == 0.95
