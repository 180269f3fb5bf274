"""Rendering shared by every feature: embed data within Discord's limits, and user text made
safe to show (mentions neutralised so nobody is pinged, markdown escaped, long text trimmed).
Plain Python: cogs turn EmbedData into discord.Embed (cogs/_ui.py). Mention neutralising and
markdown escaping live in bot/text.py: `neutral_name` for names and titles in messages,
`neutral_label` for thread names, `escape_markdown` (mentions included) for other plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.text import ELLIPSIS


@dataclass(frozen=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class EmbedData:
    """Everything a cog needs to build a discord.Embed, already within Discord's limits."""

    title: str
    description: str = ""
    fields: tuple[EmbedField, ...] = field(default_factory=tuple)
    footer: str | None = None
    thumbnail_url: str | None = None  # e.g. a film's poster (TMDB)

    def as_dict(self) -> dict[str, Any]:
        """The embed in Discord's JSON shape."""
        data: dict[str, Any] = {"title": self.title, "description": self.description}
        data["fields"] = [
            {"name": f.name, "value": f.value, "inline": f.inline} for f in self.fields
        ]
        if self.footer:
            data["footer"] = {"text": self.footer}
        if self.thumbnail_url:
            data["thumbnail"] = {"url": self.thumbnail_url}
        return data

    def total_chars(self) -> int:
        """Characters counted towards Discord's EMBED_TOTAL per embed (bot/limits.py)."""
        fields = sum(len(f.name) + len(f.value) for f in self.fields)
        return len(self.title) + len(self.description) + fields + len(self.footer or "")


def trim(text: str, limit: int, link: str | None = None) -> str:
    """`text` cut to `limit` characters, ending with … and a link to the full text if given."""
    if len(text) <= limit:
        return text
    tail = ELLIPSIS if link is None else f"{ELLIPSIS} [full text]({link})"
    if len(tail) >= limit:
        tail = ELLIPSIS
    return text[: limit - len(tail)].rstrip() + tail


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: each reader sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"
