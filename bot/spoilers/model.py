"""Spoiler terms as storage and the core share them: validation, keys, the learned threshold.

A discussion's terms are set by moderators (`/discuss spoiler-terms`) and always count as
reveals there. Learned terms come from what members wrap in ||tags|| in a film's discussions:
once `LEARNED_MIN_MEMBERS` different members have tagged a term it counts like a plot term.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InvalidInput
from bot.spoilers._words import STOP_WORDS, stem, words

TERM_MAX_CHARS = 100
TERM_MAX_WORDS = 6
TERMS_PER_DISCUSSION = 100
LEARNED_MIN_MEMBERS = 3


@dataclass(frozen=True)
class SpoilerTerm:
    """A term as typed (`text`, shown neutralised) and its match key (stems joined by spaces)."""

    text: str
    key: str
    added_by: int | None = None
    members: int = 0  # for learned terms: how many different members tagged it

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(self.key.split())


def term_key(text: str) -> str:
    """The match key of a term: its words but function words, lower-cased and stemmed
    ("the Donations" -> "donat"); a term of function words only keeps them all."""
    found = [w for w, _, _ in words(text)]
    content = [w for w in found if w not in STOP_WORDS] or found
    return " ".join(stem(w) for w in content)


def validate_term(text: str) -> SpoilerTerm:
    """A term a moderator typed, or InvalidInput saying exactly what is wrong with it."""
    shown = text.strip()
    if not shown:
        raise InvalidInput("Type the term: a name, a place or a word that gives the plot away.")
    if len(shown) > TERM_MAX_CHARS:
        raise InvalidInput(
            f"That term is {len(shown)} characters; a term can have at most {TERM_MAX_CHARS}."
        )
    key = term_key(shown)
    if not key:
        raise InvalidInput("A term needs at least one word made of letters.")
    if len(key.split()) > TERM_MAX_WORDS:
        raise InvalidInput(f"A term can have at most {TERM_MAX_WORDS} words; add shorter ones.")
    return SpoilerTerm(shown, key)
