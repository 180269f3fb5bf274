"""One Wikipedia film article's wikitext turned into catalog facts (mwparserfromhell does the
parsing; this module only decides what each part means).

`is_film_candidate(text)` is the cheap raw-text check run on every page of a dump;
`parse_film_page(title, text, ...)` parses the few pages that pass it and returns a
`WikiFilm`, or None for a page that is not a film article, or raises `BrokenWikitext`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from bot.films.wikipedia.plain import items, plain_text, template_name

INFOBOX_FILM = re.compile(r"\{\{\s*infobox[ _]+film\s*[|}\n]", re.IGNORECASE)
DISAMBIGUATION = re.compile(r"^(?P<title>.+?) \((?P<what>[^()]*\bfilm)\)$")
YEAR = re.compile(r"\b(18[89]\d|19\d\d|20\d\d)\b")
RUNTIME = re.compile(r"(\d{2,3})\s*(?:minutes|min\b|mins\b)", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")
IMDB_DIGITS = re.compile(r"(\d{5,10})")
PLOT_HEADINGS = ("plot", "synopsis", "plot summary", "summary", "premise", "story")
CAST_HEADINGS = ("cast", "cast and characters", "voice cast", "main cast")
# A lead sentence about the making or reception of the film rather than its story.
NOT_PREMISE = re.compile(
    r"\b(premiered|released|grossed|gross|box office|received|reviews|critics|critical|"
    r"nominated|nomination|award|won|budget|festival|filming|filmed|principal photography|"
    r"produced by|distributed|screened|acclaim|rotten tomatoes|metacritic|sequel|remake)\b",
    re.IGNORECASE,
)
PREMISE_SENTENCES = 3
PREMISE_CHARS = 700
NON_FILM_TITLE = re.compile(r"^(list of|lists of|index of|outline of)\b", re.IGNORECASE)
VOICE = re.compile(r"^(?:the\s+)?(?:voices?\s+of|voicing)\s+", re.IGNORECASE)
DESCRIPTION = re.compile(r"(?:,\s|\s[–—-]\s|:\s|;\s)")
ROLE_FIELDS = {
    "director": ("director",),
    "writer": ("writer", "screenplay", "story", "teleplay"),
    "composer": ("music",),
    "cinematographer": ("cinematography",),
    "producer": ("producer",),
}
FACT_FIELDS = {
    "editor": "editing",
    "language": "language",
    "budget": "budget",
    "box_office": "gross",
    "based_on": "based_on",
}


class BrokenWikitext(ValueError):
    """A page that claims to be a film article but whose wikitext cannot be read."""


@dataclass(frozen=True)
class CastMember:
    actor: str
    character: str | None = None
    note: str | None = None  # "voice"


@dataclass
class WikiFilm:
    """What a film article says, as plain text, before it becomes catalog rows."""

    article: str  # the page title, e.g. "Moon (2009 film)"
    title: str  # without disambiguation, e.g. "Moon"
    page_id: int | None = None
    revision_id: int | None = None
    year: int | None = None
    premise: str = ""
    plot: list[str] = field(default_factory=list)  # paragraphs, in order
    cast: list[CastMember] = field(default_factory=list)
    crew: dict[str, list[str]] = field(default_factory=dict)  # role -> names, in order
    starring: list[str] = field(default_factory=list)
    facts: dict[str, list[str]] = field(default_factory=dict)  # kind -> values
    runtime_minutes: int | None = None
    countries: list[str] = field(default_factory=list)
    imdb_id: str | None = None


def is_film_candidate(text: str | None) -> bool:
    """True when the raw wikitext mentions an Infobox film (cheap; no parsing)."""
    return text is not None and INFOBOX_FILM.search(text) is not None


def strip_disambiguation(article: str) -> tuple[str, int | None]:
    """ "Moon (2009 film)" -> ("Moon", 2009); "Her (film)" -> ("Her", None)."""
    match = DISAMBIGUATION.match(article.strip())
    if not match:
        return article.strip(), None
    year = YEAR.search(match.group("what"))
    return match.group("title"), int(year.group(1)) if year else None


def parse_film_page(
    article: str, text: str, *, page_id: int | None = None, revision_id: int | None = None
) -> WikiFilm | None:
    """The film an article describes; None when it is not a film article (no Infobox film,
    a list); BrokenWikitext when the infobox cannot be read."""
    if NON_FILM_TITLE.match(article) or not is_film_candidate(text):
        return None
    try:
        code = mwparserfromhell.parse(text)
    except Exception as exc:  # the parser is lenient; anything it raises means broken input
        raise BrokenWikitext(f"the wikitext could not be parsed ({exc})") from None
    infobox = _infobox(code)
    if infobox is None:
        raise BrokenWikitext("the Infobox film template is not closed")
    title, year = strip_disambiguation(article)
    film = WikiFilm(article=article, title=title, page_id=page_id, revision_id=revision_id)
    try:
        _read_parts(film, code, infobox, year)
    except Exception as exc:  # odd markup the extraction did not foresee: skip the page
        raise BrokenWikitext(f"the article could not be read ({type(exc).__name__})") from None
    return film


def _read_parts(film: WikiFilm, code: Wikicode, infobox: Template, year: int | None) -> None:
    _read_infobox(film, infobox)
    film.year = year or _released_year(infobox) or film.year
    sections = _sections(code)
    film.premise = _premise(code)
    film.plot = _paragraphs(sections.get("plot"))
    film.cast = _cast(sections.get("cast"))
    film.imdb_id = _imdb_id(code)


def _infobox(code: Wikicode) -> Template | None:
    for template in code.filter_templates(recursive=False):
        if template_name(template) == "infobox film":
            return template
    return None


def _param(infobox: Template, name: str) -> Wikicode | None:
    for key in (name, name.replace("_", " ")):
        if infobox.has(key):
            value = infobox.get(key).value
            return value if str(value).strip() else None
    return None


def _read_infobox(film: WikiFilm, infobox: Template) -> None:
    for role, names in ROLE_FIELDS.items():
        people: list[str] = []
        for name in names:
            value = _param(infobox, name)
            people += [p for p in items(value) if p not in people] if value else []
        if people:
            film.crew[role] = people
    starring = _param(infobox, "starring")
    film.starring = items(starring) if starring else []
    for kind, name in FACT_FIELDS.items():
        value = _param(infobox, name)
        if value:
            listed = items(value) if kind in ("editor", "language") else [plain_text(value)]
            film.facts[kind] = [v for v in listed if v]
    country = _param(infobox, "country")
    film.countries = items(country) if country else []
    runtime = _param(infobox, "runtime")
    match = RUNTIME.search(plain_text(runtime)) if runtime else None
    film.runtime_minutes = int(match.group(1)) if match else None


def _released_year(infobox: Template) -> int | None:
    released = _param(infobox, "released")
    if released is None:
        return None
    for template in released.filter_templates():
        if template_name(template) in ("film date", "start date") and template.has("1"):
            year = YEAR.search(str(template.get("1").value))
            if year:
                return int(year.group(1))
    year = YEAR.search(plain_text(released))
    return int(year.group(1)) if year else None


def _sections(code: Wikicode) -> dict[str, Wikicode]:
    """The level-2 Plot and Cast sections (first match of each), without their heading."""
    sections: dict[str, Wikicode] = {}
    for section in code.get_sections(levels=[2]):
        heading = plain_text(section.nodes[0].title).casefold()
        for key, names in (("plot", PLOT_HEADINGS), ("cast", CAST_HEADINGS)):
            if key not in sections and heading in names:
                body = mwparserfromhell.parse(str(section))
                body.remove(body.nodes[0])
                sections[key] = body
    return sections


def _paragraphs(section: Wikicode | None) -> list[str]:
    if section is None:
        return []
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", str(section)):
        lines = [ln for ln in chunk.split("\n") if not ln.lstrip().startswith(("=", "[[File:"))]
        text = plain_text("\n".join(lines)).replace("\n", " ")
        if len(text) > 1:
            paragraphs.append(" ".join(text.split()))
    return paragraphs


def _premise(code: Wikicode) -> str:
    """The lead's sentences about the story: not its making, release or reception."""
    sections = code.get_sections(include_lead=True, flat=True)
    if not sections:
        return ""
    lead = sections[0]
    kept: list[str] = []
    for paragraph in _paragraphs(lead if not str(lead).lstrip().startswith("==") else None):
        for sentence in SENTENCE_END.split(paragraph):
            if not NOT_PREMISE.search(sentence) and len(kept) < PREMISE_SENTENCES:
                kept.append(sentence.strip())
    premise = " ".join(kept)
    if len(premise) > PREMISE_CHARS:
        premise = premise[:PREMISE_CHARS].rsplit(" ", 1)[0] + "…"
    return premise


def _cast(section: Wikicode | None) -> list[CastMember]:
    if section is None:
        return []
    cast: list[CastMember] = []
    for line in str(section).split("\n"):
        if not line.lstrip().startswith("*"):
            continue
        member = _cast_line(plain_text(line.lstrip().lstrip("*")))
        if member and all((m.actor, m.character) != (member.actor, member.character) for m in cast):
            cast.append(member)
    return cast


def _cast_line(text: str) -> CastMember | None:
    """ "Sam Rockwell as Sam Bell, an astronaut" -> Sam Rockwell, Sam Bell;
    "Kevin Spacey as the voice of GERTY" -> Kevin Spacey, GERTY (voice)."""
    actor, sep, role = text.partition(" as ")
    actor = actor.strip(" ,").removesuffix(" also")
    if not sep or not actor or len(actor) > 60:
        return None
    note = None
    if VOICE.match(role):
        role, note = VOICE.sub("", role), "voice"
    character = DESCRIPTION.split(role, maxsplit=1)[0].strip(" ,") or None
    if character and character.casefold().startswith("himself"):
        character = "Himself"
    return CastMember(actor, character, note)


def _imdb_id(code: Wikicode) -> str | None:
    for template in code.filter_templates():
        if template_name(template) != "imdb title":
            continue
        for key in ("id", "1"):
            if template.has(key):
                digits = IMDB_DIGITS.search(str(template.get(key).value))
                if digits:
                    return "tt" + digits.group(1).zfill(7)
    return None
