"""Extra reveal terms for one discussion: moderators' terms and those members taught by tagging.

`validate_term` checks a term a moderator typed and `term_key` gives its match key (stems).
`ExtraTerms` is what the detector reads besides the film's plot points: a moderator's term
scores 3 (a reveal at every sensitivity), a learned term 2 (like the film's own plot words).
`tagged_terms` reads a member's comment and returns the terms it puts inside ||tags||: a short
tagged span (1-2 content words) is a term as a whole ("||Rosebud||", "||the sled||"); a longer one
gives its rare words (not everyday English, not review vocabulary, not a known name).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.errors import InvalidInput
from bot.spoilers._words import FATE_STEMS, GENERIC_STEMS, STOP_WORDS, stem, words
from bot.spoilers.format import Document
from bot.spoilers.model import TERM_MAX_CHARS, TERM_MAX_WORDS, SpoilerTerm

SHORT_SPAN_WORDS = 2  # content words
RARE_ZIPF = 3.5  # rarer than about 3 per million words
TERMS_PER_MESSAGE = 8


def term_key(text: str) -> str:
    """The match key of a term: its words but function words, lower-cased and stemmed
    ("the Donations" -> "donat"); a term of function words only keeps them all."""
    all_words = [w for w, _, _ in words(text)]
    content = [w for w in all_words if w not in STOP_WORDS] or all_words
    return " ".join(stem(w) for w in content)


def validate_term(text: str) -> SpoilerTerm:
    """A term a moderator typed, or InvalidInput saying exactly what is wrong with it."""
    shown = text.strip()
    if not shown:
        raise InvalidInput("Type the term: a name, a place or a word that gives the plot away.")
    if len(shown) > TERM_MAX_CHARS:
        raise InvalidInput(
            f"That term is {len(shown)} characters; a term can have at most {TERM_MAX_CHARS}."
        )
    key = term_key(shown)
    if not key:
        raise InvalidInput("A term needs at least one word made of letters.")
    if len(key.split()) > TERM_MAX_WORDS:
        raise InvalidInput(f"A term can have at most {TERM_MAX_WORDS} words; add shorter ones.")
    return SpoilerTerm(shown, key)


@dataclass(frozen=True)
class ExtraTerms:
    """Terms that count as reveals in one discussion, beyond the film's plot points."""

    forced: tuple[SpoilerTerm, ...] = ()  # moderators': score 3
    learned: tuple[SpoilerTerm, ...] = ()  # members': score 2

    def __bool__(self) -> bool:
        return bool(self.forced or self.learned)

    def matches(self, stems: list[str]) -> list[tuple[int, str]]:
        """(points, term as typed) for every term whose stems occur in a row in `stems`."""
        matched = []
        for points, terms in ((3, self.forced), (2, self.learned)):
            for term in terms:
                if _contains(stems, term.stems):
                    matched.append((points, term.text))
        return matched


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1))


@functools.cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _hidden_spans(markdown: str) -> list[str]:
    doc = Document.parse(markdown)
    spans, current = [], []
    for ch, hidden in zip(doc.text, doc.hidden(), strict=True):
        if hidden:
            current.append(ch)
        elif current:
            spans.append("".join(current))
            current = []
    if current:
        spans.append("".join(current))
    return spans


def tagged_terms(markdown: str, known_names: frozenset[str] = frozenset()) -> list[SpoilerTerm]:
    """The terms a comment puts in spoiler tags (see the module docstring), at most 8."""
    terms: dict[str, SpoilerTerm] = {}
    for span in _hidden_spans(markdown):
        span_words = [w for w, _, _ in words(span)]
        content = [w for w in span_words if w not in STOP_WORDS]
        if not content:
            continue
        if len(content) <= SHORT_SPAN_WORDS and not _only_generic(content, known_names):
            text = " ".join(span.split())[:TERM_MAX_CHARS]
            terms.setdefault(term_key(" ".join(content)), SpoilerTerm(text, ""))
            continue
        for word in content:
            if _is_rare(word, known_names):
                terms.setdefault(term_key(word), SpoilerTerm(word, ""))
    return [SpoilerTerm(t.text, key) for key, t in list(terms.items())[:TERMS_PER_MESSAGE] if key]


def _only_generic(content: list[str], known_names: frozenset[str]) -> bool:
    """True when a short span is only names, review words or outcome words ("||Tommy dies||")."""
    return all(
        w in known_names or stem(w) in GENERIC_STEMS or stem(w) in FATE_STEMS for w in content
    )


def _is_rare(word: str, known_names: frozenset[str]) -> bool:
    stemmed = stem(word)
    return (
        len(word) >= 4
        and word not in known_names
        and stemmed not in GENERIC_STEMS
        and stemmed not in FATE_STEMS
        and _zipf(word) < RARE_ZIPF
    )
