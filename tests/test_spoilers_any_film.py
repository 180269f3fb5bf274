"""The guard for any film: reveal cues without a plot, evasions, line breaks, identities,
moderators' and learned terms (core, no Discord)."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.films.model import Credit, Film, FilmDetails, SpoilerLevel, SummarySection
from bot.spoilers.cues import cue_score
from bot.spoilers.detect import SpoilerDetector
from bot.spoilers.model import SpoilerTerm
from bot.spoilers.terms import ExtraTerms, tagged_terms, term_key, validate_term

BARE = FilmDetails(Film(id=9, title="Somefilm", year=2001))

REVEALS = [
    "The twist is that he was the patient all along, and he chooses the lobotomy.",
    "Turns out the butler was the father.",
    "She was dead all along.",
    "They had been ghosts the whole time.",
    "In the final shot, the top keeps spinning.",
    "The detective is really the killer.",
    "It was all a dream.",
    "Spoiler: the dog dies.",
    "The old man is revealed to be her brother.",
    "He killed his own wife and forgot it.",
    "Everyone dies at the end.",
    "The twist at the end is that she lied.",
    "The killer is his mother.",
    "Darth Vader is Luke's father.",
]
HARMLESS = [
    "The twist is great.",
    "It turns out to be a great film.",
    "I was crying the whole time.",
    "The final shot is gorgeous.",
    "It's really a film about grief.",
    "She kills it in this role.",
    "The acting is really good.",
    "A detective investigates a murder in a small town.",
    "I died laughing at the dinner scene.",
    "The score is haunting and the pacing is patient.",
    "The pacing kills the tension.",
    "He is actually a decent actor.",
    "The villain is the best part.",
    "The twist at the end is so good.",
]


@pytest.mark.parametrize("sentence", REVEALS)
def test_reveal_shapes_count_at_medium_for_a_film_without_a_plot(sentence):
    assert SpoilerDetector(BARE, "medium").is_spoiler(sentence)


@pytest.mark.parametrize("sentence", HARMLESS)
def test_praise_and_premise_talk_are_not_reveals(sentence):
    assert not SpoilerDetector(BARE, "medium").is_spoiler(sentence)


def test_hints_count_only_at_high():
    assert cue_score("by the end i was exhausted")[0] == 1
    assert not SpoilerDetector(BARE, "medium").is_spoiler("The ending is gorgeous.")
    assert SpoilerDetector(BARE, "high").is_spoiler("The ending is gorgeous.")


@pytest.fixture(scope="module")
def moon() -> FilmDetails:
    film = Film(id=5, title="Moon", year=2009, synopsis="A man works alone on a lunar base.")
    plot = (
        "Sam wakes in the infirmary and finds an injured man in the crashed rover who looks "
        "exactly like him. The two realise they are clones of the original Sam Bell. A hidden "
        "vault holds hundreds of sleeping duplicates; each is incinerated when his contract ends."
    )
    return FilmDetails(
        film,
        credits=(Credit("Sam Rockwell", "cast", "Sam Bell", order=1),),
        summary=(
            SummarySection("Premise", "A man works alone on a lunar base.", SpoilerLevel.PREMISE),
            SummarySection("Plot", plot, SpoilerLevel.LATER),
        ),
    )


@pytest.mark.parametrize(
    "evasion",
    [
        "the guy in the rover is another cl\u200bone",  # zero-width space
        "the guy in the rover is another c l o n e",  # spaced-out letters
        "the guy in the rover is another cl\u043ene",  # Cyrillic о
        "the guy in the rover is another c1one",  # leetspeak
        "the guy\nin the rover\nis another\nclone",  # a few words per line
    ],
)
def test_evasions_are_undone_before_scoring(moon, evasion):
    detector = SpoilerDetector(moon, "medium")
    assert detector.find_reveals(evasion), evasion
    result = detector.guard(evasion)
    assert result.rewritten is not None and "||" in result.rewritten


def test_short_lines_are_joined_but_sentences_are_not(moon):
    detector = SpoilerDetector(moon, "medium")
    (reveal,) = detector.find_reveals("so\nSam Bell\nis a clone")
    assert reveal.sentence == "so\nSam Bell\nis a clone"
    reveals = detector.find_reveals("Great film.\nSam Rockwell is superb.\nThe clones though.")
    assert [r.sentence for r in reveals] == ["The clones though."]


def test_a_double_identity_named_together_is_a_reveal():
    film = FilmDetails(
        Film(id=6, title="Isle", year=2010),
        credits=(Credit("Leo Actor", "cast", "Teddy Daniels / Andrew Laeddis", order=1),),
    )
    detector = SpoilerDetector(film, "low")
    assert detector.score("Teddy doesn't know he's Andrew.")[0] == 3
    assert not detector.is_spoiler("Teddy is a great character.")


def test_one_character_is_another():
    film = FilmDetails(
        Film(id=7, title="Club", year=1999),
        credits=(
            Credit("Ed Actor", "cast", "the Narrator", order=1),
            Credit("Brad Actor", "cast", "Tyler Durden", order=2),
        ),
    )
    score, reasons = SpoilerDetector(film).score("The narrator is Tyler.")
    assert score == 2 and "one character is another" in reasons[0]
    assert not SpoilerDetector(film).is_spoiler("Brad Actor is Tyler and he is brilliant.")


def test_moderators_terms_always_count_and_learned_ones_like_plot_words():
    extra = ExtraTerms(
        forced=(SpoilerTerm("Rosebud", term_key("Rosebud")),),
        learned=(SpoilerTerm("the sled", term_key("the sled"), members=3),),
    )
    low = SpoilerDetector(BARE, "low")
    assert low.score("Rosebud, wow.", extra) == (3, ("spoiler term: Rosebud",))
    assert SpoilerDetector(BARE, "medium").score("That sled!", extra)[0] == 2
    assert not low.is_spoiler("That sled!", extra)
    assert not low.is_spoiler("Rosebud, wow.")


def test_tagged_terms_are_short_spans_or_rare_words():
    terms = tagged_terms(
        "Wow ||Rosebud|| and ||the butler poisons the archduke with hemlock|| ||Tommy dies||",
        known_names=frozenset({"tommy"}),
    )
    assert [t.text for t in terms] == ["Rosebud", "archduke", "hemlock"]
    assert tagged_terms("no tags here") == []


def test_term_validation_is_precise():
    assert validate_term("  The **Sled**  ") == SpoilerTerm("The **Sled**", "sled")
    with pytest.raises(InvalidInput, match="at most 100"):
        validate_term("x" * 101)
    with pytest.raises(InvalidInput, match="letters"):
        validate_term("1234 !!")
