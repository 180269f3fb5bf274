"""Spoiler tags and splitting: examples a reader would meet, and properties over any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import limits
from bot.spoilers.format import (
    Document,
    compose,
    hidden_text,
    split_embeds,
    split_message,
    spoiler,
    unhidden_text,
    visible_text,
)
from bot.text import ZERO_WIDTH_SPACE, escape_markdown, neutralise_mentions

_DISCORD_SPOILER = re.compile(r"\|\|([\s\S]+?)\|\|")


def discord_spoilers(markdown: str) -> tuple[str, str]:
    """(shown, hidden) characters the way Discord's rules read spoilers and escapes.

    Written independently of the code under test: top-level escapes first, then the raw
    non-greedy spoiler rule; escapes inside a spoiler are resolved too.
    """
    shown, hidden, i = [], [], 0
    while i < len(markdown):
        escaped = markdown[i + 1] if markdown[i] == "\\" and i + 1 < len(markdown) else "a"
        if not escaped.isalnum() and not escaped.isspace():
            shown.append(escaped)
            i += 2
            continue
        match = _DISCORD_SPOILER.match(markdown, i)
        if match:
            hidden.append(re.sub(r"\\([^0-9A-Za-z\s])", r"\1", match.group(1)))
            i = match.end()
            continue
        shown.append(markdown[i])
        i += 1
    clean = lambda parts: "".join(parts).replace(ZERO_WIDTH_SPACE, "")  # noqa: E731
    return clean(shown), clean(hidden)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- examples -------------------------------------------------------------------------------


def test_pipes_inside_cannot_close_the_spoiler_early():
    tagged = spoiler("Ruth || completes || and then Tommy")
    shown, hidden = discord_spoilers(tagged)
    assert squeeze(shown) == ""
    assert "Tommy" in hidden and "Ruth" in hidden


def test_a_lone_pipe_or_backslash_at_the_edge_stays_inside():
    for text in ("ends with |", "| starts with", "ends with \\"):
        shown, hidden = discord_spoilers(spoiler(text))
        assert squeeze(shown) == ""
        assert squeeze(hidden) == squeeze(text)


def test_code_and_markdown_inside_a_spoiler_stay_intact():
    tagged = spoiler("**Tommy** screams in the `field || road`")
    assert tagged.startswith("||**Tommy**")
    assert "`field |" + ZERO_WIDTH_SPACE + "| road`" in tagged
    assert visible_text(tagged) == "Tommy screams in the field || road"


def test_whitespace_only_text_is_not_tagged():
    assert spoiler("  \n ") == "  \n "


def test_compose_keeps_neighbouring_pipes_out_of_the_tags():
    markdown = compose([("a |", False), ("secret", True), ("| b", False)])
    shown, hidden = discord_spoilers(markdown)
    assert hidden == "secret"
    assert shown == "a || b"


def test_long_spoiler_is_reopened_in_every_part():
    words = " ".join(f"Ruth{i}" for i in range(400))
    parts = split_message(compose([("Premise.\n\n", False), (words, True)]))
    assert len(parts) > 1
    assert all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    for part in parts[1:]:
        assert part.startswith("||") and part.rstrip().endswith("||")


def test_four_thousand_characters_with_everyone_fit_and_do_not_ping():
    text = neutralise_mentions("@everyone " + "spoiler || text " * 250)
    parts = split_message(spoiler(text))
    assert len(text) > 4000
    assert all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    assert not any("@everyone" in p for p in parts)
    assert squeeze("".join(discord_spoilers(p)[0] for p in parts)) == ""


def test_code_block_split_reopens_the_fence_with_its_language():
    code = "```py\n" + "\n".join(f"    total += {i}" for i in range(300)) + "\n```"
    parts = split_message(code)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("```py\n") and part.rstrip().endswith("```")
        assert len(part) <= limits.MESSAGE_CONTENT
    # lines keep their indentation: no part starts in the middle of a line
    assert all(p[len("```py\n") :].startswith("    total") for p in parts)


def test_bold_span_is_not_cut_when_a_plain_break_is_available():
    text = "plain words " * 10 + "**a bold phrase that should stay whole** and more words" * 3
    for part in split_message(text, 120):
        assert part.count("**") % 2 == 0


def test_embeds_fit_description_total_and_count():
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(80))
    groups = split_embeds(text, reserved_per_embed=40)
    assert sum(len(g) for g in groups) > 10
    for group in groups:
        assert len(group) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(d) + 40 for d in group) <= limits.EMBED_TOTAL
        assert all(len(d) <= limits.EMBED_DESCRIPTION for d in group)
    assert squeeze("".join(visible_text(d) for g in groups for d in g)) == squeeze(text)


def test_hide_ranges_tags_sentences_inside_formatting():
    doc = Document.parse("**Ruth dies. Later** Tommy is fine.")
    start = doc.text.index("Ruth")
    tagged = doc.hide([(start, start + len("Ruth dies."))]).render()
    assert hidden_text(tagged) == "Ruth dies."
    assert visible_text(tagged) == "Ruth dies. Later Tommy is fine."


def test_mentions_are_neutralised_but_still_readable():
    text = neutralise_mentions("hi @everyone @here <@123> <@!456> <@&789> mail@here.com")
    assert "@everyone" not in text and "<@123>" not in text and "<@&789>" not in text
    assert text.replace(ZERO_WIDTH_SPACE, "") == (
        "hi @everyone @here <@123> <@!456> <@&789> mail@here.com"
    )


def test_escape_markdown_shows_catalog_text_literally():
    assert visible_text(escape_markdown("a *b* ||c|| `d` \\ e")) == "a *b* ||c|| `d` \\ e"


# --- properties -----------------------------------------------------------------------------

PIPES = st.text(alphabet="ab |\\\n", max_size=120)
RICH = st.text(alphabet="abc  *_~`|\\\n>[]().#", max_size=300)
SEGMENTS = st.lists(st.tuples(st.text(alphabet="ab |\\\n", max_size=80), st.booleans()), max_size=8)


@settings(max_examples=300, deadline=None)
@given(PIPES)
def test_property_user_text_never_breaks_out_of_its_spoiler(text):
    shown, hidden = discord_spoilers(spoiler(text))
    assert squeeze(shown) == ""
    assert squeeze(hidden) == squeeze(visible_text(text))


@settings(max_examples=300, deadline=None)
@given(SEGMENTS, st.integers(min_value=12, max_value=300))
def test_property_split_parts_fit_and_hide_exactly_the_hidden_text(segments, limit):
    pieces = [(escape_markdown(text), hidden) for text, hidden in segments]
    parts = split_message(compose(pieces), limit)
    assert all(len(part) <= limit for part in parts)
    shown = "".join(discord_spoilers(p)[0] for p in parts)
    hidden = "".join(discord_spoilers(p)[1] for p in parts)
    expect_hidden = "".join(t for t, h in segments if h and t.strip())
    expect_shown = "".join(t for t, h in segments if not (h and t.strip()))
    assert squeeze(hidden) == squeeze(expect_hidden)
    assert squeeze(shown) == squeeze(expect_shown)


@settings(max_examples=300, deadline=None)
@given(RICH, st.booleans(), st.integers(min_value=24, max_value=400))
def test_property_split_rich_markdown_keeps_text_and_closes_spoilers(text, hide, limit):
    markdown = spoiler(text) if hide else text
    parts = split_message(markdown, limit)
    assert all(len(part) <= limit for part in parts)
    if not Document.parse(markdown).text.strip():
        assert parts == []
        return
    assert "".join(visible_text(p) for p in parts) == visible_text(markdown)
    for part in parts:
        doc = Document.parse(part)
        literal = [f.text for f in doc.fragments if not any(w.kind == "code" for w in f.stack)]
        assert not any("||" in piece for piece in literal)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=10), min_size=1, max_size=80),
    st.lists(st.sampled_from([" ", "\n", ". ", "\n\n"]), min_size=80, max_size=80),
    st.integers(min_value=40, max_value=200),
)
def test_property_no_word_is_cut(words, gaps, limit):
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    parts = split_message(spoiler(text), limit)
    seen = [visible_text(p) for p in parts]
    assert "".join(seen) == visible_text(spoiler(text))
    for visible in seen[:-1]:
        assert visible[-1].isspace()


PATHOLOGICAL = {
    "stars": "*" * 4000,
    "open-bold": "**a " * 1000,
    "underscores": "_a " * 1333,
    "backticks": "`a" * 2000,
    "pipes": "|" * 4000,
    "backslashes": "\\" * 4000,
    "mixed": "*_~`|x" * 700,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markup_still_splits_within_limits(text):
    parts = split_message(text)
    assert all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    # a wall of markers may pair up differently once cut; the words themselves survive
    words = lambda t: re.sub(r"[*_~`|\\\s]", "", t)  # noqa: E731
    assert words("".join(visible_text(p) for p in parts)) == words(visible_text(text))
    shown, hidden = discord_spoilers(spoiler(text))
    assert squeeze(shown) == ""


def test_tags_that_would_cross_emphasis_grow_to_the_whole_span():
    doc = Document.parse("*Great film. Tommy dies at the end* ok")
    start = doc.text.index("Tommy")
    tagged = doc.hide([(start, len(doc.text))]).render()
    assert tagged == "||*Great film. Tommy dies at the end* ok||"
    doc = Document.parse("**So good. Tommy dies** ok")  # bold may close after a space: kept
    start = doc.text.index("Tommy")
    assert doc.hide([(start, start + 10)]).render() == "**So good. **||**Tommy dies**|| ok"


def test_a_url_swallows_glued_bars_and_a_tag_never_cuts_a_url():
    doc = Document.parse("https://example.com/review||Tommy dies at the end||")
    assert not any(doc.hidden())  # Discord shows it all
    start = doc.text.index("Tommy")
    tagged = doc.hide([(start, len(doc.text))]).render()
    assert tagged.startswith("||https://example.com/review")
    assert unhidden_text(tagged) == ""
