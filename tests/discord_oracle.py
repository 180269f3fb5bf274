"""What Discord reveals: an independent reading of a message with simple-markdown's rules.

Written for the tests, apart from the bot's markdown model (bot/spoilers/_markdown.py): it
follows simple-markdown's own parser loop instead. At each position of the remaining text the
inline rules are tried in their order on the *sliced* text (so `^` and `\\b` see the slice,
as in JavaScript); strong, em and underline share one order, and the longest of their matches
wins (em wins ties, underline loses them). A rule's content is parsed again, inside; code and
URLs are taken raw. Only what changes visibility is modelled: which characters a reader sees
before clicking anything (`shown`) and which only after clicking a spoiler (`hidden`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ZWSP = "\u200b"

_CODE_BLOCK = re.compile(r"```(?:([a-z0-9_+\-.#]+?)\n+)?\n*([\s\S]+?)\n*```", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")
_AUTOLINK = re.compile(r"<([^: >]+:/[^ >]+)>")
_URL = re.compile(r"(https?://[^\s<]+[^<.,:;\"')\]\s])")
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^\s)<>]*)>?\s*\)")
_STRONG = re.compile(r"\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)")
_EM = re.compile(
    r"\b_((?:__|\\[\s\S]|[^\\_])+?)_\b"
    r"|\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)"
)
_UNDERLINE = re.compile(r"__((?:\\[\s\S]|[^\\])+?)__(?!_)")
_STRIKE = re.compile(r"~~([\s\S]+?)~~(?!_)")
_INLINE_CODE = re.compile(r"(`+)([\s\S]*?[^`])\1(?!`)")
_SPOILER = re.compile(r"\|\|([\s\S]+?)\|\|")
_TEXT = re.compile(r"[\s\S]+?(?=[^0-9A-Za-z\s\u00c0-\uffff-]|\n\n|\n|\w+:\S|$)")


@dataclass
class Reading:
    shown: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)

    def add(self, text: str, in_spoiler: bool) -> None:
        (self.hidden if in_spoiler else self.shown).append(text)


def reveal(markdown: str) -> tuple[str, str]:
    """(shown, hidden): the characters a reader sees at once, and those behind spoilers."""
    reading = Reading()
    _parse(markdown, False, reading)

    def clean(parts: list[str]) -> str:
        return "".join(parts).replace(ZWSP, "")

    return clean(reading.shown), clean(reading.hidden)


def _emphasis(source: str) -> tuple[re.Match[str], str] | None:
    """The best of strong / em / underline at the start of `source` (simple-markdown quality)."""
    best = None
    for regex, kind, bonus in ((_STRONG, "strong", 0.1), (_EM, "em", 0.2), (_UNDERLINE, "u", 0)):
        match = regex.match(source)
        if match and (best is None or len(match.group(0)) + bonus > best[0]):
            best = (len(match.group(0)) + bonus, match, kind)
    return (best[1], best[2]) if best else None


def _parse(source: str, in_spoiler: bool, reading: Reading) -> None:
    while source:
        source = _step(source, in_spoiler, reading)


def _step(source: str, in_spoiler: bool, reading: Reading) -> str:
    """Apply the first rule that matches at the start of `source`; the rest of the text."""
    if match := _CODE_BLOCK.match(source):
        reading.add(match.group(2), in_spoiler)
    elif (
        (match := _ESCAPE.match(source))
        or (match := _AUTOLINK.match(source))
        or (match := _URL.match(source))
    ):
        reading.add(match.group(1), in_spoiler)
    elif match := _LINK.match(source):
        _parse(match.group(1), in_spoiler, reading)
    elif found := _emphasis(source):
        match, _kind = found
        _parse(match.group(1) or match.group(2) or "", in_spoiler, reading)
    elif match := _STRIKE.match(source):
        _parse(match.group(1), in_spoiler, reading)
    elif match := _INLINE_CODE.match(source):
        reading.add(match.group(2), in_spoiler)
    elif match := _SPOILER.match(source):
        _parse(match.group(1), True, reading)
    else:
        match = _TEXT.match(source)
        reading.add(match.group(0), in_spoiler)
    return source[match.end() :]
