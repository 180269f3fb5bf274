"""Every way a film's characters are named, read from the cast list of any source.

A billed character gives its full name, its aliases, the actor's name and surname (so
"Garfield's character" counts), its first and last name alone ("Teddy" for "Teddy Daniels"),
the name without a title ("Cawley" for "Dr. John Cawley"), a quoted nickname ("Bob" in
`Robert "Bob" Paulson`) and the noun of "the Narrator". A character billed under two names
("Teddy Daniels / Andrew Laeddis", as Wikipedia lists a double identity) is one character
whose two names, said in one sentence, give the twist away: `identities` says which of the
two each of its names belongs to.
"""

from __future__ import annotations

import functools
import re

from bot.films.model import FilmDetails
from bot.spoilers._words import GENERIC_STEMS, STOP_WORDS, words

TITLES = frozenset(["miss", "mr", "mrs", "ms", "dr", "madame", "sir", "lady", "lord", "the"])
EVERYDAY_NAME_ZIPF = 4.0  # a name word this common ("Bell", "Will") must be capitalised
_NICKNAME = re.compile(r"[\"“]([^\"”]+)[\"”]")
_SEPARATOR = re.compile(r"\s*/\s*|\s+aka\s+|\s+also known as\s+", re.IGNORECASE)

NameKey = tuple[str, ...]


@functools.cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _key(text: str) -> NameKey:
    return tuple(w for w, _, _ in words(text))


def _variants(name: str) -> list[str]:
    """The full name, a nickname, the name without titles, and its first and last word."""
    variants = [name, *_NICKNAME.findall(name)]
    bare = [w for w in _NICKNAME.sub(" ", name).split() if w.lower().strip(".") not in TITLES]
    if bare:
        variants.append(" ".join(bare))
    if len(bare) >= 2:
        variants += [bare[0], bare[-1]]
    return variants


def character_names(details: FilmDetails) -> tuple[dict[NameKey, str], dict[NameKey, int]]:
    """(name words -> the character, name words -> which of a double identity's two names)."""
    candidates: dict[NameKey, dict[str, None]] = {}
    identities: dict[NameKey, int] = {}
    for credit in details.people("cast"):
        if not credit.character:
            continue
        identities_of = [part for part in _SEPARATOR.split(credit.character) if part.strip()]
        variants = [v for part in identities_of for v in _variants(part)]
        variants += [*credit.aliases, credit.name]
        surname = credit.name.split()[-1]
        if len(surname) > 3:
            variants.append(surname)
        for variant in variants:
            key = _key(variant)
            if key and (len(key) > 1 or (len(key[0]) > 2 and key[0] not in STOP_WORDS)):
                candidates.setdefault(key, {})[credit.character] = None
        if len(identities_of) == 2:
            for index, part in enumerate(identities_of):
                for variant in _variants(part):
                    identities.setdefault(_key(variant), index)
    # A name two characters share ("Bell" for Sam and Tess Bell) points at neither.
    names = {
        key: next(iter(characters))
        for key, characters in candidates.items()
        if len(characters) == 1
    }
    return names, identities


def needs_capital(name: NameKey) -> bool:
    """Whether a name is also an everyday word, so only a capitalised mention counts."""
    return all(
        w in STOP_WORDS or w in GENERIC_STEMS or _zipf(w) >= EVERYDAY_NAME_ZIPF for w in name
    )
