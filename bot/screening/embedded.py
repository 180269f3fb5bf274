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
from typing import NamedTuple

from bot.screening._alternatives import CaseBlind, faster
from bot.screening._film_talk import (
    CONTEMPT,
    CONTEMPT_WORDS,
    CURSE_AT_YOU,
    CURSED_OBJECT,
    CURSES,
    FIGURATIVE_WORD,
    INTENSIFIER,
    INTERJECTION_WORDS,
    MILD_CURSE,
    RUN_FILLER,
    VOCATIVE,
    without_figurative_harm,
)
from bot.screening._linear import LinearProfanityModel, Tokens
from bot.screening.harm_patterns import DEFAULT_PATH, HarmPatterns, PatternFileError, load_patterns
from bot.screening.results import Scores
from bot.screening.second_look import LOOK_OFF, load_second_look

log = logging.getLogger(__name__)

_CLAUSE_END = re.compile(r"[.!?;,:\n\u2026]+|\s(?:but|and then|so)\s")
# The same splits, quicker: a pattern that opens with a class lets the engine skip to the
# next punctuation mark or blank without trying a match at every character.
_PUNCTUATION = "[.!?;,:\n\u2026]"
_CLAUSE_END_QUICK = re.compile(
    rf"[.!?;,:\n\u2026\s](?:(?<={_PUNCTUATION}){_PUNCTUATION}*|(?<=\s)(?:but|and then|so)\s)"
)
_ADDRESSED = re.compile(
    r"(?<![\w@])(?:you|your|yours|yourself|yourselves|you'?re|youre|ya|u|ur|thou|@member)(?!\w)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[\w']+")
_QUOTE_MARK = re.compile("[\"\u201c\u201d']")
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
MAX_NAMES = 4096  # words kept once asked whether they are a name (then the lot is dropped)
MAX_INTERJECTION_CHARS = 40  # "what the actual fucking hell" fits; a longer clause is not one
_SWEARING = re.compile(
    r"(?<![\w'])(?:fuck(?:ing|in|ed)?|shit(?:ty|e)?|bullshit|crap(?:py)?|damn(?:ed)?|goddamn|"
    rf"hell|bloody|freaking|frigging|friggin|piss(?:ed)?|ass|{CONTEMPT_WORDS})(?![\w'])"
    r"(?!\s+out\s+of\b(?!\s+(?:me|us|myself)\b))",
    re.IGNORECASE,
)
# The same regexes, quicker to search (see _alternatives.py).
_ADDRESSED, _SWEARING = faster(_ADDRESSED), faster(_SWEARING)
# For ASCII text, quicker still: searched in it lower-cased (see CaseBlind).
_ADDRESSED_CASE_BLIND, _SWEARING_CASE_BLIND = CaseBlind(_ADDRESSED), CaseBlind(_SWEARING)
_CURSE_AT_YOU, _INTENSIFIER = CaseBlind(CURSE_AT_YOU), CaseBlind(INTENSIFIER)


class EmbeddedBackend:
    """alt-profanity-check and the pattern layer behind the ScoringBackend interface."""

    name = "embedded"
    preferred_batch = 256  # sklearn's per-call overhead dominates small batches

    def __init__(
        self,
        patterns_path: Path | None = None,
        head_path: Path | None = None,
        second_look: bool = True,
    ) -> None:
        self._model = LinearProfanityModel.from_library()  # 1-2 s: its files are unpickled
        self._swear_words = self._model.marks(lambda word: bool(_SWEARING.fullmatch(word)))
        self._figurative_words = self._model.marks(lambda w: bool(FIGURATIVE_WORD.fullmatch(w)))
        self._names: dict[str, bool] = {}
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
        # the second look's state, "second look on" / "... off (TOXICITY_SECOND_LOOK=off)" /
        # "... unavailable: why", for the status line
        self.second_look, self.second_look_state = (
            load_second_look(
                self.patterns,
                head_path,
                is_addressed,
                self._said_to_someone,
            )
            if second_look
            else (None, LOOK_OFF)
        )
        extra = ("threat", "identity_attack") if self.patterns is not None else ()
        self.labels: tuple[str, ...] = ("toxicity", "insult", *extra)

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """The first stage's scores, then the second look's (when it is on): what a script,
        a benchmark or a test scoring texts directly gets. The bot itself scores with
        `first_stage()` and looks again in the background (bot/screening/look_queue.py)."""
        results = self.first_stage_scores(texts)
        if self.second_look is not None and results:  # threat and hate the word lists miss
            self.second_look.apply(texts, results)
        return results

    def first_stage(self) -> FirstStage:
        """This backend without its second look, as a backend of its own (for the batcher)."""
        return FirstStage(self)

    def first_stage_scores(self, texts: Sequence[str]) -> list[Scores]:
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
        if not again:  # most batches: no second pass of the model (its call costs ~0.1 ms)
            return results
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
        looks = [self._look(text, core, clauses) for text, core, clauses in views]
        cores = [core for _, core, _ in views]
        clauses_of = [i for i, (_, _, clauses) in enumerate(views) for _ in clauses]
        flat = cores + [c for _, _, clauses in views for c in clauses]
        # a core is its clauses and what parts them (punctuation, "but", "so", "and then":
        # no word the model knows), so it holds exactly their tokens
        tokens = self._model.tokenise_with_parts(cores, flat[len(cores) :], clauses_of)
        addressed = [look.core_addressed for look in looks]
        addressed += [a for look in looks for a in look.clause_addressed]
        owners = [text for text, _, _ in views] + [views[i][0] for i in clauses_of]
        probabilities = self._toxicities(flat, tokens, addressed, owners)
        results: list[Scores] = []
        cursor = len(views)
        for index, (text, _, clauses) in enumerate(views):
            clause_scores = probabilities[cursor : cursor + len(clauses)]
            cursor += len(clauses)
            look = looks[index]
            scores = self._combine(text, probabilities[index], look, clause_scores, patterns)
            results.append(scores)
        return results

    def _look(self, text: str, core: str, clauses: list[str]) -> _Look:
        """Whether the text, its core and each clause speak to someone (quoted dialogue and a
        curse's "you" that names someone else do not)."""
        if not is_addressed(text):
            return _Look(False, False, [False] * len(clauses))
        speaking = self._speaking(text)
        if speaking is not text and not is_addressed(speaking):
            return _Look(False, False, [False] * len(clauses))
        if not clauses:
            return _Look(True, core is text or is_addressed(self._speaking(core)), [])
        clause_addressed = _addressed_clauses(speaking, text, clauses)
        core_addressed = False  # the whole swears at someone if an addressed clause swears
        for clause, addressed in zip(clauses, clause_addressed, strict=True):
            if addressed and _SWEARING_CASE_BLIND.search(clause):
                core_addressed = True
                break
        return _Look(True, core_addressed, clause_addressed)

    def _combine(
        self,
        text: str,
        whole: float,
        look: _Look,
        clause_scores: list[float],
        patterns: bool = True,
    ) -> Scores:
        addressed = [p for p, a in zip(clause_scores, look.clause_addressed, strict=True) if a]
        if look.to_someone and len(clause_scores) <= 1:
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
                not look.to_someone
                and scores["toxicity"] >= STORY_WEIGHT * 0.9
                and not any(found.values())
                and (self.patterns.tells_a_story(text) or self.patterns.speech_quotes(text))
            ):
                scores["toxicity"] *= STORY_WEIGHT
        return scores

    def _said_to_someone(self, text: str) -> str:
        """What the second look reads: the text as it speaks to a member. A text with
        figurative harm to the viewer ("shut up and watch it, you'll thank me", "you'll shit
        yourself") talks about a film: it is blanked whole, so the second look skips it."""
        if without_figurative_harm(text) != text:
            return " " * len(text)
        return self._speaking(text)

    def _speaking(self, text: str) -> str:
        """The text with what does not speak to a member blanked out (same length): quoted
        dialogue ("his speech 'I will find you'" speaks to a character) and the "you" of a
        curse at a name ("Damn you, Pixar, for making me cry")."""
        if self.patterns is not None and _QUOTE_MARK.search(text):
            for start, end in self.patterns.speech_quotes(text):
                text = text[:start] + " " * (end - start) + text[end:]
        for start, end in self._vocatives(text):
            text = text[:start] + "   " + text[end:]
        return text

    def _vocatives(self, text: str, mild_only: bool = False) -> list[tuple[int, int]]:
        """Spans of the "you" of curses at a name ("screw you Netflix"; only "damn", "screw"
        and the like if `mild_only`): a name is a capitalised word the model does not read
        as an insult ("Damn you Moron" is no name)."""
        if not _CURSE_AT_YOU.search(text):
            return []
        return [
            match.span("you")
            for match in VOCATIVE.finditer(text)
            if self._is_name(match.group("name"))
            and (not mild_only or MILD_CURSE.fullmatch(match.group("curse")))
        ]

    def _is_name(self, word: str) -> bool:
        known = self._names.get(word)
        if known is None:
            if len(self._names) >= MAX_NAMES:
                self._names.clear()
            known = self._names[word] = self._model.probabilities([word])[0] < ABUSIVE_REST
        return known

    def _toxicities(
        self, texts: list[str], tokens: Tokens, addressed: list[bool], owners: list[str]
    ) -> list[float]:
        """The model's probability per text (`tokens`: theirs; `addressed`: whether each
        speaks to someone; `owners`: the message it is part of), figurative harm left out
        and swearing weighed down (see above)."""
        texts, tokens = self._without_figurative_harm(texts, tokens)
        mostly: dict[str, bool] = {}
        at_no_one, intensified = {}, {}
        for index in sorted(self._may_swear(texts, tokens)):
            text = texts[index]
            if not addressed[index]:
                if _SWEARING_CASE_BLIND.search(text) and not self._mostly_swearing(
                    owners[index], mostly
                ):
                    at_no_one[index] = _SWEARING.sub(" ", text)
            elif _INTENSIFIER.search(text):
                intensified[index] = INTENSIFIER.sub(" ", text)
        if at_no_one or intensified:
            tokens += self._model.tokenise([*at_no_one.values(), *intensified.values()])
        probabilities = self._model.probabilities_of(tokens)
        for extra, index in enumerate(at_no_one, start=len(texts)):
            probabilities[index] = max(
                probabilities[extra], PROFANITY_WEIGHT * probabilities[index]
            )
        for extra, index in enumerate(intensified, start=len(texts) + len(at_no_one)):
            if probabilities[extra] < ABUSIVE_REST:  # else the rest is abusive: as written
                probabilities[index] = max(
                    probabilities[extra], PROFANITY_WEIGHT * probabilities[index]
                )
        return probabilities[: len(texts)]

    def _without_figurative_harm(
        self, texts: list[str], tokens: Tokens
    ) -> tuple[list[str], Tokens]:
        """The texts with figurative harm blanked ("this cliffhanger will kill me") and their
        tokens."""
        changed: list[int] = []
        for index in sorted(self._may_be_figurative(texts, tokens)):
            plain = without_figurative_harm(texts[index])
            if plain != texts[index]:
                if not changed:
                    texts = list(texts)
                texts[index] = plain
                changed.append(index)
        if not changed:
            return texts, tokens
        replaced = self._model.tokenise([texts[index] for index in changed])
        return texts, tokens.with_rows_replaced(changed, replaced)

    def _mostly_swearing(self, message: str, known: dict[str, bool]) -> bool:
        """True if a third or more of the message's words are swearing, not counting
        intensifiers ("scary as hell"), contempt ("rubbish") and mild curses at a name
        ("damn you Joffrey")."""
        if message not in known:
            swears = len(_SWEARING.findall(message))
            swears -= len(INTENSIFIER.findall(message)) + len(CONTEMPT.findall(message))
            if swears > 0 and is_addressed(message):
                swears -= len(self._vocatives(message, mild_only=True))
            known[message] = swears > 0 and 3 * swears >= len(_WORDS.findall(message))
        return known[message]

    def _may_swear(self, texts: list[str], tokens: Tokens) -> set[int]:
        """The texts whose swearing, masked, could change their score: a _SWEARING match
        is a run of word characters standing alone, so one vectorizer token (its lower
        case), and masking a token the model does not know changes nothing; so only texts
        holding a swear word the model knows are searched (`texts`: for the tests' reference,
        which searches them all)."""
        return tokens.rows_holding(self._swear_words)

    def _may_be_figurative(self, texts: list[str], tokens: Tokens) -> set[int]:
        """The texts whose figurative harm, blanked, could change their score (as for
        swearing: the blanked word is one token; one the model does not know changes
        nothing)."""
        return tokens.rows_holding(self._figurative_words)


class FirstStage:
    """An embedded backend's first stage (patterns and alt-profanity-check) as a backend:
    what the batcher runs when the second look comes later."""

    def __init__(self, backend: EmbeddedBackend) -> None:
        self.backend = backend
        self.name = backend.name
        self.labels = backend.labels
        self.preferred_batch = backend.preferred_batch

    def score(self, texts: Sequence[str]) -> list[Scores]:
        return self.backend.first_stage_scores(texts)


class _Look(NamedTuple):  # a tuple: quicker to make than a frozen dataclass, one a message
    to_someone: bool  # the text speaks to someone
    core_addressed: bool
    clause_addressed: list[bool]


def _addressed_clauses(speaking: str, text: str, clauses: list[str]) -> list[bool]:
    """Whether each clause of `text` speaks to someone, read where it stands in `speaking`
    (the same text with quotes and the like blanked): the addressee regex runs once."""
    starts = [match.start() for match in _ADDRESSED_CASE_BLIND.finditer(speaking)]
    addressed, cursor, next_start = [], 0, 0
    for clause in clauses:
        start = text.find(clause, cursor)
        if start < 0:  # a joined core: the clause is not in the text as it is
            addressed.append(is_addressed(clause))
            continue
        cursor = start + len(clause)
        while next_start < len(starts) and starts[next_start] < start:
            next_start += 1
        addressed.append(next_start < len(starts) and starts[next_start] < cursor)
    return addressed


def without_interjections(text: str) -> str:
    """The text without clauses that are only an exclamation ("Damn,", "Holy shit.") and
    the exclamation a clause opens with, or the text itself when that is all it is."""
    return _core_and_clauses(text)[0]


def _core_and_clauses(text: str) -> tuple[str, list[str], bool]:
    """The text without its interjections (clauses that are only one, and a run of them
    opening a clause: "Holy shit you need to see this"), its clauses ([] if only one), and
    whether anything was left out."""
    parts = [part for part in (p.strip() for p in _CLAUSE_END_QUICK.split(text)) if part]
    kept = []
    for part in parts:
        if _plainly_not_exclaimed(part):
            kept.append(part)
        elif not _is_interjection(part):
            kept.append(_without_opening_exclamation(part))
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
        if folded not in RUN_FILLER:
            end, last = word.end(), folded
    rest = clause[end:].lstrip(" ,-\u2013\u2014")
    if not end or not rest or (last in CURSES and CURSED_OBJECT.match(rest)):
        return clause
    return rest


def _plainly_not_exclaimed(clause: str) -> bool:
    """True if the clause's first word is no exclamation word: then it is no interjection
    and opens with none (a quick first check for both)."""
    first = _WORDS.search(clause)
    return first is None or first.group(0).lower() not in INTERJECTION_WORDS


def _is_interjection(clause: str) -> bool:
    if len(clause) > MAX_INTERJECTION_CHARS:
        return False
    words = _WORDS.findall(clause.lower())
    return bool(words) and all(word in INTERJECTION_WORDS for word in words)


def split_clauses(text: str) -> list[str]:
    """The clauses of a text with more than one; [] for a single clause."""
    clauses = [part.strip() for part in _CLAUSE_END_QUICK.split(text)]
    clauses = [clause for clause in clauses if clause]
    return clauses if len(clauses) > 1 else []


def is_addressed(text: str) -> bool:
    """True if the text speaks to someone (second person or a mention)."""
    return _ADDRESSED_CASE_BLIND.search(text) is not None
