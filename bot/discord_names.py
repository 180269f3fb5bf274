"""Names as Discord accepts them for webhook messages (a member's name on a re-post).

Discord refuses webhook names that contain "clyde" or "discord" or that are "everyone" or
"here", and strips invisible characters before it checks, so a zero-width space does not get a
name through. A Cyrillic look-alike letter does: "Discord Dan" becomes "Discоrd Dan".
"""

from __future__ import annotations

import re
import unicodedata

from bot import limits

FALLBACK_NAME = "member"
_RESERVED_WORDS = re.compile(r"discord|clyde", re.IGNORECASE)
_RESERVED_WHOLE = ("everyone", "here")
_LOOK_ALIKES = str.maketrans({"o": "\u043e", "O": "\u041e", "e": "\u0435", "E": "\u0415"})


def _look_alike(word: str) -> str:
    """The word with its first o (discord) or e (clyde, everyone, here) in Cyrillic."""
    letter = "o" if word.lower() == "discord" else "e"
    at = word.lower().index(letter)
    return word[:at] + word[at].translate(_LOOK_ALIKES) + word[at + 1 :]


def webhook_name(display_name: str) -> str:
    """The display name as a webhook username Discord accepts (1-80 visible characters)."""
    visible = "".join(ch for ch in display_name if unicodedata.category(ch) != "Cf")
    name = " ".join(visible.split())
    name = _RESERVED_WORDS.sub(lambda m: _look_alike(m[0]), name)
    if name.lower() in _RESERVED_WHOLE:
        name = _look_alike(name)
    return name[: limits.WEBHOOK_USERNAME].strip() or FALLBACK_NAME
