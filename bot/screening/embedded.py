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
_QUOTE_MARK = re.compile("[\"\u201c\u201d']")
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
        "good",
        "dear",
        "grief",
        "gosh",
        "gee",
        "jeez",
        "geez",
        "almighty",
        "heavens",
        "heaven",
        "mercy",
        "sake",
        "fuck's",
        "christ's",
        "god's",
        "pete's",
        "heaven's",
        "for",
        "hot",
        "moly",
        "crikey",
        "blimey",
        "cripes",
        "gods",
        "dayum",
        "well",
        "boy",
        "yikes",
        "actual",
        "absolute",
        "lordy",
        "lawd",
        "effing",
        "fricking",
        "frigging",
        "bejesus",
        "mate",
        "guys",
        "lads",
        "folks",
        "woah",
        "ooh",
        "ugh",
        "phew",
        "goddammit",
        "goddamnit",
        "fuckin'",
        "screw",
        "sod",
        "bugger",
        "hells",
        "bells",
        "okay",
        "ok",
    ]
)
# Words a run of exclamations may not end on ("Oh my", "for", "what the"): the run is cut
# back to its last other word. Exclamations that take an object ("fuck you", "damn this")
# are peeled off a clause only when what follows cannot be their object.
_RUN_FILLER = frozenset(
    [
        "a",
        "the",
        "of",
        "my",
        "what",
        "for",
        "sweet",
        "good",
        "dear",
        "mother",
        "holy",
        "hot",
        "actual",
        "absolute",
    ]
)
_CURSES = frozenset(
    [
        "fuck",
        "fucking",
        "fuckin",
        "fuckin'",
        "screw",
        "damn",
        "goddamn",
        "goddam",
        "sod",
        "bugger",
        "shit",
    ]
)
_CURSED_OBJECT = re.compile(
    r"(?:you|u|ya)\b(?!\s+(?:were|was|are|'re|re|have|'ve|had|need|needed|should|must|can|could|"
    r"will|'ll|would|'d|did|do|got|know|knew|said|called|nailed|weren't|wasn't|aren't|haven't|"
    r"didn't|don't|can't|won't|really|actually|totally|absolutely|just|finally)\b)|"
    r"(?:your|ur|yourself|@member|off|this|that|it|him|her|them|the|all|these|those|everyone|"
    r"everybody|everything|every|him|his|her)\b",
    re.IGNORECASE,
)

# Swear words used as intensifiers ("what a fucking mess", "the sequel was shit"). In a part
# of a message addressed to no one they count only as far as the rest of it is abusive
# (the part is scored without them), or at PROFANITY_WEIGHT x their score: swearing at a
# film stays under the toxicity flag threshold; the same words at a person do not. A text
# that is mostly swearing ("fuck this shit") keeps its score, and so does "the shit out of".
PROFANITY_WEIGHT = 0.75
# A text about a story ("In Schindler's List the Nazis shoot Jews in the street"), addressed
# to no one and matching no harm rule, counts at this weight for toxicity: the model reads
# the names of persecuted groups as abuse (0.92), and the rules found none. Pure abuse (1.0)
# still reaches the flag threshold 0.80.
STORY_WEIGHT = 0.8
# Scored without its exclamations, a text whose toxicity or insult still reaches this is
# abusive on its own: it keeps the score it has as written, exclamations included.
ABUSIVE_REST = 0.5
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
        results = self._score_views(
            [(text, core, clauses) for text, (core, clauses, _) in zip(texts, split, strict=True)]
        )
        # a text that lost an exclamation and is still abusive without it is scored as
        # written too: the exclamation only adds to the abuse ("What the hell is wrong with you")
        again = [
            index
            for index, (_, _, changed) in enumerate(split)
            if changed and max(results[index]["toxicity"], results[index]["insult"]) >= ABUSIVE_REST
        ]
        as_written = self._score_views(
            [(texts[i], texts[i], split_clauses(texts[i])) for i in again], patterns=False
        )
        for index, scores in zip(again, as_written, strict=True):
            for label in ("toxicity", "insult"):
                results[index][label] = max(results[index][label], scores[label])
        return results

    def _score_views(
        self, views: list[tuple[str, str, list[str]]], patterns: bool = True
    ) -> list[Scores]:
        """Scores of (text, core to score, its clauses) views, in one pass of the model."""
        flat = [core for _, core, _ in views] + [c for _, _, clauses in views for c in clauses]
        probabilities = self._toxicities(flat) if views else []
        results: list[Scores] = []
        cursor = len(views)
        for index, (text, _, clauses) in enumerate(views):
            clause_scores = probabilities[cursor : cursor + len(clauses)]
            cursor += len(clauses)
            scores = self._combine(text, probabilities[index], clauses, clause_scores, patterns)
            results.append(scores)
        return results

    def _combine(
        self,
        text: str,
        whole: float,
        clauses: list[str],
        clause_scores: list[float],
        patterns: bool = True,
    ) -> Scores:
        addressed: list[float] = []
        to_someone = is_addressed(text)
        speaking = self._without_quoted_speech(text) if to_someone else text
        if speaking is not text:
            to_someone = is_addressed(speaking)
        if to_someone:  # else none of its clauses is
            addressed = [
                p
                for c, p in zip(_placed(speaking, text, clauses), clause_scores, strict=True)
                if is_addressed(c)
            ]
            if len(clauses) <= 1:
                addressed.append(whole)
        scores: Scores = {
            "toxicity": max([whole, *clause_scores]),
            "insult": max(addressed, default=0.0),
        }
        if self.patterns is not None and patterns:
            found = self.patterns.score(text)
            for label, value in found.items():
                scores[label] = max(scores.get(label, 0.0), value)
            if (
                not to_someone
                and scores["toxicity"] >= STORY_WEIGHT * 0.9
                and not any(found.values())
                and self.patterns.tells_a_story(text)
            ):
                scores["toxicity"] *= STORY_WEIGHT
        return scores

    def _without_quoted_speech(self, text: str) -> str:
        """The text with quoted dialogue blanked out (same length): the "you" in a quoted
        film line ("his speech 'I will find you'") speaks to a character, not a member."""
        if self.patterns is None or not _QUOTE_MARK.search(text):
            return text
        for start, end in self.patterns.speech_quotes(text):
            text = text[:start] + " " * (end - start) + text[end:]
        return text

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


def _placed(speaking: str, text: str, clauses: list[str]) -> list[str]:
    """Each clause of `text` as it stands in `speaking` (the same text, quotes blanked)."""
    if speaking is text:
        return clauses
    placed, cursor = [], 0
    for clause in clauses:
        start = text.find(clause, cursor)
        if start < 0:  # a joined core: the clause is not in the text as it is
            placed.append(clause)
            continue
        cursor = start + len(clause)
        placed.append(speaking[start:cursor])
    return placed


def _mostly_not_swearing(text: str) -> bool:
    """True if the text swears, in fewer than a third of its words."""
    swears = len(_SWEARING.findall(text))
    return swears > 0 and 3 * swears < len(_WORDS.findall(text))


def without_interjections(text: str) -> str:
    """The text without clauses that are only an exclamation ("Damn,", "Holy shit.") and
    the exclamation a clause opens with, or the text itself when that is all it is."""
    return _core_and_clauses(text)[0]


def _core_and_clauses(text: str) -> tuple[str, list[str], bool]:
    """The text without its interjections (clauses that are only one, and a run of them
    opening a clause: "Holy shit you need to see this"), its clauses ([] if only one), and
    whether anything was left out."""
    parts = [part for part in (p.strip() for p in _CLAUSE_END.split(text)) if part]
    kept = [_without_opening_exclamation(part) for part in parts if not _is_interjection(part)]
    if kept == parts:
        return text, parts if len(parts) > 1 else [], False
    if not kept:
        return text, [], False
    return ". ".join(kept), kept if len(kept) > 1 else [], True


def _without_opening_exclamation(clause: str) -> str:
    """The clause without the exclamation it opens with ("Bloody hell mate you weren't
    kidding" -> "you weren't kidding"), unless that would part a curse from its object
    ("fuck you", "damn this film") or leave nothing."""
    first = _WORDS.match(clause)
    if first is None or first.group(0).lower() not in INTERJECTION_WORDS:
        return clause
    end, last = 0, ""
    for word in _WORDS.finditer(clause):
        folded = word.group(0).lower()
        if folded not in INTERJECTION_WORDS or word.end() > MAX_INTERJECTION_CHARS:
            break
        if folded not in _RUN_FILLER:
            end, last = word.end(), folded
    rest = clause[end:].lstrip(" ,-\u2013\u2014")
    if not end or not rest or (last in _CURSES and _CURSED_OBJECT.match(rest)):
        return clause
    return rest


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
