"""Titles: normalisation shared by the catalog's search, its merge rules and the importers.

- `display_title("Lobster, The")` -> "The Lobster" (MovieLens/IMDb-dump "moved article" form).
- `match_key("The Lobster")` -> "lobster": case-, accent- and punctuation-free, leading article
  dropped; two sources name the same film when their match keys and years agree.
- `parse_query("sunshine (2007)")` -> tokens ("sunshine",), year 2007, for search.
- `choice_value(123)` -> "#123", the value of an autocomplete choice; `picked_id("#123")` -> 123.
"""

from __future__ import annotations

import re
import unicodedata

from bot.films.model import ParsedQuery

# Leading articles dropped for matching and ranking (English plus the common European ones
# MovieLens and IMDb move to the end: "Vie en rose, La", "Name der Rose, Der").
ARTICLES = frozenset(
    [
        "the",
        "a",
        "an",
        "la",
        "le",
        "les",
        "l",
        "el",
        "los",
        "las",
        "il",
        "lo",
        "gli",
        "i",
        "un",
        "une",
        "uno",
        "una",
        "der",
        "die",
        "das",
        "den",
        "det",
        "de",
        "het",
        "ein",
        "eine",
    ]
)
MOVED_ARTICLE = re.compile(
    r"^(?P<body>.+?), (?P<article>The|A|An|La|Le|Les|L'|El|Los|Las|Il|Lo|Gli|I|Un|Une|Una|Der|Die|"
    r"Das|Den|Det|De|Het|Ein|Eine)(?P<rest>(?: \(.*\))?)$"
)
TRAILING_PAREN = re.compile(r"^(?P<main>.+?) \((?P<alt>[^()]+)\)$")
QUERY_YEAR = re.compile(r"\(\s*(?P<year>(18|19|20)\d\d)\s*\)\s*$")
BARE_YEAR = re.compile(r"^(18|19|20)\d\d$")
NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
MAX_QUERY_TOKENS = 8
MAX_TOKEN_LENGTH = 40


def fold(text: str) -> str:
    """Lower case without accents; "&" reads "and"; anything not a letter/digit becomes a space."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(NON_WORD.sub(" ", stripped.casefold()).replace("_", " ").split())


def display_title(title: str) -> str:
    """Move an article written at the end back to the front: "Host, The (Gwoemul)"."""
    title = " ".join(title.split())
    match = MOVED_ARTICLE.match(title)
    if not match:
        return title
    article = match.group("article")
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match.group('body')}{match.group('rest')}"


def split_alternative(title: str) -> tuple[str, str | None]:
    """MovieLens "Seven (a.k.a. Se7en)" -> ("Seven", "Se7en"); titles without one unchanged."""
    match = TRAILING_PAREN.match(title)
    if not match:
        return title, None
    alt = match.group("alt").strip()
    if alt.lower().startswith("a.k.a."):
        alt = alt[6:].strip()
    return match.group("main").strip(), display_title(alt) or None


def match_key(title: str) -> str:
    """The form two sources' titles are compared in: folded, leading article dropped."""
    words = fold(display_title(title)).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def search_text(*titles: str | None) -> str:
    """What the full-text index holds for a film: every title folded, with and without article."""
    parts: list[str] = []
    for title in titles:
        if not title:
            continue
        folded = fold(display_title(title))
        if folded and folded not in parts:
            parts.append(folded)
    return " | ".join(parts)


def parse_query(query: str) -> ParsedQuery:
    """Parse what a member typed; never fails, whatever the input (empty, emoji, SQL...)."""
    query = (query or "")[:500]
    year = None
    match = QUERY_YEAR.search(query)
    if match:
        year = int(match.group("year"))
        query = query[: match.start()]
    tokens = [t[:MAX_TOKEN_LENGTH] for t in fold(query).split()][:MAX_QUERY_TOKENS]
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    last_is_prefix = bool(tokens) and not query.endswith(" ") and year is None
    return ParsedQuery(tuple(tokens), year, " ".join(tokens), last_is_prefix)


def without_trailing_year(parsed: ParsedQuery) -> ParsedQuery | None:
    """Read "sunshine 2007" as "sunshine (2007)" when the last word is a year; else None."""
    if parsed.year is not None or len(parsed.tokens) < 2 or not BARE_YEAR.match(parsed.tokens[-1]):
        return None
    tokens = parsed.tokens[:-1]
    return ParsedQuery(tokens, int(parsed.tokens[-1]), " ".join(tokens), False)


PICKED_MARK = "#"  # marks an autocomplete value, so film 300 is not the film called "300"
MAX_ID_DIGITS = 12


def choice_value(film_id: int) -> str:
    """The value of an autocomplete choice for a film: "#" and its id."""
    return f"{PICKED_MARK}{film_id}"


def picked_id(text: str) -> int | None:
    """The film id in an autocomplete value ("#123"), or None for anything else."""
    digits = text[len(PICKED_MARK) :]
    if text.startswith(PICKED_MARK) and digits.isdigit() and len(digits) <= MAX_ID_DIGITS:
        return int(digits)
    return None
