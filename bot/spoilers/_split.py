"""Cutting a parsed document into parts that fit a limit, at the best boundaries.

Each part takes the best break in the last half of what fits: a paragraph, then a line, then
a sentence, then a word; never inside a word unless a single word is longer than a part. A part
that ends inside a span closes it and the next part re-opens it (rendering does that).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Protocol

from bot.spoilers import _markdown as md
from bot.spoilers._markdown import INLINE_KINDS, Fragment, Wrapper

# Ends of sentences, allowing closing quotes/brackets after the mark.
_SENTENCE_END = ".!?…"
_CLOSERS = "\"'”’)]*_~|"
_BOUNDARY_SLACK = 2  # zero-width spaces or a doubled backslash added at a part's two ends


class Parsed(Protocol):
    """What splitting reads of a parsed document (bot/spoilers/format.py's `Document`)."""

    text: str
    fragments: list[Fragment]
    starts: list[int]

    def stack_at(self, position: int) -> tuple[Wrapper, ...]: ...

    def fragments_in(self, start: int, end: int) -> list[Fragment]: ...


@dataclass(frozen=True)
class _Break:
    position: int
    priority: tuple[int, int]


class Splitter:
    """Greedy packing: each part takes the best break in the last half of what fits."""

    def __init__(self, doc: Parsed, limit: int) -> None:
        self.doc, self.limit, self.text = doc, limit, doc.text
        _, self.render_starts = md.render(doc.fragments)
        self.ticked_code = _inside_ticked_code(doc)
        self.breaks = [b for b in _break_candidates(doc) if b.position not in self.ticked_code]
        self.positions = [b.position for b in self.breaks]

    def parts(self) -> list[str]:
        parts, start, n = [], 0, len(self.text)
        while start < n:
            end = self._next_end(start)
            parts.append(self._render_part(start, end))
            start = end
        return parts

    def _render_offset(self, position: int) -> int:
        index = bisect.bisect_right(self.doc.starts, position) - 1
        return self.render_starts[index] + position - self.doc.starts[index]

    def _estimate(self, start: int, end: int) -> int:
        opens = sum(len(w.open) for w in self.doc.stack_at(start))
        closes = sum(len(w.close) for w in self.doc.stack_at(end - 1))
        body = self._render_offset(end - 1) + 1 - self._render_offset(start)
        return opens + body + closes + _BOUNDARY_SLACK

    def _fits(self, start: int, end: int) -> bool:
        if self._estimate(start, end) > self.limit:
            return False
        return len(self._render_part(start, end)) <= self.limit

    def _next_end(self, start: int) -> int:
        n = len(self.text)
        if self._estimate(start, n) <= self.limit and self._fits(start, n):
            return n
        fitting = []
        for index in range(bisect.bisect_right(self.positions, start), len(self.breaks)):
            candidate = self.breaks[index]
            if candidate.position - start > self.limit:
                break
            if self._estimate(start, candidate.position) <= self.limit:
                fitting.append(candidate)
        farthest = fitting[-1].position if fitting else start
        window = [b for b in fitting if b.position - start >= (farthest - start) / 2]
        for best in sorted(window, key=lambda b: (b.priority, b.position), reverse=True):
            if self._fits(start, best.position):
                return best.position
        return self._hard_cut(start)

    def _hard_cut(self, start: int) -> int:
        """Cut inside an over-long word, never between a backslash and what it escapes, and
        inside inline code holding a backtick only when nothing else fits."""
        ends = range(min(len(self.text), start + self.limit), start, -1)
        for careful in (True, False):
            for end in ends:
                if md.odd_backslashes_before(self.text, end, start):
                    continue
                if careful and end in self.ticked_code:
                    continue
                if self._fits(start, end):
                    return end
        raise ValueError(f"a part of {self.limit} characters cannot hold this markup")

    def _render_part(self, start: int, end: int) -> str:
        content_end = end
        while content_end > start and self.text[content_end - 1].isspace():
            content_end -= 1
        rendered, _ = md.render(self.doc.fragments_in(start, content_end))
        return rendered + self.text[content_end:end]


def _break_candidates(doc: Parsed) -> list[_Break]:
    """Every position a part may end at, with how good a place it is to end."""
    text = doc.text
    stacks = [f.stack for f in doc.fragments for _ in f.text]
    breaks = []
    for p in range(1, len(text)):
        before, after = stacks[p - 1], stacks[p]
        in_code = any(w.kind == "code_block" for w in before + after)
        if in_code:
            kind = _code_break_kind(text, p)
        elif text[p - 1].isspace() and not text[p].isspace():
            kind = _prose_break_kind(text, p)
        else:
            continue
        if kind is None:
            continue
        inline = any(w.kind in INLINE_KINDS and any(w is x for x in after) for w in before)
        breaks.append(_Break(p, (0 if inline else 1, kind)))
    return breaks


def _inside_ticked_code(doc: Parsed) -> set[int]:
    """Positions inside inline code whose text holds a backtick: the next part would re-open
    it with a tick that joins the text's own (`` ` `` + "```x" reads as a code block)."""
    ticked = {id(w) for f in doc.fragments for w in f.stack if w.kind == "code" and "`" in f.text}
    if not ticked:
        return set()
    inside: set[int] = set()
    position = 0
    for frag in doc.fragments:
        if any(id(w) in ticked for w in frag.stack):
            inside.update(range(position + 1, position + len(frag.text)))
        position += len(frag.text)
    return inside


def _code_break_kind(text: str, p: int) -> int | None:
    if text[p - 1] == "\n":
        return 2
    if text[p - 1] in " \t" and not text[p].isspace():
        return -1
    return None


def _prose_break_kind(text: str, p: int) -> int:
    run_start = p - 1
    while run_start > 0 and text[run_start - 1].isspace():
        run_start -= 1
    gap = text[run_start:p]
    if "\n\n" in gap:
        return 3
    if "\n" in gap:
        return 2
    mark = run_start - 1
    while mark > 0 and text[mark] in _CLOSERS:
        mark -= 1
    return 1 if mark >= 0 and text[mark] in _SENTENCE_END else 0
