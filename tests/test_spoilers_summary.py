"""The summary a discussion opens with, and `/film summary`: premise plain, the rest hidden."""

from __future__ import annotations

import re

import pytest

from bot import limits
from bot.errors import InvalidInput
from bot.films.curated import load_curated
from bot.films.model import Film, FilmDetails, SpoilerLevel, SummarySection
from bot.spoilers.format import hidden_text, visible_text
from bot.spoilers.summary import (
    NO_SUMMARY,
    REVEAL_HINT,
    Depth,
    parse_depth,
    render_summary,
)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def nlmg() -> FilmDetails:
    return next(d for d in load_curated() if d.film.title == "Never Let Me Go")


def test_full_summary_hides_every_later_section_and_shows_the_premise(nlmg):
    parts = render_summary(nlmg)
    assert all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    shown = squeeze("".join(visible_text(p) for p in parts))
    hidden = squeeze("".join(hidden_text(p) for p in parts))
    for section in nlmg.summary:
        text = squeeze(section.text)
        if section.level == SpoilerLevel.PREMISE:
            assert text in shown and text not in hidden
        else:
            assert text in hidden
            assert squeeze(section.heading) in hidden
    joined = "".join(parts)
    assert joined.index(REVEAL_HINT) < joined.index("||")
    assert "Never Let Me Go (2010)" in parts[0]


def test_premise_depth_leaves_the_plot_out(nlmg):
    parts = render_summary(nlmg, Depth.PREMISE)
    joined = "".join(parts)
    assert "||" not in joined
    assert "deferral" not in joined.lower()
    later = sum(1 for s in nlmg.summary if s.level != SpoilerLevel.PREMISE)
    assert f"{later} more sections give the plot away" in joined


def test_film_without_summary_says_so():
    details = FilmDetails(Film(id=7, title="Obscure Short", year=1999))
    assert render_summary(details) == [f"**Summary: Obscure Short (1999)**\n{NO_SUMMARY}"]


def test_long_spoiler_section_is_split_with_tags_reopened():
    long_text = " ".join(f"Event {i} happens to Ruth." for i in range(600))
    details = FilmDetails(
        Film(id=1, title="Long", year=2001),
        summary=(
            SummarySection("Setup", "A plain premise.", SpoilerLevel.PREMISE),
            SummarySection("Everything", long_text, SpoilerLevel.ENDING),
        ),
    )
    parts = render_summary(details)
    assert len(parts) >= 8
    assert all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    assert squeeze("".join(hidden_text(p) for p in parts)).endswith(squeeze(long_text))
    for part in parts[1:]:
        assert part.startswith("||") and part.rstrip().endswith("||")


def test_catalog_text_cannot_ping_or_break_tags():
    details = FilmDetails(
        Film(id=2, title="Trap *Film*", year=2020),
        summary=(
            SummarySection("Start", "@everyone look || here", SpoilerLevel.PREMISE),
            SummarySection("Twist", "It was <@&42> all || along *really*", SpoilerLevel.LATER),
        ),
    )
    joined = "".join(render_summary(details))
    assert "@everyone" not in joined and "<@&42>" not in joined
    assert "Trap *Film* (2020)" in visible_text(joined)
    assert squeeze(hidden_text(joined)) == squeeze("Twist It was <@&42> all || along *really*")


def test_unknown_depth_is_refused_with_the_choices():
    assert parse_depth(" Premise ") is Depth.PREMISE
    with pytest.raises(InvalidInput, match="premise, full"):
        parse_depth("everything")
