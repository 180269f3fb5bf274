"""Lists members page through: the watchlist, a film's reviews, a member's reviews."""

from __future__ import annotations

from collections.abc import Sequence

from bot.community.model import WatchlistEntry
from bot.films.cards import Line
from bot.render import timestamp
from bot.text import escape_markdown

LINES_PER_PAGE = 10


def paged(lines: Sequence[str], empty: str) -> list[list[Line]]:
    """Lines in pages of ten (what cogs/_ui.Paginator turns), or one page saying `empty`."""
    if not lines:
        return [[Line(empty)]]
    return [
        [Line(text) for text in lines[start : start + LINES_PER_PAGE]]
        for start in range(0, len(lines), LINES_PER_PAGE)
    ]


def watchlist_lines(entries: Sequence[WatchlistEntry]) -> list[str]:
    """ "1. Never Let Me Go (2010) · suggested by @Alice, <date>" (mentions never ping)."""
    return [
        f"{i}. {escape_markdown(e.film_label)} · suggested by <@{e.suggested_by}> "
        f"{timestamp(e.added_at, 'R')}"
        for i, e in enumerate(entries, 1)
    ]
