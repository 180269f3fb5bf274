"""Echoing what a member typed back to them, safely (no pings, no markdown, no bidi tricks)."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
MARKDOWN = re.compile(r"([\\*_~`|>#\[\]<])")
# Bidi embeddings/overrides/isolates would reorder the rest of the bot's message.
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


_YEAR_SUFFIX = re.compile(r" \(\d{1,4}\)$")


def fit_label(label: str, limit: int) -> str:
    """A "Title (Year)" label in at most `limit` characters, cutting the title, never the year
    (namesakes differ by it)."""
    if len(label) <= limit:
        return label
    found = _YEAR_SUFFIX.search(label)
    year = found.group(0) if found else ""
    return truncate(label[: len(label) - len(year)], limit - len(year)) + year


def plain(text: str) -> str:
    """One line, no control or bidi-override characters, whitespace collapsed."""
    if text.isprintable():  # the common case: no control, format or bidi characters at all
        return " ".join(text.split())
    text = text.translate(BIDI_CONTROLS)
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) != "Cf" or ch == "\u200d"  # keep emoji joiners
    )
    return " ".join(cleaned.split())


def safe_echo(text: str, limit: int = 80) -> str:
    """A member's input as it can be quoted in a reply: one line, markdown escaped, mentions
    broken ("@\u200beveryone"), truncated to `limit` characters before escaping."""
    shown = truncate(plain(text), limit)
    shown = MARKDOWN.sub(r"\\\1", shown)
    return shown.replace("@", "@\u200b")


def escape_markdown(text: str) -> str:
    """Catalog text shown in Discord: markdown characters escaped, mentions broken."""
    return MARKDOWN.sub(r"\\\1", text).replace("@", "@\u200b")
