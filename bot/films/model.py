"""Plain film data shared by the catalog, the spoiler guard, the screener and the renderers.

Every fact can carry the source it came from (e.g. "seed:004_6974e321bc0fccf8.txt",
"movielens", "imdb", "tmdb"). These classes never touch Discord or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


def is_curated_source(source: str | None) -> bool:
    """Sources owned by the curated data files (their rows are retired when no longer stated)."""
    return source is not None and (source.startswith("seed:") or source.startswith("curated"))


@dataclass(frozen=True)
class ParsedQuery:
    """A typed query: folded word tokens, a year if given as "(2007)", and whether the last
    word may still be being typed (prefix match). Built by bot.films.titles.parse_query."""

    tokens: tuple[str, ...]
    year: int | None
    key: str  # the query as a match key (article dropped), for exact/starts-with ranking
    last_is_prefix: bool

    @property
    def is_empty(self) -> bool:
        return not self.tokens


class SpoilerLevel(IntEnum):
    """How much of the plot a summary section gives away, in reading order."""

    PREMISE = 0  # spoiler-free: safe to show in plain text
    LATER = 1  # later acts: reveals and turns
    ENDING = 2  # how it ends

    @property
    def label(self) -> str:
        return {0: "premise", 1: "later acts", 2: "ending"}[int(self)]

    @classmethod
    def parse(cls, name: str) -> SpoilerLevel:
        """The level named "premise", "later" (or "later acts") or "ending"."""
        names = {"premise": cls.PREMISE, "later": cls.LATER, "later acts": cls.LATER}
        names["ending"] = cls.ENDING
        try:
            return names[name.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown spoiler level {name!r}") from None


@dataclass(frozen=True)
class Credit:
    """A person's part in a film: role is director, writer, cast, composer or cinematographer."""

    name: str
    role: str
    character: str | None = None
    note: str | None = None  # e.g. "young Kathy"
    order: int = 0
    source: str | None = None
    aliases: tuple[str, ...] = ()  # other names the character goes by, e.g. ("Kathy", "Cathy")


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
    level: SpoilerLevel = SpoilerLevel.PREMISE  # how much of the plot the quote gives away


@dataclass(frozen=True)
class Fact:
    """Any other sourced fact: trivia, award, budget, box office, location, novel..."""

    kind: str
    value: str
    source: str | None = None
    level: SpoilerLevel = SpoilerLevel.PREMISE
    note: str | None = None  # e.g. "the seeds disagree on the figure"


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
class RelatedFilm:
    """A film linked to another: relation is keep_exploring, compared, mentioned or similar."""

    film: Film
    relation: str
    source: str | None = None
    note: str | None = None
    year_source: str | None = None  # when the year comes from elsewhere than `source`


@dataclass(frozen=True)
class FilmDetails:
    """A film with everything the catalog knows about it."""

    film: Film
    credits: tuple[Credit, ...] = ()
    summary: tuple[SummarySection, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[Fact, ...] = ()
    related: tuple[Film, ...] = ()
    related_links: tuple[RelatedFilm, ...] = ()  # the same films with why they are linked
    field_sources: dict[str, str] = field(default_factory=dict)  # e.g. {"genres": "seed:..."}

    @property
    def characters(self) -> tuple[str, ...]:
        """Character names from the cast, in billing order, without duplicates."""
        seen: dict[str, None] = {}
        for credit in sorted(self.credits, key=lambda c: c.order):
            if credit.role == "cast" and credit.character:
                seen.setdefault(credit.character, None)
        return tuple(seen)

    @property
    def character_names(self) -> tuple[str, ...]:
        """Every name a character goes by (billed name, then aliases), without duplicates."""
        seen: dict[str, None] = {}
        for credit in sorted(self.credits, key=lambda c: c.order):
            if credit.role == "cast" and credit.character:
                for name in (credit.character, *credit.aliases):
                    seen.setdefault(name, None)
        return tuple(seen)

    def spoiler_free_summary(self) -> tuple[SummarySection, ...]:
        """The summary sections safe to show in plain text."""
        return tuple(s for s in self.summary if s.level == SpoilerLevel.PREMISE)

    def facts_of(self, kind: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.kind == kind)

    def people(self, role: str) -> tuple[Credit, ...]:
        return tuple(sorted((c for c in self.credits if c.role == role), key=lambda c: c.order))
