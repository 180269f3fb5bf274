"""What the /film commands show, as plain data sized by bot/limits.py (no Discord here).

A cog turns a card (shared EmbedData) into an embed with cogs/_ui.to_embed, a Choice
into an app_commands.Choice, and pages into a paginated view. Spoiler-level items are marked,
not tagged: the shared spoiler renderer decides how to hide them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot import limits
from bot.films.model import Credit, Film, FilmDetails, SpoilerLevel
from bot.films.similar import SimilarResult
from bot.films.text import escape_markdown, plain, truncate
from bot.films.titles import choice_value
from bot.films.wikipedia.details import credit_line, is_wikipedia_source
from bot.render import EmbedData, EmbedField
from bot.spoilers.format import spoiler
from bot.text import embed_title

MAIN_CAST = 5
SYNOPSIS_CHARS = 1000  # a card is read at a glance; the full summary has its own command
LINES_PER_PAGE = 15  # a page read at a glance; the rest behind Next
SPOILER_TAG_CHARS = 4  # "||" on each side, reserved when sizing pages of spoiler lines
SEED_SOURCE = re.compile(r"seed:(\d{3})_[0-9a-f]+\.txt")
SOURCE_NAMES = {
    "movielens": "MovieLens",
    "imdb": "IMDb",
    "tmdb": "TMDB",
    "ggplot2movies": "ggplot2movies",
}


@dataclass(frozen=True)
class Choice:
    """An autocomplete choice: name shown ("Title (Year)"), value sent back (the film id)."""

    name: str
    value: str


@dataclass(frozen=True)
class Line:
    """A line of a list page; `spoiler` lines need hiding before they are shown."""

    text: str
    spoiler: bool = False


def choice_label(film: Film) -> str:
    """ "Title (Year)" in at most 100 characters, cutting the title rather than the year."""
    suffix = f" ({film.year})" if film.year else ""
    title = plain(film.title) or "Untitled"
    return truncate(title, limits.CHOICE_NAME - len(suffix)) + suffix


def autocomplete_choices(films: Sequence[Film]) -> list[Choice]:
    """At most 25 choices, labelled "Title (Year)", valued with the film id ("#123")."""
    return [
        Choice(choice_label(film), choice_value(film.id))
        for film in films[: limits.AUTOCOMPLETE_CHOICES]
    ]


def source_label(source: str | None) -> str:
    """ "seed:004_6974e321bc0fccf8.txt" -> "seed 004"; "movielens" -> "MovieLens"."""
    if not source:
        return "unknown"
    if is_wikipedia_source(source):
        return "Wikipedia"
    seed = SEED_SOURCE.search(source)
    if seed:
        return f"seed {seed.group(1)}"
    return SOURCE_NAMES.get(source.split()[0].lower(), source)


def rating_text(film: Film) -> str | None:
    if film.rating is None:
        return None
    if "movielens" in (film.rating_source or ""):
        return f"{film.rating:.1f}/5 (MovieLens users)"
    label = source_label(film.rating_source)
    if "imdb" in (film.rating_source or "").lower() and label != "IMDb":
        label = f"IMDb, via {label}"
    return f"{film.rating:.1f}/10 ({label})"


def film_card(details: FilmDetails, namesakes: Sequence[Film] = ()) -> EmbedData:
    """The /film info card: title, year, director, main cast, runtime, genres, rating,
    a synopsis without spoilers, and a line naming the sources."""
    film = details.film
    fields = [
        _field("Director", ", ".join(c.name for c in details.people("director"))),
        _field("Main cast", "\n".join(_cast_line(c) for c in details.people("cast")[:MAIN_CAST])),
        _field("Runtime", f"{film.runtime_minutes} min" if film.runtime_minutes else ""),
        _field("Genres", ", ".join(film.genres)),
        _field("Rating", rating_text(film) or ""),
        _field("Country", ", ".join(film.countries)),
    ]
    if namesakes:
        others = ", ".join(escape_markdown(f.label) for f in namesakes)
        fields.append(_field("Same title", f"{others} (add the year to pick one)", inline=False))
    credit = credit_line(details)
    if credit:  # CC BY-SA: the article's link and the licence, wherever its text is shown
        fields.append(_field("Credit", credit, inline=False))
    return EmbedData(
        title=embed_title(plain(film.label)),
        description=truncate(escape_markdown(_synopsis(details)), SYNOPSIS_CHARS),
        fields=tuple(f for f in fields if f.value),
        footer=truncate(_sources_line(details), limits.EMBED_FOOTER),
    )


def _field(name: str, value: str, *, inline: bool = True) -> EmbedField:
    return EmbedField(name, truncate(value, limits.EMBED_FIELD_VALUE), inline)


def _cast_line(credit: Credit) -> str:
    details = ", ".join(escape_markdown(x) for x in (credit.character, credit.note) if x)
    name = escape_markdown(credit.name)
    return f"{name} ({details})" if details else name


def _synopsis(details: FilmDetails) -> str:
    if details.film.synopsis:
        return details.film.synopsis
    premise = details.spoiler_free_summary()
    return premise[0].text if premise else "No synopsis yet."


def _sources_line(details: FilmDetails) -> str:
    shown = [details.film.source, *details.field_sources.values()]
    shown += [c.source for c in details.credits[: MAIN_CAST + 3]]
    labels = dict.fromkeys(source_label(s) for s in shown if s)
    return "Sources: " + ", ".join(sorted(labels))


def cast_pages(details: FilmDetails) -> list[list[Line]]:
    """/film cast: crew then cast, one line each, in pages that fit an embed description."""
    lines = [
        f"**{role.title()}**: " + ", ".join(escape_markdown(c.name) for c in people)
        for role in ("director", "writer", "composer", "cinematographer", "producer")
        if (people := details.people(role))
    ]
    lines += [f"• {_cast_line(c)}" for c in details.people("cast")]
    return _line_pages([Line(text) for text in lines or ["No cast or crew known yet."]])


def quote_pages(
    details: FilmDetails, *, reveal: SpoilerLevel = SpoilerLevel.PREMISE
) -> list[list[Line]]:
    """/film quotes: quotes with speakers; those beyond `reveal` are marked as spoilers.
    Pages leave room for spoiler tags around marked lines."""
    lines = []
    for quote in details.quotes:
        speaker = f" — {escape_markdown(quote.speaker)}" if quote.speaker else ""
        text = f"“{escape_markdown(quote.text)}”{speaker}"
        lines.append(Line(text, spoiler=quote.level > reveal))
    return _line_pages(lines)


def similar_lines(result: SimilarResult) -> list[list[Line]]:
    """/film similar: the method used first, then one line per film with its reason."""
    lines = [Line(f"*{escape_markdown(result.description)}*")]
    lines += [
        Line(f"• {escape_markdown(s.film.label)}: {escape_markdown(s.reason)}")
        for s in result.films
    ]
    return _line_pages(lines)


def search_lines(films: Sequence[Film]) -> list[list[Line]]:
    """/film search: one line per film, "Title (Year)" with genres when known."""
    if not films:
        return [[Line("No films found.")]]
    lines = [
        Line(escape_markdown(f.label + (f" · {', '.join(f.genres[:3])}" if f.genres else "")))
        for f in films
    ]
    return _line_pages(lines)


def _line_pages(lines: list[Line], limit: int = limits.EMBED_DESCRIPTION) -> list[list[Line]]:
    pages: list[list[Line]] = [[]]
    size = 0
    for line in lines:
        cost = len(line.text) + 1 + (SPOILER_TAG_CHARS if line.spoiler else 0)
        if pages[-1] and (size + cost > limit or len(pages[-1]) == LINES_PER_PAGE):
            pages.append([])
            size = 0
        room = limit - SPOILER_TAG_CHARS - 1
        pages[-1].append(Line(truncate(line.text, room), line.spoiler))
        size += cost
    return pages


def embed_pages(
    title: str, pages: Sequence[Sequence[Line]], *, footer: str | None = None
) -> list[EmbedData]:
    """Pages of lines as embeds, ready for a paginator: lines marked as spoilers are hidden in
    spoiler tags, and every part is cut to Discord's limits. The title may hold what a member
    typed or a catalog title: pass it raw, it is made one line, escaped and its mentions broken."""
    shown_title = embed_title(plain(title))
    shown_footer = truncate(footer, limits.EMBED_FOOTER) if footer else None
    embeds = []
    for page in pages:
        text = "\n".join(spoiler(line.text) if line.spoiler else line.text for line in page)
        description = truncate(text, limits.EMBED_DESCRIPTION)
        embeds.append(EmbedData(shown_title, description, footer=shown_footer))
    return embeds
