"""What the bot keeps of typed text (`clean_typed`) and how it quotes refused input back
(`typed_back`): nothing hidden, nothing reordered, nothing that pings or breaks the quote."""

from __future__ import annotations

import pytest

from bot.text import clean_typed, escape_markdown, joined, typed_back


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eSpoiled the ending", "Spoiled the ending"),
        ("zero\u200bwidth\u2060 and \ufeffmarks\u200f", "zerowidth and marks"),
        ("  two\nlines\tand a tab  ", "two\nlines\tand a tab"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("z" + "\u0301" * 50 + "algo", "z\u0301\u0301algo"),
        ("café naïve", "café naïve"),  # ordinary accents stay
        ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),  # emoji joiners stay
        ("\u200b\u202e", ""),
    ],
)
def test_clean_typed_drops_what_hides_or_reorders_text(typed, kept):
    assert clean_typed(typed) == kept


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("-5m", "`-5m`"),
        ("\u202egnikcah", "`gnikcah`"),
        ("a ``` b", "`a ˋˋˋ b`"),
        ("@everyone <@&42>", "`@\u200beveryone <@\u200b&42>`"),
        ("line one\nline two", "`line one line two`"),
        ("", "`(nothing)`"),
        ("x" * 200, "`" + "x" * 79 + "…`"),
    ],
)
def test_typed_back_is_one_short_inert_code_span(typed, shown):
    assert typed_back(typed) == shown


def test_escape_markdown_drops_direction_overrides():
    assert escape_markdown("\u202eReversed\u2066 Road") == "Reversed Road"


def test_joined_reads_as_a_sentence():
    assert [joined(["a"]), joined(["a", "b"]), joined(["a", "b", "c"])] == [
        "a",
        "a and b",
        "a, b and c",
    ]
