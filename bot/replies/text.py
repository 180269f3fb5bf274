"""Text helpers shared by the outline and the exports: spoiler spans, safe excerpts, safe names.

Mentions are neutralised by the shared `bot.text.neutralise_mentions`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from enum import StrEnum

from bot.spoilers import _markdown as md
from bot.spoilers._markdown import Fragment, Wrapper
from bot.spoilers.format import Document
from bot.text import NAME_CHARS, ZERO_WIDTH_SPACE, neutral_name, neutralise_mentions

ELLIPSIS = "…"
SPOILER_PLACEHOLDER = "[spoiler]" + ELLIPSIS


def _is_spoiler(frag: Fragment) -> bool:
    return any(w.kind == "spoiler" for w in frag.stack)


def spoiler_spans(doc: Document) -> list[tuple[int, int]]:
    """(start, end) in `doc.text` of each spoiler as Discord reads it (code and escapes count)."""
    spans: list[tuple[int, int]] = []
    previous = None
    for start, frag in zip(doc.starts, doc.fragments, strict=True):
        wrapper = next((w for w in frag.stack if w.kind == "spoiler"), None)
        if wrapper is None:
            previous = None
            continue
        end = start + len(frag.text)
        if wrapper is previous:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        previous = wrapper
    return spans


class Flat(StrEnum):
    """How much of a comment's markdown `contained` drops (`sealed` tries each in turn)."""

    NO = "no"
    EMPHASIS = (
        "emphasis"  # emphasis and bare links: the same words show, not in italics, not linked
    )
    ALL = "all"  # everything but spoilers: code and links show as plain text too


def contained(text: str, *, one_line: bool = False, flat: Flat = Flat.NO) -> Document:
    """`text` parsed so it can sit inside any other markdown without pairing with it.

    Literal markup characters are escaped and mentions made inert; code and URLs stay raw,
    except code holding a backtick, which becomes escaped text (its ticks could join the next
    text's). With `one_line`, whitespace runs become single spaces and code blocks inline code.
    `flat` drops spans too (see Flat): what `sealed` falls back to when a marker could pair
    with text after it.
    """
    out = []
    inline: dict[int, Wrapper] = {}  # a code block's wrapper -> its inline-code stand-in
    for frag in Document.parse(text).fragments:
        body, stack = frag.text, frag.stack
        if flat is not Flat.NO:
            stack = tuple(w for w in stack if _kept_flat(w, flat))
        if one_line:
            body, stack = _one_line(body, stack, inline)
        code = next((w for w in stack if w.kind in md.CODE_KINDS), None)
        if code is not None and "`" in body:  # ticks at a code edge can join the next text's
            stack = tuple(w for w in stack if w is not code)
        if not md.in_code(stack) and not md.marker_run(body, stack):
            body = md.escape_literal(body)
        if not any(w.kind == "url" for w in stack):  # no new link can swallow what follows
            body = neutralise_mentions(body).replace("://", ":" + ZERO_WIDTH_SPACE + "//")
        out.append(Fragment(body, stack))
    return Document(out)


def _kept_flat(wrapper: Wrapper, flat: Flat) -> bool:
    """Whether a span stays in a flat reading: not emphasis, and not a bare URL (without
    the span that ended it, it could run on into the text after it; it shows as text);
    with Flat.ALL only spoilers stay."""
    if flat is Flat.ALL:
        return wrapper.kind == "spoiler"
    bare_url = wrapper.kind == "url" and not wrapper.open
    return wrapper.kind not in md.EMPHASIS_KINDS and not bare_url


def sealed(text: str, show: Callable[[Document], str], *, one_line: bool = False) -> str:
    """`show(contained(text))`, unless some marker in it would pair with markdown placed
    after it: then `show` of a flatter reading (no emphasis, then nothing but spoilers),
    the first that cannot.

    A span complete on its own can still be re-read in a longer text: simple-markdown takes
    the longest of bold, italic and underline at a marker, and one of them that found no
    closer in the comment alone may find one in the next comment (`___x\\___` reads as
    underline alone, but as italic ending inside whatever follows).
    """
    for flat in (Flat.NO, Flat.EMPHASIS, Flat.ALL):
        shown = show(contained(text, one_line=one_line, flat=flat))
        if stays_put(shown):
            break
    return shown


# A closer of every span rule: a span left open at the end of a text closes on one of them.
_PROBE = "\n_ a* ** __ ~~ || ` x"


def stays_put(markdown: str) -> bool:
    """Whether `markdown` reads the same with more markdown after it (no span reaches out)."""
    followed = md.parse(markdown + _PROBE)
    return _shape(followed) == _shape([*md.parse(markdown), Fragment(_PROBE, ())])


def _shape(fragments: list[Fragment]) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    """Fragments as comparable values: text, and each span's kind and order of appearance
    (adjacent fragments under the same spans merged)."""
    numbers: dict[int, int] = {}
    shape: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    for frag in fragments:
        spans = tuple((w.kind, numbers.setdefault(id(w), len(numbers))) for w in frag.stack)
        if shape and shape[-1][1] == spans:
            shape[-1] = (shape[-1][0] + frag.text, spans)
        elif frag.text:
            shape.append((frag.text, spans))
    return shape


@functools.lru_cache(maxsize=4096)  # a thread has far fewer authors than messages
def safe_name(name: str, limit: int = NAME_CHARS) -> str:
    """A display name that shows literally in Discord markdown: no formatting, no pings."""
    return neutral_name(name, limit)


def _one_line(
    body: str, stack: tuple[Wrapper, ...], inline: dict[int, Wrapper]
) -> tuple[str, tuple[Wrapper, ...]]:
    """A fragment on one line: a code block becomes inline code."""
    body = re.sub(r"\s+", " ", body)
    block = next((w for w in stack if w.kind == "code_block"), None)
    if block is None:
        return body, stack
    body = body.strip() or " "
    code = inline.setdefault(id(block), Wrapper("code", "`", "`"))
    return body, tuple(code if w is block else w for w in stack)


def excerpt(text: str, limit: int) -> str:
    """One line of at most about `limit` characters, never cut inside a ||spoiler||.

    A spoiler that would be cut is left out whole (or kept whole when it is the beginning and
    not too long), so what stays hidden in Discord stays hidden here. The line is
    `contained`: nothing in it pairs with the outline around it.
    """
    if not md.has_markup(text):  # plain words: no spans to keep whole
        flat = neutralise_mentions(" ".join(text.split()))
        if len(flat) <= limit:
            return flat
        kept = flat[: _word_boundary(flat, limit - 1)].rstrip()
        return kept if kept.endswith(ELLIPSIS) else kept + ELLIPSIS
    return sealed(text.strip(), lambda doc: _excerpt_of(doc, limit), one_line=True)


def _excerpt_of(doc: Document, limit: int) -> str:
    rendered = doc.render().strip()
    if len(rendered) <= limit:
        return rendered
    budget = limit - 1
    while budget > 0:
        cut, whole_spoiler = _excerpt_cut(doc, budget, limit)
        if cut == 0:
            return SPOILER_PLACEHOLDER
        kept = _render_slice(doc, cut)
        if len(kept) + 1 <= limit or whole_spoiler or cut <= 1:
            return kept if kept.endswith(ELLIPSIS) else kept + ELLIPSIS
        budget -= len(kept) + 1 - limit
    return SPOILER_PLACEHOLDER


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, keeping line breaks; a cut never lands inside a spoiler."""
    if len(text) <= limit:
        return text
    return sealed(text, lambda doc: _clip_of(doc, limit))


def _clip_of(doc: Document, limit: int) -> str:
    budget = limit - 1
    while budget > 0:
        cut = min(budget, len(doc.text))
        for start, end in spoiler_spans(doc):
            if start < cut < end:
                cut = start
                break
        kept = _render_slice(doc, cut)
        if len(kept) + 1 <= limit:
            return kept + ELLIPSIS
        budget -= len(kept) + 1 - limit
    return ELLIPSIS


def _render_slice(doc: Document, cut: int) -> str:
    if md.odd_backslashes_before(doc.text, cut):
        cut -= 1  # never part a backslash from what it escapes
    return md.render(doc.fragments_in(0, cut))[0].rstrip() if cut else ""


def _excerpt_cut(doc: Document, budget: int, limit: int) -> tuple[int, bool]:
    """Where to cut, and whether that keeps a leading spoiler whole beyond the budget."""
    cut = _word_boundary(doc.text, min(budget, len(doc.text)))
    for start, end in spoiler_spans(doc):
        if start < cut < end:
            cut = _cut_around_spoiler(doc.text, start, end, limit)
            return cut, cut == end
    return cut, False


def _word_boundary(text: str, cut: int) -> int:
    space = text.rfind(" ", 0, cut + 1)
    return space if space > cut // 2 else cut


def _cut_around_spoiler(text: str, start: int, end: int, limit: int) -> int:
    if text[:start].strip():
        return start
    return end if end <= limit + limit // 2 else 0
