"""Undo the tricks people use to slip abuse past a filter, before the text is scored.

Handles invisible and zero-width characters, look-alike letters from other scripts, fancy
Unicode letters (full-width, mathematical, circled, regional indicators), accents piled on
Latin letters, leetspeak, stretched and spaced-out letters, Discord markdown, spoiler bars,
links and mentions. The result is only ever scored: the stored text is always the original.

Ambiguous repairs ("1" is i or l, "goooood" is good or god) are settled with a lexicon of
known words (by default the vocabulary of the embedded model plus English stop words).
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from bot.screening._lookalikes import (
    BLANK_AS_SPACE,
    FOREIGN_LOOKALIKES,
    INSULTING_EMOJI,
    INVISIBLE_EXTRA,
    LATIN_LOOKALIKES,
    LEET,
)

log = logging.getLogger(__name__)

Lexicon = Callable[[str], bool]

MAX_CANDIDATES = 32
PLACEHOLDERS = frozenset({"@member", "@role"})  # what mentions become; not leetspeak

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Whole tokens that hold a leet character: the look-behind anchors at a token's start and
# the look-ahead scans it once (a plain [..]*[leet][..]* backtracks quadratically).
_LEET_TOKEN = re.compile(r"(?<![\w@$!|+€])(?=[\w@$!|+€]*[0-9@$!|+€])[\w@$!|+€]+")
_NUMBER_WITH_UNIT = re.compile(
    r"^\d+(?:st|nd|rd|th|s|p|k|d|x|mm|cm|km|kg|fps|am|pm|h|hrs?|m|mins?|bit|gb|mb|ish)$", re.I
)
_STRETCH = re.compile(r"([^\W\d_])\1{2,}", re.I | re.UNICODE)
_STRETCHED_WORD = re.compile(r"(?<![^\W\d_])(?=[^\W\d_]*?([^\W\d_])\1\1)[^\W\d_]+", re.UNICODE)
_SPACED = re.compile(
    r"(?<![\w@$!|+€])((?:[\w@$!|+€][ .\-_*]){2,}[\w@$!|+€])(?![\w@$!|+€])", re.UNICODE
)
_CODE_FENCE = re.compile(r"```(?:[a-zA-Z0-9_+-]+\n)?(.*?)```", re.S)
_MASKED_LINK = re.compile(r"\[([^\]]*)\]\(<?https?://[^)\s]*>?\)")
_URL = re.compile(r"<?\b(?:https?://|www\.)\S+>?", re.I)
_USER_MENTION = re.compile(r"<@!?\d+>")
_ROLE_MENTION = re.compile(r"<@&\d+>")
_CHANNEL_MENTION = re.compile(r"<#\d+>")
_CUSTOM_EMOJI = re.compile(r"<a?:([A-Za-z0-9_]+):\d+>")
_TIMESTAMP = re.compile(r"<t:-?\d+(?::[tTdDfFR])?>")
_SPOILER = re.compile(r"\|\|(.+?)\|\|", re.S)
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_{1,2}|_{1,2}(?![A-Za-z0-9])")
_HEADING = re.compile(r"^(?:#{1,3}|-#) +", re.M)
_BLOCKQUOTE_REST = re.compile(r"^>>> ?(.*)\Z", re.M | re.S)
_BLOCKQUOTE_LINE = re.compile(r"^> ?(.*)$", re.M)
# Quick first checks: a step whose characters are absent leaves the text as it is.
_MARKDOWN_CHARS = "`*_~>#["  # what _remove_markdown acts on ("|" alone is not markdown)
_LOOKALIKE_CHARS = frozenset(FOREIGN_LOOKALIKES) | frozenset(LATIN_LOOKALIKES)
_LEET_CHARS = frozenset(LEET)
_NOT_LEET = bytes(byte for byte in range(128) if chr(byte) not in LEET)
_ASCII_STRETCH = re.compile(r"([A-Za-z])\1\1")
_TRIPLE = re.compile(r"(.)\1\1", re.S | re.I)  # any character thrice: cheaper than a letter class
_TRIPLE_BYTE = re.compile(rb"(.)\1\1", re.S)
# The last letters of any spaced-out run: what _SPACED needs, without its costly look-behind.
_SPACED_HINT = re.compile(r"[ .\-_*][\w@$!|+€][ .\-_*][\w@$!|+€](?![\w@$!|+€])", re.UNICODE)
_REGIONAL_INDICATOR = re.compile("[\U0001f1e6-\U0001f1ff]")
# A Latin letter carrying a mark from the combining blocks (accents, Zalgo text), once the
# text is decomposed: without one, _strip_latin_marks has nothing to do.
_LATIN_WITH_MARK = re.compile(
    "[A-Za-z][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts
_NEWLINES = re.compile(r"\s*\n\s*")


def has_words(text: str) -> bool:
    """True if the text holds a letter or digit (any script)."""
    return _ALNUM.search(text) is not None


class Normalised(NamedTuple):  # made once a message: quicker than a frozen dataclass
    """The text to score and the kinds of evasion that were undone (for moderators to read)."""

    text: str
    changes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def has_words(self) -> bool:
        """False for empty, emoji-only, link-only or punctuation-only messages."""
        return has_words(self.text)


def normalise(text: str, lexicon: Lexicon | None = None) -> Normalised:
    """Undo evasions in `text`; `lexicon(word)` says whether a lower-case word is known."""
    known = lexicon if lexicon is not None else default_lexicon()
    changes: list[str] = []
    for step in STEPS:
        if not step.may_change(text):
            continue
        result = step.apply(text, known)
        if result != text:
            changes.append(step.name)
            text = result
    tidy = _SPACES.sub(" ", text) if _has_odd_spaces(text) else text
    if "\n" in tidy:
        tidy = _NEWLINES.sub("\n", tidy)
    tidy = tidy.strip()
    return Normalised(tidy, tuple(changes))


@dataclass(frozen=True)
class Step:
    """One kind of repair. `may_change(text)` is a cheap first check that is False only when
    `apply` would give the text back unchanged, so ordinary chat skips most steps; the test
    suite checks this against running every step on hostile and ordinary text."""

    name: str
    apply: Callable[[str, Lexicon], str]
    may_change: Callable[[str], bool]


def _has_odd_spaces(text: str) -> bool:
    """What _SPACES replaces: a run of blanks, or a tab, form feed or vertical tab."""
    return "  " in text or "\t" in text or "\f" in text or "\v" in text


@functools.cache
def default_lexicon() -> Lexicon:
    """Known words: the embedded model's vocabulary and scikit-learn's English stop words."""
    try:
        from profanity_check import profanity_check as embedded
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    except ImportError as exc:  # pragma: no cover - alt-profanity-check is a dependency
        log.warning(
            "no lexicon for normalisation (%s); ambiguous repairs take the first guess", exc
        )
        return lambda word: False
    words = frozenset(embedded.vectorizer.vocabulary_) | frozenset(ENGLISH_STOP_WORDS)
    return words.__contains__


def _may_have_invisible(text: str) -> bool:
    # translate() with the large table costs ~0.2 ms a message: look for one first.
    return not text.isascii() and _invisible_finder().search(text) is not None


def _remove_invisible(text: str) -> str:
    return text.translate(_invisible_table())


@functools.cache
def _invisible_finder() -> re.Pattern[str]:
    """A character class of every character _invisible_table changes."""
    codes = sorted(_invisible_table())
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    body = "".join(
        re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")
        for low, high in ranges
    )
    return re.compile(f"[{body}]")


@functools.cache
def _invisible_table() -> dict[int, str | None]:
    """Every format character (Cf: zero-width space and joiners, word joiner, BOM, soft
    hyphen, bidi controls, tag letters), variation selectors and blank fillers, removed;
    blanks that look like a space, made one."""
    codes = [c for c in range(0x80, sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    codes += [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *map(ord, INVISIBLE_EXTRA)]
    table: dict[int, str | None] = dict.fromkeys(codes)
    table.update({ord(blank): " " for blank in BLANK_AS_SPACE})
    return table


def _not_ascii(text: str) -> bool:
    return not text.isascii()


def _fold_compatibility(text: str) -> str:
    if _REGIONAL_INDICATOR.search(text):
        text = "".join(_regional_indicator_letter(ch) for ch in text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _regional_indicator_letter(ch: str) -> str:
    code = ord(ch)
    if 0x1F1E6 <= code <= 0x1F1FF:
        return chr(ord("a") + code - 0x1F1E6)
    return ch


def _strip_latin_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    if not _LATIN_WITH_MARK.search(decomposed):
        return text
    out: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn":
            if base_is_latin:
                continue
        else:
            base_is_latin = ch.isascii() and ch.isalpha()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _may_have_spoiler(text: str) -> bool:
    return "||" in text


def _remove_spoilers(text: str) -> str:
    return _SPOILER.sub(r"\1", text)


def _may_have_markdown(text: str) -> bool:
    return any(ch in text for ch in _MARKDOWN_CHARS)


def _remove_markdown(text: str) -> str:
    text = _CODE_FENCE.sub(r"\1", text)
    text = _BLOCKQUOTE_REST.sub(lambda m: _as_quote(m.group(1)), text)
    text = _BLOCKQUOTE_LINE.sub(lambda m: _as_quote(m.group(1)), text)
    text = _HEADING.sub("", text)
    text = _MASKED_LINK.sub(r"\1", text)
    text = text.replace("`", "").replace("*", "").replace("~~", "")
    return _EMPHASIS_UNDERSCORE.sub("", text)


def _as_quote(body: str) -> str:
    # Block quotes become quotation marks, which film_aware.py understands.
    body = body.strip()
    return f"\u201c{body}\u201d" if body else ""


def _may_have_links(text: str) -> bool:
    return "<" in text or "://" in text or "www." in text.lower()


def _replace_links_and_mentions(text: str) -> str:
    text = _URL.sub(" ", text)
    text = _USER_MENTION.sub("@member", text)
    text = _ROLE_MENTION.sub("@role", text)
    text = _CHANNEL_MENTION.sub("#channel", text)
    text = _TIMESTAMP.sub(" ", text)
    return _CUSTOM_EMOJI.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)


def _may_have_lookalikes(text: str) -> bool:
    return not text.isascii() and not _LOOKALIKE_CHARS.isdisjoint(text)


def _replace_lookalikes(text: str) -> str:
    latin_majority = _latin_letter_share(text) > 0.5
    return _WORD.sub(lambda m: _fix_word_script(m.group(0), latin_majority), text)


def _latin_letter_share(text: str) -> float:
    latin = foreign = 0
    for ch in text:
        if not ch.isalpha() or ch in FOREIGN_LOOKALIKES:
            continue
        if ch.isascii() or ch in LATIN_LOOKALIKES:
            latin += 1
        else:
            foreign += 1
    return latin / (latin + foreign) if latin + foreign else 0.0


def _fix_word_script(word: str, latin_majority: bool) -> str:
    word = "".join(LATIN_LOOKALIKES.get(ch, ch) for ch in word)
    has_latin = any(ch.isascii() for ch in word)
    lookalikes = [ch in FOREIGN_LOOKALIKES for ch in word if not ch.isascii()]
    if not lookalikes or not all(lookalikes):
        return word  # real foreign word (or plain Latin): leave it
    if has_latin or latin_majority:
        return "".join(FOREIGN_LOOKALIKES.get(ch, ch) for ch in word)
    return word


def _may_be_spaced(text: str) -> bool:
    return _SPACED_HINT.search(text) is not None


def _join_spaced_letters(text: str) -> str:
    def join(match: re.Match[str]) -> str:
        chunk = match.group(1)
        separators = set(chunk[1::2])
        if len(separators) != 1 or not any(ch.isalpha() for ch in chunk[::2]):
            return chunk
        return chunk[::2]

    return _SPACED.sub(join, text)


def _may_have_leet(text: str) -> bool:
    if text.isascii():  # deleting every other byte is faster than a set check of each
        return bool(text.encode("ascii").translate(None, _NOT_LEET))
    return not _LEET_CHARS.isdisjoint(text)


def _undo_leetspeak(text: str, known: Lexicon) -> str:
    return _LEET_TOKEN.sub(lambda m: _unleet_token(m.group(0), known), text)


def _unleet_token(token: str, known: Lexicon) -> str:
    if token in PLACEHOLDERS:
        return token
    core = token.rstrip("!|+")
    tail = token[len(core) :]
    letters = sum(ch.isalpha() for ch in core)
    leet = sum(ch in LEET for ch in core)
    if not letters or not leet or len(core) < 3 or _NUMBER_WITH_UNIT.match(core):
        return token
    options = [LEET.get(ch, (ch,)) for ch in core]
    return _best_spelling(("".join(c) for c in itertools.product(*options)), known) + tail


def _may_be_stretched(text: str) -> bool:
    if text.isascii():
        return _TRIPLE_BYTE.search(text.encode("ascii")) is not None
    return _TRIPLE.search(text) is not None


def _unstretch(text: str, known: Lexicon) -> str:
    if (_ASCII_STRETCH if text.isascii() else _STRETCH).search(text) is None:
        return text
    return _STRETCHED_WORD.sub(lambda m: _unstretch_word(m.group(0), known), text)


def _unstretch_word(word: str, known: Lexicon) -> str:
    runs = list(_STRETCH.finditer(word))
    if not runs:
        return word
    pieces: list[list[str]] = []
    cursor = 0
    for run in runs:
        pieces.append([word[cursor : run.start()]])
        pieces.append([run.group(1) * 2, run.group(1)])  # doubled first: "goood" -> "good"
        cursor = run.end()
    pieces.append([word[cursor:]])
    return _best_spelling(("".join(p) for p in itertools.product(*pieces)), known)


def _best_spelling(candidates: Iterable[str], known: Lexicon) -> str:
    """The first candidate the lexicon knows, else the first candidate."""
    first = None
    for candidate in itertools.islice(candidates, MAX_CANDIDATES):
        if first is None:
            first = candidate
        if known(candidate.lower()):
            return candidate
    return first or ""


def _name_insulting_emoji(text: str) -> str:
    for emoji, words in INSULTING_EMOJI.items():
        text = text.replace(emoji, words)
    return text


def _without_lexicon(repair: Callable[[str], str]) -> Callable[[str, Lexicon], str]:
    return lambda text, _known: repair(text)


# In order: each step sees the text as the ones before left it.
STEPS: tuple[Step, ...] = (
    Step("invisible characters", _without_lexicon(_remove_invisible), _may_have_invisible),
    Step("fancy Unicode letters", _without_lexicon(_fold_compatibility), _not_ascii),
    Step("accents piled on letters", _without_lexicon(_strip_latin_marks), _not_ascii),
    Step("spoiler markup", _without_lexicon(_remove_spoilers), _may_have_spoiler),
    Step("markdown", _without_lexicon(_remove_markdown), _may_have_markdown),
    Step("links and mentions", _without_lexicon(_replace_links_and_mentions), _may_have_links),
    Step("look-alike letters", _without_lexicon(_replace_lookalikes), _may_have_lookalikes),
    Step("spaced-out letters", _without_lexicon(_join_spaced_letters), _may_be_spaced),
    Step("leetspeak", _undo_leetspeak, _may_have_leet),
    Step("stretched letters", _unstretch, _may_be_stretched),
    Step("insulting emoji", _without_lexicon(_name_insulting_emoji), _not_ascii),
)
