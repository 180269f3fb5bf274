"""Spoiler tags and splitting under Discord's limits: the one module every spoiler reply uses.

- `spoiler(text)` hides markdown text behind `||tags||` that nothing inside can close early.
- `compose(pieces)` joins markdown pieces, hiding some, without their edges interfering.
- `split_message(markdown)` / `split_embeds(markdown)` cut long markdown into parts that fit
  Discord's limits, at paragraph, line, sentence or word boundaries, never inside a word
  (unless a single word is longer than a part). A part that ends inside a spoiler, a code
  block or another span closes it, and the next part re-opens it, so every part is well-formed.
- `Document` is the parsed form: what detection reads (`text`, `hidden`) and tags (`hide`).

Neutralising uses a zero-width space, which readers do not see.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable

from bot import limits
from bot.spoilers import _markdown as md
from bot.spoilers._markdown import CODE_KINDS, INLINE_KINDS, Fragment, Wrapper
from bot.spoilers._split import Splitter

log = logging.getLogger(__name__)


class Document:
    """Markdown parsed into characters (`text`) and the spans around each of them."""

    def __init__(self, fragments: Iterable[Fragment]) -> None:
        self.fragments = _merge_neighbours(fragments)
        self.starts: list[int] = []
        total = 0
        for frag in self.fragments:
            self.starts.append(total)
            total += len(frag.text)
        self.text = "".join(f.text for f in self.fragments)

    @classmethod
    def parse(cls, markdown: str) -> Document:
        """Parse Discord markdown (spoilers, code, bold, italic, underline, strike, links)."""
        return cls(md.parse(markdown))

    @classmethod
    def concat(cls, documents: Iterable[Document]) -> Document:
        return cls(f for doc in documents for f in doc.fragments)

    def stack_at(self, position: int) -> tuple[Wrapper, ...]:
        index = bisect.bisect_right(self.starts, position) - 1
        return self.fragments[index].stack

    def hidden(self) -> list[bool]:
        """For each character of `text`, whether it is inside spoiler tags."""
        mask: list[bool] = []
        for frag in self.fragments:
            inside = any(w.kind == "spoiler" for w in frag.stack)
            mask.extend([inside] * len(frag.text))
        return mask

    def hide(self, ranges: Iterable[tuple[int, int]]) -> Document:
        """A copy with each (start, end) range of `text` inside one pair of spoiler tags.

        Whitespace at a range's edges stays outside; ranges that touch are merged; spoilers
        already inside a range are absorbed (Discord cannot nest spoilers). Spans cut by a
        range are closed and re-opened at the tags when Discord reads that back as meant;
        otherwise (`*a. *||*b*||` is read as italics around the bars) the range grows to the
        whole emphasis, link or URL it cuts.
        """
        merged = _merge_ranges(self.text, (self._snap(r) for r in ranges))
        if not merged:
            return self
        tagged = self._tagged(merged)
        while not tagged.reads_back():
            wider = _merge_ranges(self.text, self._widen(merged))
            if wider == merged:
                log.warning("tags that do not read back; hiding the whole text")
                # Edge whitespace included: it may belong to a span (`*|| || x*`), which
                # the tags must then hold whole.
                return self._tagged([(0, len(self.text))])
            merged, tagged = wider, self._tagged(wider)
        return tagged

    def reads_back(self) -> bool:
        """Whether Discord, parsing `render()`, hides exactly what this document hides."""
        rendered = self.render()
        shown = Document(f for f in self.fragments if not _is_hidden(f))
        hidden = Document(f for f in self.fragments if _is_hidden(f))
        return (unhidden_text(rendered), hidden_text(rendered)) == (
            shown.visible(),
            hidden.visible(),
        )

    def _tagged(self, merged: list[tuple[int, int]]) -> Document:
        wrappers = [Wrapper("spoiler", md.SPOILER, md.SPOILER) for _ in merged]
        cuts = sorted({0, len(self.text), *(p for r in merged for p in r)})
        out: list[Fragment] = []
        for left, right in zip(cuts, cuts[1:], strict=False):
            which = bisect.bisect_right([r[0] for r in merged], left) - 1
            inside = which >= 0 and merged[which][0] <= left < merged[which][1]
            for frag in self.fragments_in(left, right):
                if inside:
                    kept = tuple(w for w in frag.stack if w.kind != "spoiler")
                    frag = Fragment(frag.text, (wrappers[which], *kept))
                out.append(frag)
        return Document(out)

    def _snap(self, span: tuple[int, int]) -> tuple[int, int]:
        """A range that never parts a backslash from the character it escapes."""
        start, end = max(span[0], 0), min(span[1], len(self.text))

        def parts_escape(position: int) -> bool:
            if not 0 < position < len(self.text) or md.in_code(self.stack_at(position - 1)):
                return False
            return md.odd_backslashes_before(self.text, position)

        return (start - 1 if parts_escape(start) else start, end + 1 if parts_escape(end) else end)

    def _widen(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Ranges grown to whole inline spans they cut, and over a URL glued before them."""
        extents: dict[int, tuple[int, int]] = {}
        for start, frag in zip(self.starts, self.fragments, strict=True):
            for w in frag.stack:
                if w.kind in INLINE_KINDS:
                    first = extents.get(id(w), (start, 0))[0]
                    extents[id(w)] = (first, start + len(frag.text))
        out = []
        for start, end in ranges:
            lo, hi = start, end
            probes = [(start, False), (end - 1, False)] + ([(start - 1, True)] if start else [])
            for position, before in probes:
                for w in self.stack_at(position):
                    if w.kind in INLINE_KINDS and (not before or w.kind == "url"):
                        lo, hi = min(lo, extents[id(w)][0]), max(hi, extents[id(w)][1])
            out.append((lo, hi))
        return out

    def hide_all(self) -> Document:
        return self.hide([(0, len(self.text))])

    def render(self) -> str:
        return md.render(self.fragments)[0]

    def visible(self) -> str:
        """What a reader sees, tags and zero-width spaces removed, escapes resolved."""
        return md.decode_visible(self.fragments)

    def split(self, limit: int) -> list[str]:
        """Markdown parts of at most `limit` characters; see the module docstring."""
        if not self.text.strip():
            return []
        return Splitter(self, limit).parts()

    def fragments_in(self, start: int, end: int) -> list[Fragment]:
        """The fragments of `text[start:end]`, each under its spans."""
        out = []
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        for index in range(first, len(self.fragments)):
            frag_start = self.starts[index]
            if frag_start >= end:
                break
            frag = self.fragments[index]
            lo, hi = max(start - frag_start, 0), min(end - frag_start, len(frag.text))
            if lo < hi:
                out.append(_piece(frag, lo, hi))
        return out


def _piece(frag: Fragment, lo: int, hi: int) -> Fragment:
    """Part of a fragment. The tail of a cut URL is no URL any more: it becomes escaped text,
    so what the URL rule swallowed (bars, backticks) cannot start markup of its own."""
    if lo == 0 or not any(w.kind == "url" and not w.open for w in frag.stack):
        return Fragment(frag.text[lo:hi], frag.stack)
    stack = tuple(w for w in frag.stack if w.kind != "url")
    return Fragment(md.escape_literal(frag.text[lo:hi]), stack)


def _is_hidden(frag: Fragment) -> bool:
    return any(w.kind == "spoiler" for w in frag.stack)


def _merge_neighbours(fragments: Iterable[Fragment]) -> list[Fragment]:
    """Join neighbours under the same spans, then neutralise `||` across the joined text."""
    merged: list[Fragment] = []
    for frag in fragments:
        if not frag.text:
            continue
        if merged and md.same_stack(merged[-1].stack, frag.stack):
            left = merged[-1].text
            if not md.in_code(frag.stack) and md.is_escapable(frag.text[0]):
                left = md.guard_end(left, "")  # a lone backslash must not escape the join
            merged[-1] = Fragment(left + frag.text, frag.stack)
        else:
            merged.append(frag)
    return [Fragment(md.safe_text(f.text, f.stack), f.stack) for f in merged]


def _merge_ranges(text: str, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    trimmed = []
    for start, end in sorted(ranges):
        start, end = max(start, 0), min(end, len(text))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in trimmed:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def spoiler(markdown: str) -> str:
    """`markdown` hidden in spoiler tags that nothing inside it can close or break.

    A `||` inside is neutralised (or absorbed, if it formed a spoiler of its own), code and
    formatting stay intact, surrounding whitespace stays outside. Whitespace-only text is
    returned unchanged. To place the result next to other markdown, use `compose`.
    """
    return Document.parse(markdown).hide_all().render()


def compose(pieces: Iterable[tuple[str, bool]]) -> str:
    """Join (markdown, hidden) pieces into one markdown text, hiding the hidden ones."""
    return compose_document(pieces).render()


def compose_document(pieces: Iterable[tuple[str, bool]]) -> Document:
    docs = []
    for markdown, hidden in pieces:
        doc = Document.parse(markdown)
        docs.append(doc.hide_all() if hidden else doc)
    return Document.concat(docs)


def split_message(markdown: str, limit: int = limits.MESSAGE_CONTENT) -> list[str]:
    """Message contents of at most `limit` (default 2,000) characters."""
    return Document.parse(markdown).split(limit)


def split_embeds(
    markdown: str,
    *,
    description_limit: int = limits.EMBED_DESCRIPTION,
    reserved_per_embed: int = 0,
) -> list[list[str]]:
    """Embed descriptions (each at most 4,096 characters) grouped into messages.

    Each group fits one message: at most 10 embeds and 6,000 characters in all, counting
    `reserved_per_embed` characters for each embed's title, footer and fields.
    """
    descriptions = Document.parse(markdown).split(description_limit - reserved_per_embed)
    return group_embeds(descriptions, reserved_per_embed=reserved_per_embed)


def group_embeds(descriptions: list[str], *, reserved_per_embed: int = 0) -> list[list[str]]:
    """Group embed descriptions into messages within the per-message embed count and total."""
    groups: list[list[str]] = []
    total = 0
    for description in descriptions:
        size = len(description) + reserved_per_embed
        if size > limits.EMBED_TOTAL:
            raise ValueError("an embed description larger than a whole message's embed total")
        full = groups and (
            len(groups[-1]) >= limits.EMBEDS_PER_MESSAGE or total + size > limits.EMBED_TOTAL
        )
        if not groups or full:
            groups.append([])
            total = 0
        groups[-1].append(description)
        total += size
    return groups


def visible_text(markdown: str) -> str:
    """What a reader sees of `markdown` once spoilers are revealed (for tests and previews)."""
    return Document.parse(markdown).visible()


def unhidden_text(markdown: str) -> str:
    """What a reader sees of `markdown` before clicking any spoiler."""
    doc = Document.parse(markdown)
    shown = [f for f in doc.fragments if not any(w.kind == "spoiler" for w in f.stack)]
    return Document(shown).visible()


def hidden_text(markdown: str) -> str:
    """What a reader sees of `markdown` only after clicking its spoilers."""
    doc = Document.parse(markdown)
    hidden = [f for f in doc.fragments if any(w.kind == "spoiler" for w in f.stack)]
    return Document(hidden).visible()


__all__ = [
    "CODE_KINDS",
    "Document",
    "compose",
    "compose_document",
    "group_embeds",
    "hidden_text",
    "spoiler",
    "split_embeds",
    "split_message",
    "unhidden_text",
    "visible_text",
]
