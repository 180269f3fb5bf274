"""Text helpers shared by the outline and the exports: spoiler spans, safe excerpts, safe names.

Mentions are neutralised by the shared `bot.text.neutralise_mentions`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.text import neutralise_mentions

SPOILER_MARK = "||"
NAME_CHARS = 32  # Discord display names are at most 32 characters
ELLIPSIS = "…"

_MARKDOWN_CHARS = re.compile(r"([\\*_~`|>#\[\]()<])")


def spoiler_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ||spoiler|| including its marks; an unpaired || is plain text."""
    marks = []
    position = text.find(SPOILER_MARK)
    while position != -1:
        marks.append(position)
        position = text.find(SPOILER_MARK, position + len(SPOILER_MARK))
    pairs = zip(marks[0::2], marks[1::2], strict=False)
    return [(start, end + len(SPOILER_MARK)) for start, end in pairs]


def split_spoilers(text: str) -> list[tuple[bool, str]]:
    """The text cut into (is_spoiler, part) pieces; spoiler parts are without their marks."""
    pieces: list[tuple[bool, str]] = []
    cursor = 0
    for start, end in spoiler_spans(text):
        if start > cursor:
            pieces.append((False, text[cursor:start]))
        pieces.append((True, text[start + len(SPOILER_MARK) : end - len(SPOILER_MARK)]))
        cursor = end
    if cursor < len(text):
        pieces.append((False, text[cursor:]))
    return pieces


@functools.lru_cache(maxsize=4096)  # a thread has far fewer authors than messages
def safe_name(name: str, limit: int = NAME_CHARS) -> str:
    """A display name that shows literally in Discord markdown: no formatting, no pings."""
    cleaned = "".join(
        " " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in name
    ).strip()
    cleaned = " ".join(cleaned.split()) or "unknown"
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + ELLIPSIS
    return neutralise_mentions(_MARKDOWN_CHARS.sub(r"\\\1", cleaned))


def excerpt(text: str, limit: int) -> str:
    """One line of at most about `limit` characters, never cut inside a ||spoiler||.

    A spoiler that would be cut is left out whole (or kept whole when it is the beginning and
    not too long), so what stays hidden in Discord stays hidden here.
    """
    if "```" in text:
        text = text.replace("```", " ")
    flat = " ".join(text.split())
    if "@" in flat:
        flat = neutralise_mentions(flat)
    if len(flat) <= limit:
        return _balance_code(flat)
    cut = _word_boundary(flat, limit - 1)
    for start, end in spoiler_spans(flat):
        if start < cut < end:
            cut = _cut_around_spoiler(flat, start, end, limit)
            break
    if cut == 0:
        return "[spoiler]" + ELLIPSIS
    kept = _balance_code(flat[:cut].rstrip())
    return kept if kept.endswith(ELLIPSIS) else kept + ELLIPSIS


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, keeping line breaks; a cut never lands inside a spoiler."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    for start, end in spoiler_spans(text):
        if start < cut < end:
            cut = start
            break
    return text[:cut].rstrip() + ELLIPSIS


def _word_boundary(text: str, cut: int) -> int:
    space = text.rfind(" ", 0, cut + 1)
    return space if space > cut // 2 else cut


def _cut_around_spoiler(text: str, start: int, end: int, limit: int) -> int:
    if text[:start].strip():
        return start
    return end if end <= limit + limit // 2 else 0


def _balance_code(text: str) -> str:
    """An odd number of backticks would swallow the rest of the outline: show them literally."""
    if "`" in text and text.count("`") % 2:
        return text.replace("`", "\\`")
    return text
