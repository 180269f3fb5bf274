"""Sentences of a comment or a plot text: where each starts and ends.

Initials and titles ("Kathy H.", "Mr. Smith") do not end a sentence; line breaks do, except
that lines of a word or three typed one under another are read as the one sentence they are.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|\n+")
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "vs", "etc", "jr", "sr", "no", "e.g", "i.e"]
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed; initials do not end one."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(0)[0] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for lo, hi in spans:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            trimmed.append((lo, hi))
    return trimmed


FRAGMENT_WORDS = 3


def join_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with lines of at most 3 words, split only by line breaks, joined into one.

    A reveal typed a word or two per line ("Tommy\ndies\nat the end") is read as the
    sentence it is; lines ending in ., ! or ? stay sentences of their own."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _continues(text, joined[-1], (start, end)):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _continues(text: str, before: tuple[int, int], span: tuple[int, int]) -> bool:
    between = text[before[1] : span[0]]
    return (
        _is_fragment(text, *before)
        and _is_fragment(text, *span)
        and not between.strip()
        and text[before[1] - 1] not in ".!?…"
    )


def _is_fragment(text: str, start: int, end: int) -> bool:
    return len(text[start:end].split()) <= FRAGMENT_WORDS or "\n" in text[start:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    before = text[:dot].split()
    if not before:
        return False
    last = before[-1].lower().strip("(\"'")
    return (len(last) == 1 and last.isalpha()) or last in _ABBREVIATIONS
