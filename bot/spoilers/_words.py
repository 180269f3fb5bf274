"""Word lists and a light stemmer for spoiler detection (English; general, not film-specific).

STOP_WORDS are function words. REVIEW_WORDS are words critics and members use about any film
without giving its plot away ("scene", "performance", "emotional"): a film's spoiler sections
use them too, so they are never taken as plot points. FATE_WORDS reveal an outcome whatever
the film ("dies", "killed"); REVEAL_CUES point at the later plot ("the ending", "turns out").
"""

from __future__ import annotations

import re


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _word_set(
    """
    a about above after again against all also although am an and any are aren as at be
    because been before being below between both but by can cannot could couldn did didn do
    does doesn doing don down during each either else even ever every few for from further
    had hadn has hasn have haven having he her here hers herself him himself his how however
    i if in into is isn it its itself just let like may me might more most much must mustn my
    myself neither no nor not now of off often on once only or other others our ours
    ourselves out over own perhaps quite rather really same shall she should shouldn since so
    some still such than that the their theirs them themselves then there these they this
    those though through thus to too under until up upon us very was wasn we were weren what
    whatever when where whether which while who whom whose why will with within without won
    would wouldn yet you your yours yourself yourselves one ones two three many several s t
    ll re ve d m o oh yes yeah lol
    """
)

REVIEW_WORDS = _word_set(
    """
    film films movie movies cinema scene scenes shot shots story stories plot character
    characters audience audiences viewer viewers watch watched watching see seen saw look
    looks looked performance performances acting actor actors actress cast casting role roles
    director directed directing direction screenplay script writer written book books novel
    novels adaptation adapted version emotional emotionally beautiful beautifully sad sadness
    tragic tragedy moving moved quiet quietly powerful stunning haunting melancholic
    melancholy heart hearts love loved loves loving life lives live living time times year
    years day days world people person way ways thing things point part parts moment moments
    make makes made making feel feels felt feeling feelings know knew known come comes came
    become becomes became leave leaves left find finds found give gives gave given take
    takes took taken tell tells told hold holds held drive drives offer offers close closes
    closed begin begins began start starts started keep keeps kept get gets got go goes
    went gone think thought want wanted try tries tried seem seems seemed truly deeply really
    good great best better bad worse worst new old long short little big small first last
    whole own other another much well also almost never always again something nothing
    everything anything someone everyone anyone fate fates journey relationship relationships
    friend friends friendship together hope hopes hoped weight tone mood music score
    soundtrack ending endings beginning middle act acts minute minutes hour hours review
    reviews fan fans genre sci fi fiction science drama romance romantic dystopia dystopian
    premise idea ideas theme themes experience experiences meaning human humans humanity
    """
)

FATE_WORDS = _word_set(
    "die dies died dying dead death deaths kill kills killed killing killer murder murdered "
    "suicide perish perishes perished poisoned poisons stabbed stabs strangled strangles "
    "drowned drowns smothered smothers hanged executed beheaded decapitated severed"
)

REVEAL_CUES = (
    "the ending",
    "in the end",
    "at the end",
    "by the end",
    "the end",
    "turns out",
    "it is revealed",
    "twist",
    "the truth",
    "finally",
    "eventually",
    "final act",
    "last scene",
    "final scene",
)

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CONTRACTION = re.compile(r"(n't|'s|'ve|'ll|'re|'d|'m)$")  # "didn't" -> "did", "Ruth's" -> "ruth"
_SUFFIXES = ("ions", "ion", "ings", "ing", "ments", "ment", "ed", "es", "s")


def words(text: str) -> list[tuple[str, int, int]]:
    """(lowercased word without a possessive 's, start, end) for each word in `text`."""
    tokens = []
    for match in WORD.finditer(text):
        word = match.group(0).lower().replace("’", "'").strip("'-")
        word = _CONTRACTION.sub("", word)
        if word:
            tokens.append((word, match.start(), match.end()))
    return tokens


def stem(word: str) -> str:
    """A crude stem, so that "dies", "died" and "dying", or "donate" and "donations", meet."""
    word = word.lower()
    if word.endswith(("ies", "ied")) and len(word) >= 4:
        return word[:-3] + "y"
    if word.endswith("ying") and len(word) >= 5:
        return word[:-4] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("ie"):
        return word[:-2] + "y"
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopped" -> "stopp" -> "stop"
    return word


GENERIC_STEMS = frozenset(stem(w) for w in STOP_WORDS | REVIEW_WORDS)
FATE_STEMS = frozenset(stem(w) for w in FATE_WORDS)
