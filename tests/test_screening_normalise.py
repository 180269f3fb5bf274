"""Normalisation: evasions are undone, ordinary text is left alone, and scores follow."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screening_support import embedded

from bot.screening.normalise import normalise
from bot.screening.policy import ScreeningPolicy, decide

PLAIN = "you are an idiot"
EVASIONS = {
    "zero-width characters": "you are an i\u200bd\u200ci\u200do\u2060t",
    "soft hyphens and BOM": "you are an id\u00adi\ufeffot",
    "Cyrillic look-alikes": "y\u043eu \u0430r\u0435 \u0430n \u0456di\u043et",
    "Greek look-alikes": "y\u03bfu are an \u03b9di\u03bft",
    "full-width letters": "\uff59\uff4f\uff55 \uff41\uff52\uff45 \uff41\uff4e \uff49\uff44\uff49\uff4f\uff54",
    "mathematical bold": "\U0001d432\U0001d428\U0001d42e are an \U0001d422\U0001d41d\U0001d422\U0001d428\U0001d42d",
    "small capitals": "you are an \u026a\u1d05\u026a\u1d0f\u1d1b",
    "leetspeak": "y0u 4re an 1d10t",
    "stretched letters": "youuuuu are an idiooooooot",
    "spaced letters": "you are an i d i o t",
    "dotted letters": "you are an i.d.i.o.t",
    "markdown": "**you** are an __*idiot*__",
    "spoiler bars": "you are an ||idiot||",
    "split markdown": "you are an i*di*ot",
    "stacked accents": "you are an i\u0334d\u0334i\u0334o\u0334t\u0334",
    "code span": "you are an `idiot`",
}


@pytest.mark.parametrize("kind", sorted(EVASIONS))
def test_each_evasion_normalises_to_the_plain_text(kind: str) -> None:
    result = normalise(EVASIONS[kind])
    assert result.text.lower() == PLAIN
    assert result.changed


@pytest.mark.parametrize("kind", sorted(EVASIONS))
def test_an_evasion_scores_and_is_decided_like_the_plain_insult(kind: str) -> None:
    backend = embedded()
    plain, evaded = backend.score([normalise(PLAIN).text, normalise(EVASIONS[kind]).text])
    assert evaded["insult"] == pytest.approx(plain["insult"], abs=0.02)
    policy = ScreeningPolicy(guild_id=1)
    assert decide(evaded, policy).outcome == decide(plain, policy).outcome == "hide"


def test_without_normalising_the_evasions_would_slip_through() -> None:
    # Shows the problem normalisation solves: the raw evasions score as harmless.
    raw = embedded().score([EVASIONS["leetspeak"], EVASIONS["Cyrillic look-alikes"]])
    assert all(scores["insult"] < 0.5 for scores in raw)


@pytest.mark.parametrize(
    "text",
    [
        "I saw it in 2010 and again in the 80s remake, 4k blu-ray, 28 Days Later too.",
        "Carey Mulligan is amazing as only she can be.",
        "Ты смотрел этот фильм? Очень грустный.",
        "Ο Ισιγκούρο έγραψε το βιβλίο.",
        "Good film",
        "Is it 3/4 or 4/4? My rating: 2/4.",
    ],
)
def test_ordinary_text_is_left_as_written(text: str) -> None:
    assert normalise(text).text == text


def test_links_mentions_and_custom_emoji_are_replaced_by_neutral_words() -> None:
    result = normalise("<@123> look https://example.com/x?a=1 <:sad_face:99> <#5> <t:1700000000:R>")
    assert result.text == "@member look sad face #channel"


def test_block_quotes_become_quotation_marks() -> None:
    assert normalise("> we all complete\nso true").text == "\u201cwe all complete\u201d\nso true"


def test_emoji_only_link_only_and_empty_messages_have_no_words() -> None:
    for text in [
        "",
        "   ",
        "\U0001f602\U0001f602\U0001f525",
        "https://example.com/a",
        "\u200b\u200b",
    ]:
        assert not normalise(text).has_words


def test_the_middle_finger_emoji_reads_as_what_it_means() -> None:
    assert "fuck you" in normalise("\U0001f595").text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_normalise_never_fails_and_leaves_no_invisible_characters(text: str) -> None:
    result = normalise(text)
    assert not any(ch in result.text for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad")
