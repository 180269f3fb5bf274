"""Plain film data shared by the catalog, the spoiler guard, the screener and the renderers.

Every fact can carry the source it came from (e.g. "seed:004_6974e321bc0fccf8.txt",
"movielens", "imdb", "tmdb"). These classes never touch Discord or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class SpoilerLevel(IntEnum):
    """How much of the plot a summary section gives away, in reading order."""

    PREMISE = 0  # spoiler-free: safe to show in plain text
    LATER = 1  # later acts: reveals and turns
    ENDING = 2  # how it ends

    @property
    def label(self) -> str:
        return {0: "premise", 1: "later acts", 2: "ending"}[int(self)]


@dataclass(frozen=True)
class Credit:
    """A person's part in a film: role is director, writer, cast, composer or cinematographer."""

    name: str
    role: str
    character: str | None = None
    note: str | None = None  # e.g. "young Kathy"
    order: int = 0
    source: str | None = None


@dataclass(frozen=True)
class SummarySection:
    heading: str
    text: str
    level: SpoilerLevel
    source: str | None = None


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Fact:
    """Any other sourced fact: trivia, award, budget, box office, location, novel..."""

    kind: str
    value: str
    source: str | None = None


@dataclass(frozen=True)
class Film:
    id: int
    title: str
    year: int | None = None
    original_title: str | None = None
    runtime_minutes: int | None = None
    countries: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    synopsis: str | None = None
    rating: float | None = None
    rating_source: str | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    @property
    def label(self) -> str:
        """ "Title (Year)", the way films are named in lists and thread titles."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True)
class FilmDetails:
    """A film with everything the catalog knows about it."""

    film: Film
    credits: tuple[Credit, ...] = ()
    summary: tuple[SummarySection, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[Fact, ...] = ()
    related: tuple[Film, ...] = ()

    @property
    def characters(self) -> tuple[str, ...]:
        """Character names from the cast, in billing order, without duplicates."""
        seen: dict[str, None] = {}
        for credit in sorted(self.credits, key=lambda c: c.order):
            if credit.role == "cast" and credit.character:
                seen.setdefault(credit.character, None)
        return tuple(seen)

    def people(self, role: str) -> tuple[Credit, ...]:
        return tuple(sorted((c for c in self.credits if c.role == role), key=lambda c: c.order))
