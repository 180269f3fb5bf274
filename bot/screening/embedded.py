"""The embedded backend: alt-profanity-check plus the pattern layer, both offline.

alt-profanity-check (a small linear model shipped inside its wheel) gives one probability.
We report it as `toxicity`, and as `insult` for the parts of a message addressed to someone
("you", "your", a mention): abuse aimed at a person is what gets hidden, while swearing at a
film only reaches the flag threshold. The pattern layer (harm_patterns.py, rules in
data/harm_patterns.json) adds `threat`, `identity_attack` and dehumanising `insult`s. If the
pattern file is missing or corrupt, the backend runs alt-profanity-check alone and says so in
`problem` (shown by /about and /mod screening status). See docs/screening.md for what it misses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

from bot.screening._alternatives import faster
from bot.screening._linear import LinearProfanityModel, Tokens
from bot.screening.harm_patterns import DEFAULT_PATH, HarmPatterns, PatternFileError, load_patterns
from bot.screening.results import Scores

log = logging.getLogger(__name__)

_CLAUSE_END = re.compile(r"[.!?;,:\n\u2026]+|\s(?:but|and then|so)\s")
_ADDRESSED = re.compile(
    r"(?<![\w@])(?:you|your|yours|yourself|yourselves|you'?re|youre|ya|u|ur|thou|@member)(?!\w)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[\w']+")
# Words of exclamations ("Damn!", "Holy shit", "Hell yes", "What the fuck"): a clause made
# only of these is a reaction, not abuse, and is left out of the scored text.
INTERJECTION_WORDS = frozenset(
    [
        "damn",
        "dammit",
        "damnit",
        "goddamn",
        "goddam",
        "god",
        "lord",
        "jesus",
        "christ",
        "holy",
        "hell",
        "heck",
        "shit",
        "shite",
        "crap",
        "fuck",
        "fucking",
        "fuckin",
        "freaking",
        "frickin",
        "friggin",
        "bloody",
        "oh",
        "ohh",
        "ah",
        "ahh",
        "wow",
        "whoa",
        "yes",
        "yeah",
        "yep",
        "yup",
        "hell",
        "no",
        "nope",
        "omg",
        "omfg",
        "wtf",
        "wth",
        "lol",
        "lmao",
        "lmfao",
        "man",
        "dude",
        "bro",
        "me",
        "my",
        "what",
        "the",
        "a",
        "sweet",
        "mother",
        "of",
    ]
)

# Swear words used as intensifiers ("what a fucking mess", "the sequel was shit"). In a part
# of a message addressed to no one they count only as far as the rest of it is abusive
# (the part is scored without them), or at PROFANITY_WEIGHT x their score: swearing at a
# film stays under the toxicity flag threshold; the same words at a person do not. A text
# that is mostly swearing ("fuck this shit") keeps its score, and so does "the shit out of".
PROFANITY_WEIGHT = 0.75
MAX_INTERJECTION_CHARS = 40  # "what the actual fucking hell" fits; a longer clause is not one
_SWEARING = re.compile(
    r"(?<![\w'])(?:fuck(?:ing|in|ed)?|shit(?:ty|e)?|bullshit|crap(?:py)?|damn(?:ed)?|goddamn|"
    r"hell|bloody|freaking|frigging|friggin|piss(?:ed)?)(?![\w'])(?!\s+out\s+of\b)",
    re.IGNORECASE,
)
# The same regexes, quicker to search (see _alternatives.py).
_ADDRESSED, _SWEARING = faster(_ADDRESSED), faster(_SWEARING)


class EmbeddedBackend:
    """alt-profanity-check and the pattern layer behind the ScoringBackend interface."""

    name = "embedded"
    preferred_batch = 256  # sklearn's per-call overhead dominates small batches

    def __init__(self, patterns_path: Path | None = None) -> None:
        self._model = LinearProfanityModel.from_library()  # 1-2 s: its files are unpickled
        self._swear_words = self._model.marks(lambda word: bool(_SWEARING.fullmatch(word)))
        self.patterns: HarmPatterns | None = None
        self.problem: str | None = None  # why the pattern layer is off, for the status line
        try:
            self.patterns = load_patterns(patterns_path or DEFAULT_PATH)
        except PatternFileError as exc:
            self.problem = (
                f"{exc}; threat and identity_attack are not scored, alt-profanity-check runs "
                "alone. Fix: restore the file (reinstall filmbot) or unset TOXICITY_PATTERNS"
            )
            log.error("screening patterns not loaded: %s", self.problem)
        extra = ("threat", "identity_attack") if self.patterns is not None else ()
        self.labels: tuple[str, ...] = ("toxicity", "insult", *extra)

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Toxicity of the worst clause (or the whole); insult of the worst addressed clause;
        threat and identity_attack from the patterns.

        Scoring clauses as well as the whole text keeps one insult from being diluted by
        a long, otherwise civil message (the model's features are length-normalised).
        """
        if not texts:
            return []
        split = [_core_and_clauses(text) for text in texts]
        cores = [core for core, _ in split]
        clauses_per_text = [clauses for _, clauses in split]
        flat = cores + [clause for clauses in clauses_per_text for clause in clauses]
        probabilities = self._toxicities(flat)
        results: list[Scores] = []
        cursor = len(texts)
        for index, clauses in enumerate(clauses_per_text):
            clause_scores = probabilities[cursor : cursor + len(clauses)]
            cursor += len(clauses)
            results.append(
                self._combine(texts[index], probabilities[index], clauses, clause_scores)
            )
        return results

    def _combine(
        self, text: str, whole: float, clauses: list[str], clause_scores: list[float]
    ) -> Scores:
        addressed: list[float] = []
        if is_addressed(text):  # else none of its clauses is
            addressed = [p for c, p in zip(clauses, clause_scores, strict=True) if is_addressed(c)]
            if len(clauses) <= 1:
                addressed.append(whole)
        scores: Scores = {
            "toxicity": max([whole, *clause_scores]),
            "insult": max(addressed, default=0.0),
        }
        if self.patterns is not None:
            for label, value in self.patterns.score(text).items():
                scores[label] = max(scores.get(label, 0.0), value)
        return scores

    def _toxicities(self, texts: list[str]) -> list[float]:
        """The model's probability per text, swearing at no one weighed down (see above)."""
        tokens = self._model.tokenise(texts)
        swearing = self._may_swear(texts, tokens)
        masked = {
            index: _SWEARING.sub(" ", text)
            for index, text in enumerate(texts)
            if index in swearing
            and _SWEARING.search(text)
            and not is_addressed(text)
            and _mostly_not_swearing(text)
        }
        if masked:
            tokens += self._model.tokenise(list(masked.values()))
        probabilities = self._model.probabilities_of(tokens)
        for extra, index in enumerate(masked, start=len(texts)):
            probabilities[index] = max(
                probabilities[extra], PROFANITY_WEIGHT * probabilities[index]
            )
        return probabilities[: len(texts)]

    def _may_swear(self, texts: list[str], tokens: Tokens) -> set[int]:
        """The texts whose swearing, masked, could change their score: in plain ASCII a
        _SWEARING match is a whole token, and masking one the model does not know changes
        nothing, so only texts holding a swear word the model knows, and every non-ASCII
        text, are searched."""
        others = {index for index, text in enumerate(texts) if not text.isascii()}
        return tokens.rows_holding(self._swear_words) | others


def _mostly_not_swearing(text: str) -> bool:
    """True if the text swears, in fewer than a third of its words."""
    swears = len(_SWEARING.findall(text))
    return swears > 0 and 3 * swears < len(_WORDS.findall(text))


def without_interjections(text: str) -> str:
    """The text without clauses that are only an exclamation ("Damn,", "Holy shit."), or
    the text itself when that is all it is."""
    return _core_and_clauses(text)[0]


def _core_and_clauses(text: str) -> tuple[str, list[str]]:
    """The text without its interjection clauses, and its clauses ([] if only one)."""
    parts = [part for part in (p.strip() for p in _CLAUSE_END.split(text)) if part]
    kept = [part for part in parts if not _is_interjection(part)]
    if len(kept) == len(parts):
        return text, parts if len(parts) > 1 else []
    if not kept:
        return text, []
    return ". ".join(kept), kept if len(kept) > 1 else []


def _is_interjection(clause: str) -> bool:
    if len(clause) > MAX_INTERJECTION_CHARS:
        return False
    words = _WORDS.findall(clause.lower())
    return bool(words) and all(word in INTERJECTION_WORDS for word in words)


def split_clauses(text: str) -> list[str]:
    """The clauses of a text with more than one; [] for a single clause."""
    clauses = [part.strip() for part in _CLAUSE_END.split(text)]
    clauses = [clause for clause in clauses if clause]
    return clauses if len(clauses) > 1 else []


def is_addressed(text: str) -> bool:
    """True if the text speaks to someone (second person or a mention)."""
    return _ADDRESSED.search(text) is not None
