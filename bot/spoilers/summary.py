"""A film's summary as Discord messages: the premise in plain text, the rest behind spoilers.

Used for the opening message of a discussion thread and for `/film summary`. Each later or
ending section sits inside its own spoiler tags (its heading too, since headings can give the
plot away), under a plain label saying how far into the film it goes.
"""

from __future__ import annotations

from enum import StrEnum

from bot import limits
from bot.errors import InvalidInput
from bot.films.model import FilmDetails, SpoilerLevel, SummarySection
from bot.films.wikipedia.details import credit_line
from bot.spoilers.format import Document, compose_document
from bot.text import escape_markdown, neutralise_mentions

REVEAL_HINT = "Spoilers below: click or tap the black bars to reveal them."
NO_PREMISE = "No spoiler-free premise yet."
# One line for a film without a plot, saying how a moderator adds one.
NO_PLOT = (
    "No plot for this film yet: a moderator can write one with `/film plot`, or import "
    "Wikipedia's with `python -m bot catalog import wikipedia FILE`."
)
NO_SUMMARY = NO_PLOT


class Depth(StrEnum):
    PREMISE = "premise"
    FULL = "full"


def parse_depth(value: str) -> Depth:
    """The depth named by a user; InvalidInput naming the choices otherwise."""
    try:
        return Depth(value.strip().lower())
    except ValueError:
        choices = ", ".join(d.value for d in Depth)
        raise InvalidInput(f"Unknown depth {value!r}: choose one of {choices}.") from None


def _plain(text: str) -> str:
    """Catalog text shown literally: markdown characters escaped, mentions made inert."""
    return neutralise_mentions(escape_markdown(text.strip()))


def _premise_pieces(sections: list[SummarySection]) -> list[tuple[str, bool]]:
    if not sections:
        return [(NO_PREMISE + "\n\n", False)]
    pieces = []
    for section in sections:
        pieces.append((f"**{_plain(section.heading)}**\n{_plain(section.text)}\n\n", False))
    return pieces


def _spoiler_pieces(sections: list[SummarySection]) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = [(REVEAL_HINT + "\n\n", False)]
    label = None
    for section in sections:
        if section.level.label != label:
            label = section.level.label
            pieces.append((f"__{label.capitalize()}__\n", False))
        pieces.append((f"**{_plain(section.heading)}**\n{_plain(section.text)}", True))
        pieces.append(("\n\n", False))
    return pieces


def summary_document(details: FilmDetails, depth: Depth = Depth.FULL) -> Document:
    """The summary as one document (premise plain, later sections hidden), not yet split.
    The premise falls back to the film's synopsis (e.g. TMDB's overview), never to the plot;
    text from Wikipedia ends with its CC BY-SA credit."""
    title = f"**Summary: {_plain(details.film.label)}**\n"
    premise = [s for s in details.summary if s.level == SpoilerLevel.PREMISE]
    if not premise and details.film.synopsis:
        premise = [SummarySection("Premise", details.film.synopsis, SpoilerLevel.PREMISE)]
    later = sorted(
        (s for s in details.summary if s.level != SpoilerLevel.PREMISE), key=lambda s: s.level
    )
    if not premise and not later:
        return compose_document([(title + NO_PLOT, False)])
    pieces = [(title, False), *_premise_pieces(premise)]
    if not later:
        pieces.append((NO_PLOT + "\n\n", False))
    elif depth == Depth.FULL:
        pieces += _spoiler_pieces(later)
    else:
        count = len(later)
        noun = "section" if count == 1 else "sections"
        pieces.append(
            (
                f"{count} more {noun} give the plot away: ask for the full summary to see "
                "them behind spoiler tags.\n\n",
                False,
            )
        )
    credit = credit_line(details)
    if credit:
        pieces.append((credit, False))
    return compose_document(pieces)


def render_summary(
    details: FilmDetails,
    depth: Depth = Depth.FULL,
    *,
    limit: int = limits.MESSAGE_CONTENT,
) -> list[str]:
    """Message contents (each at most `limit` characters) for the film's summary."""
    return summary_document(details, depth).split(limit)


PUBLIC_SUMMARY_PARTS = 3  # how many messages a public summary may post before pointing on


def capped_for_channel(
    messages: list[str], label: str, cap: int = PUBLIC_SUMMARY_PARTS
) -> list[str]:
    """A public summary's messages: the first `cap`, then one saying how to read the rest
    privately (a very long plot would otherwise post dozens of messages to the channel)."""
    if len(messages) <= cap:
        return messages
    rest = len(messages) - cap
    noun = "part" if rest == 1 else "parts"
    return [
        *messages[:cap],
        f"The summary of {escape_markdown(label)} goes on for {rest} more {noun}: "
        "`/film summary` without `public` shows all of it, to you only.",
    ]
