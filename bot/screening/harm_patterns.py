"""The pattern layer: threats, dehumanising hate and dehumanising insults, from a data file.

alt-profanity-check gives one score and misses threats and hate without swear words. This
layer adds `threat`, `identity_attack` and `insult` scores from documented rules kept in
`data/harm_patterns.json`, in the spirit of Discord AutoMod's keyword presets, built from word
classes and named regex fragments (`parts`): who (first person, "someone") + a harm act +
a target (the reader, their body, family, home, car), veiled forms (knowing where you work,
"people like you have accidents"), a group + is + a dehumanising noun, a call to remove or
kill + a group. Each rule has a fixed score: 0.90-0.95 for explicit threats and hate (above
the default hide thresholds), 0.70-0.75 for veiled ones (flagged for a moderator, never
hidden by the defaults). Word lists compile to a trie, and a rule runs only when its hint
words (`needs`) are in the text.

Guards keep film talk out: a match inside a quotation with a speech cue near it ("his line
'I will find you'"), one just after reported speech ("when he says I will find you"), group
statements next to words about depiction ("treated as", "in the film"), and, for rules
tagged so, a sentence about a story ("In Goodfellas, people who rat end up in the river").
A guard's fields: `labels` and `tags` (the rules it applies to), `words` or `pattern`,
`before`/`after` (characters around the match, within its sentence), `quoted_only`,
`case_sensitive`, `inside` (the match's own words count too), `next_sentence` (the window's
right side runs on through the sentence after the match's, after a pilcrow: "You're Next.
Such a great title") and `quiets_second_look` (its words anywhere in a text keep the text
from the second look's head).

`load_patterns(path)` raises PatternFileError (with the reason) for a missing or corrupt file.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.screening._alternatives import faster

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).with_name("data") / "harm_patterns.json"
FORMAT = "filmbot-harm-patterns"
GROUP_LISTS = ("GROUP", "GROUP_ONE", "GROUP_ADJ")  # the word lists that name identity groups
LABELS = ("threat", "identity_attack", "insult")
MAX_PART_DEPTH = 4  # parts may name parts, this deep

_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
_QUOTE = faster(
    re.compile(r"\"[^\"\n]{1,600}\"|\u201c[^\u201d]{1,600}\u201d|(?<![\w'])'[^'\n]{3,600}'(?!\w)")
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_SENTENCE_ENDS = re.compile(r"[.!?\n]+")  # "..." or "?!" ends one sentence, not several
_TOKENS = re.compile(r"[\w@']+")
_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "out",
        "up",
        "off",
        "and",
        "or",
        "you",
        "your",
        "them",
        "their",
        "they",
        "his",
        "her",
        "him",
        "those",
        "these",
        "that",
        "this",
        "like",
        "all",
        "are",
        "is",
        "be",
        "not",
        "no",
        "just",
        "lot",
        "me",
        "my",
        "we",
        "us",
        "our",
        "it",
    ]
)
# frequent words that a phrase's other words tell better ("gay people" -> "gay")
_WEAK = frozenset(
    [
        "people",
        "men",
        "women",
        "person",
        "kids",
        "folk",
        "folks",
        "lot",
        "man",
        "woman",
        "every",
        "each",
        "any",
        "single",
        "last",
        "old",
        "poor",
        "after",
        "over",
    ]
)
_APOSTROPHE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_APOSTROPHE_MARKS = [chr(code) for code in _APOSTROPHE]


class PatternFileError(Exception):
    """The pattern file is missing or not a valid pattern file; the message says which."""


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    score: float
    regex: re.Pattern[str]
    needs: tuple[frozenset[str], ...] = ()  # one word of each set must be in the text
    tags: frozenset[str] = frozenset()  # guards named for a tag apply to the rule too

    def may_match(self, words: AbstractSet[str]) -> bool:
        """False if the pattern cannot match a text made of `words` (a fast first check)."""
        return all(not need.isdisjoint(words) for need in self.needs)


@dataclass(frozen=True)
class Guard:
    name: str
    labels: frozenset[str]
    regex: re.Pattern[str]
    before: int
    after: int
    quoted_only: bool
    tags: frozenset[str] = frozenset()
    case_sensitive: bool = False  # searched in the text as written (capitals), not folded
    inside: bool = False  # the match's own words count too (not only those around it)
    quiets_second_look: bool = False  # its words anywhere keep the text from the second look
    next_sentence: bool = False  # the window runs on into the next sentence (after a pilcrow)

    def applies_to(self, rule: Rule) -> bool:
        return rule.label in self.labels or not self.tags.isdisjoint(rule.tags)


@dataclass(frozen=True)
class Match:
    """One rule that fired, with the words it matched."""

    rule: str
    label: str
    score: float
    text: str


class HarmPatterns:
    """Compiled rules and guards; `score(text)` gives the three labels' scores."""

    CHOICES_KEPT = 2048  # sets of hint words whose candidate rules are kept (about 1 MB)

    def __init__(
        self, rules: list[Rule], guards: list[Guard], version: int, groups: re.Pattern[str]
    ) -> None:
        self.groups = groups  # any identity group of the word lists, a case-blind whole word
        self.rules = [replace(rule, regex=faster(rule.regex)) for rule in rules]
        self.guards = [replace(guard, regex=faster(guard.regex)) for guard in guards]
        self.version = version
        self._hints = frozenset().union(*(need for rule in rules for need in rule.needs))
        self._always = any(not rule.needs for rule in rules)
        # word -> the rules whose first set of needed words holds it (a fast first check)
        self._by_word: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            for word in rule.needs[0] if rule.needs else ():
                self._by_word.setdefault(word, []).append(index)
        self._unconditional = [index for index, rule in enumerate(rules) if not rule.needs]
        self._choices: dict[frozenset[str], list[Rule]] = {}  # hint words -> _choose()

    def score(self, text: str) -> dict[str, float]:
        """The highest score per label over the rules that fire unguarded (0.0 if none)."""
        scores = dict.fromkeys(LABELS, 0.0)
        for match in self.matches(text):
            scores[match.label] = max(scores[match.label], match.score)
        return scores

    def matches(self, text: str) -> list[Match]:
        """Every unguarded rule match in `text` (for the scores and for explaining them)."""
        plain = _unify_apostrophes(text)
        folded = plain.lower()
        present = self._hints.intersection(_tokens(folded))
        if not self._always and not present:
            return []
        quotes: list[tuple[int, int]] | None = None
        matches: list[Match] = []
        texts = (folded, plain if len(plain) == len(folded) else "")
        for rule in self._candidates(present):
            for hit in rule.regex.finditer(folded):
                if quotes is None:  # only texts that hit a rule need them (most do not)
                    quotes = [m.span() for m in _QUOTE.finditer(folded)]
                if not self._guarded(texts, hit.span(), rule, quotes):
                    matches.append(Match(rule.name, rule.label, rule.score, hit.group(0)))
                    break
        return matches

    def _candidates(self, present: frozenset[str]) -> list[Rule]:
        """The rules that may match a text holding these hint words, in file order (kept
        for up to CHOICES_KEPT sets of hint words: many texts share one, "you" alone)."""
        rules = self._choices.get(present)
        if rules is None:
            rules = self._choose(present)
            if len(self._choices) >= self.CHOICES_KEPT:
                self._choices.clear()  # one call: safe if another thread scores too
            self._choices[present] = rules
        return rules

    def _choose(self, present: frozenset[str]) -> list[Rule]:
        indices = set(self._unconditional)
        for word in present:
            indices.update(self._by_word.get(word, ()))
        rules = [self.rules[index] for index in sorted(indices)]
        # found through its first set of words, a rule with one set needs no second look
        return [rule for rule in rules if len(rule.needs) < 2 or rule.may_match(present)]

    def tells_a_story(self, text: str) -> bool:
        """True if the words of a guard about depiction ("in the film", "the Nazis", a
        sentence opening on a title) are in the text: it reads as talk about a story."""
        plain = text.translate(_APOSTROPHE)
        folded = plain.lower()
        for guard in self.guards:
            if guard.quoted_only or "identity_attack" not in guard.labels:
                continue
            if guard.regex.search(plain if guard.case_sensitive else folded):
                return True
        return False

    def quiets_second_look(self, text: str) -> bool:
        """True if a guard marked `quiets_second_look` finds its words anywhere in the text (a
        shared plan: "so we can walk to the screening together"): the head, which reads a
        door or a route as menace, does not read it."""
        plain = text.translate(_APOSTROPHE)
        folded = plain.lower()
        return any(
            g.quiets_second_look and g.regex.search(plain if g.case_sensitive else folded)
            for g in self.guards
        )

    def speech_quotes(self, text: str) -> list[tuple[int, int]]:
        """Spans of quotations with a speech cue near them ("his line '...'"): what someone
        in a film says. Positions are the text's own (empty if folding changed its length)."""
        folded = text.translate(_APOSTROPHE).lower()
        spans = [m.span() for m in _QUOTE.finditer(folded)]
        if not spans or len(folded) != len(text):
            return []
        cued = [guard for guard in self.guards if guard.quoted_only]
        return [
            (start, end)
            for start, end in spans
            if any(
                g.regex.search(_sentence_window(folded, start, end, g.before, g.after))
                for g in cued
            )
        ]

    def _guarded(
        self,
        texts: tuple[str, str],
        span: tuple[int, int],
        rule: Rule,
        quotes: list[tuple[int, int]],
    ) -> bool:
        """True if a guard for the rule finds its words around the match (the folded text,
        or the text as written for a case-sensitive guard, if folding kept its length)."""
        quote = next((q for q in quotes if q[0] <= span[0] and span[1] <= q[1]), None)
        for guard in self.guards:
            if not guard.applies_to(rule) or (guard.quoted_only and quote is None):
                continue
            text = texts[1] if guard.case_sensitive else texts[0]
            if not text:
                continue
            start, end = quote if quote is not None else span
            window = _sentence_window(
                text, start, end, guard.before, guard.after, guard.next_sentence
            )
            if guard.inside:
                window = f"{window} \u2022 {text[start:end]}"
            if guard.regex.search(window):
                return True
        return False


def _unify_apostrophes(text: str) -> str:
    """`text.translate(_APOSTROPHE)`, without its slow per-character look-ups when there is
    nothing to replace (plain ASCII has only the backtick)."""
    if text.isascii():
        return text.replace("`", "'")
    if any(mark in text for mark in _APOSTROPHE_MARKS):
        return text.translate(_APOSTROPHE)
    return text


def _tokens(folded: str) -> list[str]:
    """_TOKENS.findall(folded); plain ASCII is split at the other bytes, without the regex."""
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_TOKENS).decode("ascii").split()
    return _TOKENS.findall(folded)


def _ascii_token_table() -> bytes:
    """A space for every byte that _TOKENS does not take, the others as they are."""
    table = bytearray(b" " * 256)
    for byte in range(128):
        if chr(byte).isalnum() or chr(byte) in "_@'":
            table[byte] = byte
    return bytes(table)


_ASCII_TOKENS = _ascii_token_table()


def _sentence_window(
    text: str, start: int, end: int, before: int, after: int, next_sentence: bool = False
) -> str:
    """The text around [start, end) within `before`/`after` characters, inside the sentence
    (a quotation's own punctuation does not end it); with `next_sentence`, the right side
    goes on through the following sentence, set off by " \u00b6 "."""
    left = text[max(0, start - before) : start]
    stops = list(_SENTENCE_END.finditer(left))
    if stops:
        left = left[stops[-1].end() :]
    parts = _SENTENCE_ENDS.split(text[end : end + after], maxsplit=2) if after else [""]
    right = parts[0]
    if next_sentence and len(parts) > 1:
        right = f"{right} \u00b6 {parts[1]}"
    return f"{left} \u2022 {right}"


def load_patterns(path: Path = DEFAULT_PATH) -> HarmPatterns:
    """Read and compile the pattern file; PatternFileError says what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PatternFileError(f"the pattern file {path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PatternFileError(f"the pattern file {path} cannot be read: {exc}") from None
    try:
        return _compile(data)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise PatternFileError(f"the pattern file {path} is not valid: {exc!r}") from None


def _compile(data: dict[str, Any]) -> HarmPatterns:
    if data.get("format") != FORMAT:
        raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
    words: dict[str, list[str]] = data["words"]
    parts: dict[str, str] = data.get("parts", {})
    rules = []
    for raw in data["rules"]:
        if raw["label"] not in LABELS or not 0.0 <= float(raw["score"]) <= 1.0:
            raise ValueError(f"rule {raw['name']!r}: bad label or score")
        regex = re.compile(_expand(raw["pattern"], words, parts))
        needs = tuple(_needed_words(need, words) for need in raw.get("needs", ()))
        tags = frozenset(raw.get("tags", ()))
        rules.append(Rule(raw["name"], raw["label"], float(raw["score"]), regex, needs, tags))
    guards = [_guard(name, raw, words, parts) for name, raw in data["guards"].items()]
    if not rules:
        raise ValueError("no rules")
    return HarmPatterns(rules, guards, int(data["version"]), _groups(words))


def _groups(words: dict[str, list[str]]) -> re.Pattern[str]:
    """Any phrase of the group word lists as a case-blind whole word (never matches if none)."""
    phrases = [phrase for name in GROUP_LISTS for phrase in words.get(name, [])]
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<![\w@]){_alternation(phrases)}(?!\w)", re.IGNORECASE)


def _guard(
    name: str, raw: dict[str, Any], words: dict[str, list[str]], parts: dict[str, str]
) -> Guard:
    """A guard looks for a word list's phrases, or for its own `pattern`."""
    if "pattern" in raw:
        regex = re.compile(_expand(raw["pattern"], words, parts))
    else:
        regex = re.compile(rf"(?<![\w@]){_alternation(words[raw['words']])}(?![\w])")
    return Guard(
        name,
        frozenset(raw["labels"]),
        regex,
        int(raw["before"]),
        int(raw["after"]),
        bool(raw["quoted_only"]),
        frozenset(raw.get("tags", ())),
        bool(raw.get("case_sensitive", False)),
        bool(raw.get("inside", False)),
        bool(raw.get("quiets_second_look", False)),
        bool(raw.get("next_sentence", False)),
    )


def _needed_words(need: str | list[str], words: dict[str, list[str]]) -> frozenset[str]:
    """One word of each phrase of word lists (by name, "A|B" for either) or of a list of
    words and list names: the longest that is not a common little word, so that the check
    rules out as many texts as it can."""
    names = need.split("|") if isinstance(need, str) else need
    if isinstance(need, str) or any(name in words for name in names):  # lists, or a mix
        phrases = [phrase for name in names for phrase in words.get(name, [name])]
    else:
        phrases = need
    return frozenset(_telling_word(phrase) for phrase in phrases)


def _telling_word(phrase: str) -> str:
    tokens: list[str] = _TOKENS.findall(phrase.lower())
    telling = (
        [token for token in tokens if token not in _COMMON and token not in _WEAK]
        or [token for token in tokens if token not in _COMMON]
        or tokens
    )
    return max(reversed(telling), key=len)


def _expand(
    pattern: str, words: dict[str, list[str]], parts: dict[str, str], depth: int = 0
) -> str:
    """{NAME} becomes a part (a regex fragment, itself expanded) or a word list's alternation."""
    if depth > MAX_PART_DEPTH:
        raise ValueError(f"parts nested deeper than {MAX_PART_DEPTH}: {pattern[:60]!r}")

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in parts:
            return f"(?:{_expand(parts[name], words, parts, depth + 1)})"
        return _alternation(words[name])

    return _PLACEHOLDER.sub(one, pattern)


def _alternation(phrases: list[str]) -> str:
    """A non-capturing group matching any of the phrases, spaces matching any blank run.

    The phrases are merged into a trie ("kill", "kill off" -> `kill(?:\\s+off)?`), so the
    regex tries each letter once instead of each phrase in turn: a list of hundreds of
    groups costs about as much as a short one. A longer phrase is still tried before a
    phrase it starts with, as in an alternation sorted longest first."""
    trie: dict[str, Any] = {}
    for phrase in {p.lower() for p in phrases}:
        node = trie
        for unit in _UNITS.findall(phrase):
            node = node.setdefault(" " if unit.isspace() else unit, {})
        node[_END] = {}
    return f"(?:{_trie_regex(trie)})"


_UNITS = re.compile(r"\s+|.", re.DOTALL)
_END = ""  # marks the end of a phrase in the trie (no unit is empty)


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [
        (r"\s+" if unit == " " else re.escape(unit)) + _trie_regex(child)
        for unit, child in sorted(node.items())
        if unit != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if _END not in node:
        return body
    return f"(?:{body})?" if len(branches) == 1 else f"{body}?"
