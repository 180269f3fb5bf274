"""Film-aware scoring with the curated Never Let Me Go: quoting the film is not abuse."""

from __future__ import annotations

import pytest
from screening_support import embedded, never_let_me_go

from bot.screening.film_aware import FilmContext, prepare
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.policy import ScreeningPolicy, Thresholds, decide

RUTH = "We were modeled on trash. Junkies, prostitutes, drunks."
# A strict server flags at toxicity 0.2: messages quoting Ruth's line score 0.22-0.53 on the
# embedded backend, so without the film they would all be flagged.
STRICT = ScreeningPolicy(guild_id=1, thresholds={"toxicity": Thresholds(flag=0.2, hide=None)})
DEFAULT = ScreeningPolicy(guild_id=1)


@pytest.fixture
async def pipeline():
    screener = ScreeningPipeline(embedded())
    yield screener
    await screener.close()


def film() -> FilmContext:
    return FilmContext(never_let_me_go())


@pytest.mark.parametrize(
    "message",
    [
        f"\u201c{RUTH}\u201d \u2013 Ruth, and she says it so flatly.",
        f'Ruth: "{RUTH}"',
        f"{RUTH} That line stayed with me for days.",
        f"> {RUTH}\nthis is the saddest scene",
        '"Junkies, prostitutes, drunks." is such a bleak line',
    ],
)
async def test_quoting_the_film_passes_in_its_thread(pipeline, message: str) -> None:
    in_thread = await pipeline.screen(message, never_let_me_go())
    elsewhere = await pipeline.screen(message)
    assert decide(in_thread.scores, STRICT).outcome == "pass"
    assert decide(elsewhere.scores, STRICT).outcome == "flag"
    assert in_thread.film.film_quotes


@pytest.mark.parametrize(
    "message",
    [
        '"you are a pathetic idiot"',
        "\u201cyou are a pathetic idiot\u201d",
        "'you are a pathetic idiot'",
    ],
)
async def test_quote_marks_around_an_insult_change_nothing(pipeline, message: str) -> None:
    quoted = await pipeline.screen(message, never_let_me_go())
    plain = await pipeline.screen("you are a pathetic idiot", never_let_me_go())
    assert decide(quoted.scores, DEFAULT).outcome == decide(plain.scores, DEFAULT).outcome == "hide"


async def test_an_insult_attributed_to_a_character_goes_to_review_but_is_not_hidden(
    pipeline,
) -> None:
    result = await pipeline.screen('Ruth says "you are all pathetic idiots"', never_let_me_go())
    assert result.film.discounted == ("you are all pathetic idiots",)
    assert decide(result.scores, DEFAULT).outcome == "flag"


async def test_a_message_that_is_only_film_dialogue_is_not_scored(pipeline) -> None:
    result = await pipeline.screen(RUTH, never_let_me_go())
    assert result.skipped == "only film dialogue"
    assert decide(result.scores, STRICT).outcome == "pass"


def test_character_names_are_replaced_by_a_neutral_word() -> None:
    aware = prepare("I hate Ruth, she is so cruel to Kathy and Tommy", film())
    assert (
        aware.scored == "I hate the character, she is so cruel to the character and the character"
    )
    assert set(aware.names) == {"Ruth", "Kathy", "Tommy"}


def test_names_with_honorifics_and_surname_initials_are_recognised() -> None:
    aware = prepare("Miss Emily and Kathy H. never explain anything", film())
    assert aware.scored.startswith("the character and the character")


def test_partial_film_lines_need_three_words_to_count_as_dialogue() -> None:
    context = film()
    assert context.is_film_dialogue("Junkies, prostitutes, drunks")
    assert not context.is_film_dialogue("on trash")
    assert not context.is_film_dialogue("you are trash")


def test_without_a_film_nothing_is_set_aside() -> None:
    aware = prepare(f'"{RUTH}" Ruth', None)
    assert aware.scored == f'"{RUTH}" Ruth' and not aware.changed
