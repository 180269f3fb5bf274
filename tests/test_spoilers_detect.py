"""Spoiler detection on Never Let Me Go: what is caught, what is left alone, the rewrite."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.films.curated import load_curated
from bot.films.model import Film, FilmDetails
from bot.spoilers.detect import SpoilerDetector, guard_note, plot_points, sentences
from bot.spoilers.format import hidden_text, visible_text
from bot.spoilers.model import Sensitivity, parse_sensitivity


@pytest.fixture(scope="module")
def nlmg() -> FilmDetails:
    return next(d for d in load_curated() if d.film.title == "Never Let Me Go")


@pytest.fixture(scope="module")
def detector(nlmg) -> SpoilerDetector:
    return SpoilerDetector(nlmg, Sensitivity.MEDIUM)


def test_plot_points_come_from_the_catalog(nlmg):
    points = plot_points(nlmg)
    assert {"deferral", "donat", "complet", "soul"} <= set(points.key_terms)
    assert points.names[("cathy",)] == "Kathy H."
    assert points.names[("garfield",)] == "Tommy D."
    assert points.names[("emily",)] == "Miss Emily"
    # words the spoiler-free premise already uses are not plot points
    assert "hailsham" not in points.key_terms and "clon" not in points.key_terms


@pytest.mark.parametrize(
    "sentence",
    [
        "Tommy dies at the end.",
        "ruth dies before the others",
        "Garfield's character doesn't survive his final donation and dies.",
        "There is no such thing as a deferral.",
        "Ruth completes her donations.",
    ],
)
def test_revealing_sentences_are_caught(detector, sentence):
    assert detector.is_spoiler(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Carey Mulligan plays Kathy with a stillness that is almost unbearable.",
        "The story follows Kathy, Ruth, and Tommy at a boarding school called Hailsham.",
        "The soundtrack by Rachel Portman is gorgeous.",
        "It's a film about human cloning, told very quietly.",
    ],
)
def test_sentences_that_give_nothing_away_pass(detector, sentence):
    assert not detector.is_spoiler(sentence)


def test_sensitivity_ladder(nlmg):
    sentence = "Kathy goes to the headmistress."
    scores = {s: SpoilerDetector(nlmg, s).is_spoiler(sentence) for s in Sensitivity}
    assert scores == {Sensitivity.LOW: False, Sensitivity.MEDIUM: True, Sensitivity.HIGH: True}
    assert SpoilerDetector(nlmg, "low").is_spoiler("In the end Tommy dies.")


def test_text_already_tagged_is_ignored(detector):
    assert detector.find_reveals("||Tommy dies.|| What a film.") == []


def test_guard_tags_only_the_revealing_sentences(detector):
    comment = "Great film. Ruth completes her donations early! Loved the music. @everyone watch it"
    result = detector.guard(comment)
    assert [r.sentence for r in result.reveals] == ["Ruth completes her donations early!"]
    assert hidden_text(result.rewritten) == "Ruth completes her donations early!"
    assert visible_text(result.rewritten).replace("\u200b", "") == comment
    assert "@everyone" not in result.rewritten
    assert result.parts == [result.rewritten]


def test_neighbouring_reveals_share_one_tag_and_formatting_survives(detector):
    result = detector.guard("**Tommy dies.** Kathy becomes a donor. The end was sad.")
    assert result.rewritten.startswith("||**Tommy dies.** Kathy becomes a donor.||")
    assert result.rewritten.count("||") == 2


def test_nothing_to_hide_leaves_no_rewrite(detector):
    result = detector.guard("What a gorgeous, quiet film.")
    assert not result.reveals_anything and result.rewritten is None and result.parts == []


def test_film_without_summary_still_catches_the_shapes_of_a_reveal():
    bare = FilmDetails(Film(id=3, title="Unknown", year=1990))
    assert SpoilerDetector(bare, "medium").find_reveals("Everyone dies at the end.")
    assert not SpoilerDetector(bare, "medium").find_reveals("The ending is gorgeous.")
    assert SpoilerDetector(bare, "high").find_reveals("The ending is gorgeous.")


def test_sentence_split_keeps_initials_and_titles_together():
    text = "Kathy H. narrates. Mr. Smith? No!\nTommy D. screams"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Kathy H. narrates.",
        "Mr. Smith?",
        "No!",
        "Tommy D. screams",
    ]


def test_note_to_the_author_explains(detector):
    result = detector.guard("Tommy dies. Ruth completes.")
    note = guard_note("Never Let Me Go (2010)", result)
    assert "Never Let Me Go (2010)" in note and "1 sentence" not in note
    assert "Tommy" in note and "original text is kept" in note


def test_unknown_sensitivity_is_refused():
    with pytest.raises(InvalidInput, match="low, medium, high"):
        parse_sensitivity("extreme")
