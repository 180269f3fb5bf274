"""Text safety shared by every renderer: mention neutralising and markdown escaping.

- `neutralise_mentions` makes every kind of mention markup inert: `@everyone`, `@here`, users
  (`<@id>`, `<@!id>`), roles (`<@&id>`), channels (`<#id>`), slash commands (`</name:id>`) and
  guild links (`<id:browse>`). Nothing can ping, and nothing even looks like a mention.
- `escape_markdown` shows text literally in markdown, mentions included.
- `neutral_name` is for names and titles (nicknames, film titles) put into any message: one
  line, no formatting, no mentions, at most `limit` characters.
- `neutral_label` is for places Discord shows without markdown (thread names): mentions inert,
  one line, no control characters.
- `clean_typed` is for free text a person types that the bot keeps (reasons, terms): direction
  overrides, zero-width and control characters dropped, runs of combining marks capped.
- `typed_back` quotes what someone typed in a refusal: one line, cut short, as inline code.
The zero-width space used here is invisible in Discord, so readers see the text unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from bot.limits import DISPLAY_NAME, EMBED_TITLE

ZERO_WIDTH_SPACE = "\u200b"
ELLIPSIS = "…"
NAME_CHARS = DISPLAY_NAME  # names are shown at most as long as Discord's display names

_BROADCAST = re.compile(r"@(everyone|here)(?![A-Za-z0-9])", re.IGNORECASE)
# users <@id> <@!id>, roles <@&id>, channels <#id>, commands </name sub:id>, guild <id:browse>
_ID_MENTION = re.compile(r"<(@|#|/|id:)([!&]?\d+|(?<=/)[^<>:\n\u200b][^<>:\n]*:\d+|(?<=:)\w+)>")
_NAME_MARKUP = re.compile(r"([\\*_~`|\[\]<>])")
# Bidirectional embeddings, overrides and isolates: they reorder the rest of a line.
_BIDI_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Those, directional marks, zero-width characters and the byte-order mark: they reorder or
# hide text without showing anything themselves.
_HIDDEN = re.compile(
    "[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]"
)
COMBINING_RUN = 2  # combining marks kept on one letter ("é̃" is fine, "zalgo" stacks are not)
TYPED_BACK_CHARS = 80  # how much of a refused input a refusal quotes back


def neutralise_mentions(text: str) -> str:
    """Make every mention markup inert (see the module docstring) while keeping it readable."""
    text = _BROADCAST.sub(lambda m: "@" + ZERO_WIDTH_SPACE + m.group(1), text)
    return _ID_MENTION.sub(lambda m: f"<{m.group(1)}{ZERO_WIDTH_SPACE}{m.group(2)}>", text)


def one_line(text: str) -> str:
    """Control, format and separator characters as spaces, whitespace runs collapsed."""
    if not text.isprintable():
        text = "".join(
            " " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text
        )
    return " ".join(text.split())


def neutral_label(text: str) -> str:
    """Text for places shown without markdown (thread names): one line, mentions inert."""
    return neutralise_mentions(one_line(text))


def neutral_name(name: str, limit: int = NAME_CHARS, fallback: str = "unknown") -> str:
    """A name or title that shows literally inside any markdown: no formatting, no pings."""
    cleaned = one_line(name) or fallback
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + ELLIPSIS
    return _NAME_MARKUP.sub(r"\\\1", neutralise_mentions(cleaned))


def escape_markdown(text: str) -> str:
    """Backslash-escape Discord markdown so plain text (e.g. catalog prose) shows literally.

    Only characters that start markdown are escaped, and `-`, `#` and `>` only at a line start.
    Mention markup is made inert too (`neutralise_mentions`): it would show as a mention.
    Direction overrides are dropped: one in a title would reverse the rest of the line.
    """
    text = _BIDI_FORMATTING.sub("", text)
    escaped_lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        head = ""
        if stripped[:1] in ("#", ">", "-"):
            head, stripped = "\\" + stripped[0], stripped[1:]
        body = re.sub(r"([\\*_~`|\[\]])", r"\\\1", stripped)
        escaped_lines.append(indent + head + body)
    return neutralise_mentions("\n".join(escaped_lines))


def clean_typed(text: str) -> str:
    """Free text as the bot keeps it: hidden and control characters (but not line breaks or
    tabs) dropped, combining marks capped at COMBINING_RUN per letter, ends stripped."""
    text = _HIDDEN.sub("", text)
    kept: list[str] = []
    run = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\n\t":
            continue
        run = run + 1 if category == "Mn" else 0
        if run <= COMBINING_RUN:
            kept.append(ch)
    return "".join(kept).strip()


def typed_back(text: str, limit: int = TYPED_BACK_CHARS) -> str:
    """What someone typed, quoted in a refusal as inline code: one line, cleaned, at most
    `limit` characters; backticks are swapped for a look-alike so the code span cannot break."""
    shown = one_line(clean_typed(text)) or "(nothing)"
    if len(shown) > limit:
        shown = shown[: limit - 1] + ELLIPSIS
    return "`" + neutralise_mentions(shown.replace("`", "\u02cb")) + "`"


def embed_title(text: str, limit: int = EMBED_TITLE) -> str:
    """Catalog or member text as an embed title or field name (both render markdown): one
    line, markdown escaped so spoiler bars, backticks and emphasis show as typed, mentions
    inert, at most `limit` characters (never ending in a lone escaping backslash)."""
    shown = escape_markdown(one_line(text))
    if len(shown) > limit:
        shown = shown[: limit - 1].rstrip("\\").rstrip() + ELLIPSIS
    return shown


def has_visible_text(text: str) -> bool:
    """Whether anything would show: not only spaces, zero-width, control or combining marks."""
    return any(unicodedata.category(ch)[0] not in "CZM" for ch in text)


def strip_invisible(text: str) -> str:
    """Drop the zero-width characters renderers insert, e.g. to compare what readers see."""
    return text.replace(ZERO_WIDTH_SPACE, "")


def joined(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c": a list as a sentence says it."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 message", "2 messages", "1,200 messages" (`plural` for irregular nouns)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
