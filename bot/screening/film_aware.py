"""Film-aware scoring: what members quote from the film is not held against them.

In a discussion thread we know the film (its FilmDetails). Before scoring a normalised message:
- verbatim dialogue from the catalog ("We were modeled on trash. Junkies, prostitutes,
  drunks.") is removed, whether or not it sits in quotation marks;
- quoted text attributed to a character (`Ruth says "..."`, `"..." - Tommy`) that is not
  verbatim is kept apart and its scores are discounted (x DISCOUNT): it can still be flagged
  for a human, never hidden automatically at the default thresholds;
- character names are replaced by "the character", so a name is never read as an insult
  and harsh words about a fictional person weigh less than the same words about a member.
Any other quoted text is scored like the rest: quote marks around an insult change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from bot.films.model import FilmDetails
from bot.screening._alternatives import faster

DISCOUNT = 0.85  # insult 0.99 -> 0.84: above the flag threshold, below the hide threshold
NGRAM = 5  # unquoted film dialogue is recognised from runs of this many words
MIN_QUOTED_WORDS = 3  # a quoted fragment this long that the film says is film dialogue
ATTRIBUTION_WINDOW = 40  # characters before or after a quote where a speaker is looked for
NEUTRAL_NAME = "the character"  # scores lower than "someone": criticism of a character is not abuse
HONORIFICS = frozenset(
    [
        "miss",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "lady",
        "lord",
        "young",
        "old",
        "little",
        "the",
        "a",
        "an",
        "of",
        "and",
    ]
)

_QUOTED = faster(
    re.compile(
        r"\"(?P<a>[^\"\n]{1,1000}?)\""
        r"|\u201c(?P<b>[^\u201d]{1,1000}?)\u201d"
        r"|\u201e(?P<c>[^\u201c\u201d]{1,1000}?)[\u201c\u201d]"
        r"|\u00ab(?P<d>[^\u00bb]{1,1000}?)\u00bb"
        r"|\u2018(?P<e>.{1,1000}?)\u2019(?![A-Za-z])"
        r"|(?<![\w'])'(?P<f>[^\n]{1,1000}?)'(?![\w])",
    )
)
_QUOTE_MARKS = "\"\u201c\u201e\u00ab\u2018'"
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)


class FilmAwareText(NamedTuple):  # made once a message: quicker than a frozen dataclass
    """A message split for scoring: `scored` normally, `discounted` x DISCOUNT."""

    scored: str
    discounted: tuple[str, ...] = ()
    film_quotes: tuple[str, ...] = ()  # film dialogue taken out, for moderators to see
    names: tuple[str, ...] = ()  # character names neutralised

    @property
    def changed(self) -> bool:
        return bool(self.discounted or self.film_quotes or self.names)


class FilmContext:
    """What film_aware needs from a film, prepared once per film."""

    def __init__(self, details: FilmDetails) -> None:
        self.title = details.film.label
        self._quotes = [_words(quote.text) for quote in details.quotes]
        self._quote_text = [" " + " ".join(q) + " " for q in self._quotes if q]
        self._ngrams = {
            tuple(q[i : i + NGRAM]) for q in self._quotes for i in range(len(q) - NGRAM + 1)
        }
        self._ngrams_by_word: dict[str, list[frozenset[str]]] = {}
        for ngram in self._ngrams:
            self._ngrams_by_word.setdefault(ngram[0], []).append(frozenset(ngram))
        speakers = [q.speaker for q in details.quotes if q.speaker]
        aliases = [a for c in details.credits if c.role == "cast" for a in c.aliases]
        self.names = _name_variants([*details.characters, *aliases, *speakers])
        self._names = _alternation(self.names)
        self._lower_names = tuple(name.lower() for name in self.names)

    def is_film_dialogue(self, fragment: str) -> bool:
        """True if `fragment` is a whole film quote or a long-enough contiguous part of one."""
        words = _words(fragment)
        if not words:
            return False
        needle = " " + " ".join(words) + " "
        for quote, text in zip(self._quotes, self._quote_text, strict=False):
            if needle in text and (len(words) >= MIN_QUOTED_WORDS or len(words) == len(quote)):
                return True
        return False

    def mentions_character(self, text: str) -> bool:
        return self._may_name(text) and self._names is not None and bool(self._names.search(text))

    def _may_name(self, text: str) -> bool:
        lowered = text.lower()
        return any(map(lowered.__contains__, self._lower_names))  # no generator: quicker

    def dialogue_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of unquoted runs of >= NGRAM words that are film dialogue."""
        if not self._has_quote_run(text):
            return []
        tokens = list(_TOKEN.finditer(text))
        words = [_fold(t.group(0)) for t in tokens]
        covered = [False] * len(tokens)
        for i in range(len(words) - NGRAM + 1):
            if tuple(words[i : i + NGRAM]) in self._ngrams:
                for j in range(i, i + NGRAM):
                    covered[j] = True
        spans: list[tuple[int, int]] = []
        for i, token in enumerate(tokens):
            if not covered[i]:
                continue
            if spans and i > 0 and covered[i - 1]:
                spans[-1] = (spans[-1][0], _end_with_punctuation(text, token.end()))
            else:
                spans.append((token.start(), _end_with_punctuation(text, token.end())))
        return spans

    def _has_quote_run(self, text: str) -> bool:
        """False if no NGRAM words of a quote all occur in the text (a quick first check)."""
        words = _folded_words(text)
        starts = words.intersection(self._ngrams_by_word)
        return any(ngram <= words for start in starts for ngram in self._ngrams_by_word[start])

    def neutralise_names(self, text: str) -> tuple[str, tuple[str, ...]]:
        if not self._names or not self._may_name(text):
            return text, ()
        swapped: list[str] = []

        def swap(match: re.Match[str]) -> str:
            swapped.append(match.group(0))
            return NEUTRAL_NAME

        return self._names.sub(swap, text), tuple(dict.fromkeys(swapped))


def prepare(text: str, film: FilmContext | None) -> FilmAwareText:
    """Split a normalised message into what is scored, discounted and left out for `film`."""
    if film is None:
        return FilmAwareText(text)
    kept: list[str] = []
    discounted: list[str] = []
    film_quotes: list[str] = []
    cursor = 0
    for match in _QUOTED.finditer(text) if _may_quote(text) else ():
        inner = next(group for group in match.groups() if group is not None)
        if film.is_film_dialogue(inner):
            film_quotes.append(inner.strip())
        elif _is_attributed(text, match, film):
            discounted.append(inner.strip())
        else:
            continue
        kept.append(text[cursor : match.start()])
        cursor = match.end()
    kept.append(text[cursor:])
    rest, unquoted = _remove_spans(" ".join(kept), film)
    film_quotes.extend(unquoted)
    scored, names = film.neutralise_names(_tidy(rest))
    discounted_text = [film.neutralise_names(d)[0] for d in discounted]
    return FilmAwareText(scored, tuple(discounted_text), tuple(film_quotes), names)


def _may_quote(text: str) -> bool:
    """False if the text has none of the characters a quotation in _QUOTED starts with."""
    return any(mark in text for mark in _QUOTE_MARKS)


def _is_attributed(text: str, match: re.Match[str], film: FilmContext) -> bool:
    before = text[max(0, match.start() - ATTRIBUTION_WINDOW) : match.start()]
    after = text[match.end() : match.end() + ATTRIBUTION_WINDOW]
    after = re.split(r"[.!?\n]", after, maxsplit=1)[0]  # the speaker follows in the same clause
    return film.mentions_character(before) or film.mentions_character(after)


def _remove_spans(text: str, film: FilmContext) -> tuple[str, list[str]]:
    spans = film.dialogue_spans(text)
    if not spans:
        return text, []
    pieces, removed, cursor = [], [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        removed.append(text[start:end].strip())
        cursor = end
    pieces.append(text[cursor:])
    return " ".join(pieces), removed


def _end_with_punctuation(text: str, end: int) -> int:
    while end < len(text) and text[end] in ".,!?;:\u2026":
        end += 1
    return end


_BLANKS = re.compile(r"[ \t]{2,}|\t")


def _tidy(text: str) -> str:
    if "  " in text or "\t" in text:
        text = _BLANKS.sub(" ", text)
    return text.strip()


def _fold(word: str) -> str:
    return word.lower().replace("\u2019", "").replace("'", "")


def _ascii_fold_table() -> bytes:
    """For plain ASCII with apostrophes deleted, _TOKEN finds the runs of letters and digits:
    lower-case those, make every other byte a space."""
    table = bytearray(b" " * 256)
    for byte in range(128):
        if chr(byte).isalnum():
            table[byte] = ord(chr(byte).lower())
    return bytes(table)


_ASCII_FOLD = _ascii_fold_table()


def _folded_words(text: str) -> set[str]:
    """The set of _words(text), found without the regex when the text is plain ASCII."""
    if text.isascii():
        return set(text.encode("ascii").translate(_ASCII_FOLD, b"'").decode("ascii").split())
    return set(_TOKEN.findall(_fold(text)))


def _words(text: str) -> list[str]:
    return [_fold(token) for token in _TOKEN.findall(text)]


def _name_variants(names: Iterable[str]) -> tuple[str, ...]:
    """Full names and their distinctive words: "Miss Emily" -> "Miss Emily", "Emily"."""
    variants: dict[str, None] = {}
    for name in names:
        cleaned = re.sub(r"\s+", " ", re.sub(r"[()\[\]]", " ", name)).strip(" .")
        if not cleaned:
            continue
        variants.setdefault(cleaned, None)
        parts = [p.strip(".") for p in cleaned.split(" ")]
        for part in parts:
            if len(part) >= 3 and part.lower() not in HONORIFICS:
                variants.setdefault(part, None)
    return tuple(sorted(variants, key=len, reverse=True))


def _alternation(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    body = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)
