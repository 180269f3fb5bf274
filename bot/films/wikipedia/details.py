"""A parsed Wikipedia film article as the catalog's FilmDetails, with its tiered summary.

The summary follows the same model as the curated film: the lead's premise is spoiler-free,
the Plot paragraphs but the last are later acts, and the last paragraph is the ending. Every
row cites "Wikipedia: <article> (revision N)", which is also how renderers recognise text
that needs the CC BY-SA credit.
"""

from __future__ import annotations

from urllib.parse import quote

from bot.films.model import Credit, Fact, Film, FilmDetails, SpoilerLevel, SummarySection
from bot.films.wikipedia.page import WikiFilm
from bot.text import escape_markdown

SOURCE_PREFIX = "Wikipedia: "
LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
ARTICLE_URL = "https://en.wikipedia.org/wiki/"
PREMISE_HEADING = "Premise"
PLOT_HEADING = "Plot, part {n}"
ENDING_HEADING = "Plot: the ending"
ARTICLE_FACT = "wikipedia_article"


def source_of(film: WikiFilm) -> str:
    """ "Wikipedia: Moon (2009 film) (revision 123)"."""
    revision = f" (revision {film.revision_id})" if film.revision_id else ""
    return f"{SOURCE_PREFIX}{film.article}{revision}"


def article_url(article: str, base: str = ARTICLE_URL) -> str:
    """The article's address: spaces as underscores, the rest percent-encoded."""
    return base + quote(article.replace(" ", "_"), safe="_,'!:")


def is_wikipedia_source(source: str | None) -> bool:
    return source is not None and source.startswith(SOURCE_PREFIX)


def article_of(source: str) -> str:
    """The article a Wikipedia source cites: "Wikipedia: Moon (2009 film) (revision 1)" -> "Moon (2009 film)"."""
    body = source.removeprefix(SOURCE_PREFIX)
    head, sep, tail = body.rpartition(" (revision ")
    return head if sep and tail.rstrip(")").isdigit() else body


def summary_sections(film: WikiFilm, source: str) -> list[SummarySection]:
    """Premise (plain), Plot paragraphs but the last (later acts), the last one (ending)."""
    sections = []
    if film.premise:
        sections.append(SummarySection(PREMISE_HEADING, film.premise, SpoilerLevel.PREMISE, source))
    *middle, last = film.plot or [""]
    for n, paragraph in enumerate(middle, start=1):
        sections.append(
            SummarySection(PLOT_HEADING.format(n=n), paragraph, SpoilerLevel.LATER, source)
        )
    if last:
        sections.append(SummarySection(ENDING_HEADING, last, SpoilerLevel.ENDING, source))
    return sections


def _credits(film: WikiFilm, source: str) -> list[Credit]:
    credits = []
    for role, names in film.crew.items():
        credits += [Credit(n, role, order=i, source=source) for i, n in enumerate(names)]
    cast_names = set()
    for i, member in enumerate(film.cast):
        cast_names.add(member.actor)
        credits.append(Credit(member.actor, "cast", member.character, member.note, i, source))
    extra = [n for n in film.starring if n not in cast_names]
    start = len(film.cast)
    credits += [Credit(n, "cast", order=start + i, source=source) for i, n in enumerate(extra)]
    return credits


def _facts(film: WikiFilm, source: str) -> list[Fact]:
    facts = [Fact(ARTICLE_FACT, article_url(film.article), source)]
    for kind, values in film.facts.items():
        facts += [Fact(kind, value, source) for value in values]
    return facts


def to_details(film: WikiFilm) -> FilmDetails:
    """The catalog's view of the article; external ids are the page id and the IMDb id."""
    source = source_of(film)
    ids = {"wikipedia": str(film.page_id)} if film.page_id else {}
    if film.imdb_id:
        ids["imdb"] = film.imdb_id
    catalog_film = Film(
        id=0,
        title=film.title,
        year=film.year,
        runtime_minutes=film.runtime_minutes,
        countries=tuple(film.countries),
        synopsis=film.premise or None,
        external_ids=ids,
        source=source,
    )
    return FilmDetails(
        film=catalog_film,
        credits=tuple(_credits(film, source)),
        summary=tuple(summary_sections(film, source)),
        facts=tuple(_facts(film, source)),
    )


def wikipedia_articles(details: FilmDetails) -> dict[str, str]:
    """The Wikipedia articles whose text `details` holds: article -> its address."""
    sources = [details.film.source, *details.field_sources.values()]
    sources += [s.source for s in details.summary] + [c.source for c in details.credits]
    articles = dict.fromkeys(article_of(s) for s in sources if s and is_wikipedia_source(s))
    links = {
        article_of(f.source): f.value
        for f in details.facts_of(ARTICLE_FACT)
        if f.source and is_wikipedia_source(f.source)
    }
    return {a: links.get(a) or article_url(a) for a in articles}


def credit_line(details: FilmDetails) -> str | None:
    """The CC BY-SA credit for text taken from Wikipedia (markdown links), or None."""
    articles = wikipedia_articles(details)
    if not articles:
        return None
    linked = ", ".join(f"[{escape_markdown(a)}](<{url}>)" for a, url in articles.items())
    return f"Text from Wikipedia: {linked}, licensed [{LICENCE}](<{LICENCE_URL}>)."
