"""Text safety shared by every renderer: mention neutralising and markdown escaping.

Replies that echo user or catalog text run it through `neutralise_mentions` so that a pasted
`@everyone` or `<@&role>` can never ping, even if a cog forgets `allowed_mentions`. The zero-width
space used here is invisible in Discord, so readers see the text unchanged.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"

# @everyone / @here, and user (<@id>, <@!id>), role (<@&id>) mentions.
_BROADCAST = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_ID_MENTION = re.compile(r"<@([!&]?\d+)>")


def neutralise_mentions(text: str) -> str:
    """Make @everyone, @here, <@id>, <@!id> and <@&id> inert while keeping them readable."""
    text = _BROADCAST.sub(lambda m: "@" + ZERO_WIDTH_SPACE + m.group(1), text)
    return _ID_MENTION.sub(lambda m: "<@" + ZERO_WIDTH_SPACE + m.group(1) + ">", text)


def escape_markdown(text: str) -> str:
    """Backslash-escape Discord markdown so plain text (e.g. catalog prose) shows literally.

    Only characters that start markdown are escaped, and `-`, `#` and `>` only at a line start.
    """
    escaped_lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        head = ""
        if stripped[:1] in ("#", ">", "-"):
            head, stripped = "\\" + stripped[0], stripped[1:]
        body = re.sub(r"([\\*_~`|\[\]])", r"\\\1", stripped)
        escaped_lines.append(indent + head + body)
    return "\n".join(escaped_lines)


def strip_invisible(text: str) -> str:
    """Drop the zero-width characters renderers insert, e.g. to compare what readers see."""
    return text.replace(ZERO_WIDTH_SPACE, "")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 message", "2 messages", "1,200 messages" (`plural` for irregular nouns)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
