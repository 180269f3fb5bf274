"""Regex alternations rewritten so that branches with the same first character share it.

Python's regex engine tries the branches of an alternation one by one at every position, so
a rule such as `\\b(?:watch your back|sleep with one eye open|...)` with forty phrases costs
forty checks at each word of a message. Grouped by first character
(`\\b(?:w(?:atch your back|on't see ...)|s(?:leep with ...)|...)`) it costs a few.

The rewrite keeps what the pattern matches. Branches whose first characters are different
literals cannot both match at one place; branches that share one keep their order; a branch
that does not start with a literal (a group, a class, an escape, a quantified character or
nothing) stays where it is, and only literal-first branches between two such are grouped.
A branch that opens with a group of alternatives (`(?:see|catch) you`, `(?:start )?lock`)
is first spread into one branch per alternative (`see you|catch you`), so that its branches
open with literals too: the engine skips a literal-first branch after one character
comparison, while a group-first branch is entered at every word (the rule `veiled warning`
went from about 25 to 8 us a text). Patterns with capturing groups or back-references are
left as written (moving branches would renumber the groups). The pattern file's tests
compare both forms on many texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SPECIAL = frozenset("\\.^$*+?{}[]()|")
_QUANTIFIERS = frozenset("*+?{")
_GROUP_OPENERS = ("(?:", "(?=", "(?!")  # look-behinds (fixed width) are left alone
_LONG_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\})")
# One character, escaped: punctuation, a control character, a code point.
_ESCAPE = r"\\(?:[^\w]|[ntrfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
_CHARACTER_ESCAPE = re.compile(_ESCAPE)
# A class without negation, ranges or a leading "]": its items can join another class.
_PLAIN_CLASS = re.compile(rf"\[(?:[^\\\]\-^]|{_ESCAPE})(?:[^\\\]\-]|{_ESCAPE}|\\[sdw])*\]")
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")  # (?x) would make blanks mean nothing
# A branch opening with a group is spread into at most this many (and characters).
MAX_SPREAD = 32
MAX_SPREAD_CHARS = 400
SPREAD_GROWTH = 2


def share_beginnings(pattern: str) -> str:
    """The pattern with the branches of its alternations grouped by first character."""
    try:
        if re.compile(pattern).groups or "(?P" in pattern or _GLOBAL_FLAGS.match(pattern):
            return pattern
    except re.error:
        return pattern  # compiling the original reports the error
    return _factor(pattern)


def faster(regex: re.Pattern[str]) -> re.Pattern[str]:
    """The same regex (same flags, same matches), its branches grouped by first character
    and behind a check of the first character where that can be worked out."""
    quick = re.compile(with_first_check(share_beginnings(regex.pattern)), regex.flags)
    ORIGINALS[quick] = regex
    return quick


# Each regex faster() made -> the one it was made from (the tests compare the two).
ORIGINALS: dict[re.Pattern[str], re.Pattern[str]] = {}


def with_first_check(pattern: str) -> str:
    """The pattern behind a look-ahead for the characters a match can start with (a class
    the engine tests in one step), when they can be worked out; else the pattern itself.
    The look-ahead is compiled with the pattern's flags, so that under IGNORECASE its class
    takes what the pattern's first characters take."""
    try:
        if _GLOBAL_FLAGS.match(pattern):
            return pattern
        first = _first_of(pattern)
    except (re.error, IndexError):
        return pattern
    return pattern if first is None else f"(?=[{''.join(sorted(first))}])(?:{pattern})"


def _first_of(pattern: str) -> set[str] | None:
    """Class items (a character, escaped if need be, or \\s, \\d, \\w) one of which starts
    every match; None if some branch may start otherwise or match nothing."""
    first: set[str] = set()
    for branch in _split(pattern):
        items = _first_of_branch(branch)
        if items is None:
            return None
        first |= items
    return first


def _first_of_branch(branch: str) -> set[str] | None:
    index = 0
    while True:  # a word boundary or a look-behind takes no character
        if branch.startswith(r"\b", index):
            index += 2
        elif branch.startswith(("(?<=", "(?<!"), index):
            index = _skip_atom(branch, index)
        else:
            break
    if index >= len(branch):
        return None
    end = _skip_atom(branch, index)
    if end < len(branch) and branch[end] in "*?{":  # may be absent
        return None
    atom = branch[index:end]
    if atom.startswith("(?:"):
        return _first_of(atom[3:-1])
    if atom in (r"\s", r"\d", r"\w"):
        return {atom}
    if _CHARACTER_ESCAPE.fullmatch(atom):
        return {atom}
    if _PLAIN_CLASS.fullmatch(atom):
        return {atom[1:-1]}
    if len(atom) == 1 and atom not in _SPECIAL:
        return {re.escape(atom)}
    return None


def _factor(pattern: str) -> str:
    """Group the top-level branches of `pattern`, after doing so inside its groups."""
    return _join([_factor_groups(branch) for branch in _split(pattern)])


def _join(branches: list[str]) -> str:
    """The branches (in priority order) as one alternation, literal-first runs grouped."""
    out: list[str] = []
    run: dict[str, list[str]] = {}
    for branch in (spread for given in branches for spread in _spread(given)):
        if _literal_first(branch):
            run.setdefault(branch[0], []).append(branch[1:])
            continue
        out.extend(_grouped(run))
        run = {}
        out.append(branch)
    out.extend(_grouped(run))
    return "|".join(out)


def _spread(branch: str) -> list[str]:
    """The branch as several if it opens with a group of alternatives, so that each opens
    with a literal the engine can test at once: `(?:see|catch) you` -> `see you`,
    `catch you`; `(?:start )?lock` -> `start lock`, `lock`. A backtracking engine tries
    `(?:a|b)c` as `ac|bc` (a then c, b then c; optional: the group first, then without it),
    so the matches are the same. Left as it is past MAX_SPREAD branches or characters."""
    if not branch.startswith("(?:"):
        return [branch]
    end = _skip_atom(branch, 0)
    after = branch[end : end + 2]
    optional = after[:1] == "?" and after[1:] not in ("?", "+")
    if after[:1] in ("*", "+", "{") or (after[:1] == "?" and not optional):
        return [branch]
    rest = branch[end + optional :]
    spread = [head + rest for head in _split(branch[3 : end - 1])] + ([rest] if optional else [])
    limit = max(MAX_SPREAD_CHARS, SPREAD_GROWTH * len(branch))
    if len(spread) > MAX_SPREAD or sum(map(len, spread)) > limit:
        return [branch]
    deeper = [again for one in spread for again in _spread(one)]
    if len(deeper) > MAX_SPREAD or sum(map(len, deeper)) > limit:
        return spread
    return deeper


def _grouped(run: dict[str, list[str]]) -> list[str]:
    """One branch per first character: it, the literal characters all its rests share
    ("black|blacks" -> "black(?:|s)"), and their alternation."""
    branches = []
    for first, rests in run.items():
        if len(rests) == 1:
            branches.append(first + rests[0])
            continue
        shared = first
        while all(_literal_first(rest) for rest in rests) and len({r[0] for r in rests}) == 1:
            shared += rests[0][0]
            rests = [rest[1:] for rest in rests]
        branches.append(f"{shared}(?:{_join(rests)})")
    return branches


def _literal_first(branch: str) -> bool:
    """True if the branch starts with one plain character that no quantifier follows."""
    if not branch or branch[0] in _SPECIAL:
        return False
    return len(branch) == 1 or branch[1] not in _QUANTIFIERS


def _factor_groups(branch: str) -> str:
    """The branch with the alternations inside its non-capturing groups and look-aheads
    grouped (each group's own top level, and so on inwards)."""
    out: list[str] = []
    index = 0
    while index < len(branch):
        end = _skip_atom(branch, index)
        opener = next((o for o in _GROUP_OPENERS if branch.startswith(o, index)), None)
        if opener is not None:
            inner = branch[index + len(opener) : end - 1]
            out.append(f"{opener}{_factor(inner)})")
        else:
            out.append(branch[index:end])
        index = end
    return "".join(out)


def _split(pattern: str) -> list[str]:
    """The pattern's top-level branches (split at the `|` outside groups and classes)."""
    branches, start, index = [], 0, 0
    while index < len(pattern):
        if pattern[index] == "|":
            branches.append(pattern[start:index])
            start = index + 1
            index += 1
        else:
            index = _skip_atom(pattern, index)
    branches.append(pattern[start:])
    return branches


def _skip_atom(pattern: str, index: int) -> int:
    """The index just after the escape, class, group or character at `index`."""
    char = pattern[index]
    if char == "\\":
        escape = _LONG_ESCAPE.match(pattern, index)
        return escape.end() if escape else index + 2
    if char == "[":
        return _skip_class(pattern, index)
    if char != "(":
        return index + 1
    depth, index = 1, index + 1
    while depth:
        char = pattern[index]
        if char in "\\[":
            index = _skip_atom(pattern, index)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1
    return index


def _skip_class(pattern: str, index: int) -> int:
    index += 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):  # a "]" first in a class is a literal
        index += 1
    while pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


_CODE_POINT_ESCAPE = re.compile(r"\\[xuUN0-9]")  # a code point, an octal, a group
_ANY_ESCAPE = re.compile(r"\\.", re.DOTALL)
# Once escapes are left out: a capital, an inline flag, a class range (a-z and 0-9 aside).
_CASE_BOUND = re.compile(r"[A-Z]|\(\?[a-zA-Z-]|\[[^\]]*[^\[]-[^\]]")


def _holds_no_capital(pattern: str) -> bool:
    """True if no character of the pattern can be a capital: then, matched case-sensitively
    in lower-cased ASCII, it finds what it finds case-blind in the text as written (an ASCII
    pattern: a case-blind "\u017f" or Kelvin sign would match ASCII letters)."""
    if not pattern.isascii() or _CODE_POINT_ESCAPE.search(pattern):
        return False
    plain = _ANY_ESCAPE.sub("", pattern).replace("a-z", "").replace("0-9", "")
    return _CASE_BOUND.search(plain) is None


class CaseBlind:
    """A case-blind (IGNORECASE) regex that searches ASCII text quicker: lower-cased, with
    the same pattern matched case-sensitively. Lower-casing ASCII keeps every position, and
    a pattern with no capitals (nor classes or escapes that could hold one) then finds the
    same spans, without a case look-up per character. Matches found so are in the
    lower-cased text (their spans are the text's; their groups lower case); other text, or a
    pattern this cannot apply to, is searched as it is."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        original = ORIGINALS.get(regex, regex).pattern
        self.lower: re.Pattern[str] | None = None
        if regex.flags & re.IGNORECASE and _holds_no_capital(original):
            self.lower = faster(re.compile(original, regex.flags & ~re.IGNORECASE))

    def search(self, text: str) -> re.Match[str] | None:
        if self.lower is not None and text.isascii():
            return self.lower.search(text.lower())
        return self.regex.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.lower is not None and text.isascii():
            return self.lower.finditer(text.lower())
        return self.regex.finditer(text)
