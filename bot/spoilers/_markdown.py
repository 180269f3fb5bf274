"""A small model of Discord markdown: text characters, each under a stack of open spans.

`parse` turns markdown into fragments (text + the spans around it: spoiler, bold, code block...).
`render` turns fragments back into markdown, opening and closing spans where stacks change, so
any slice of a document renders well-formed: a slice that starts inside a spoiler re-opens it
and one that ends inside closes it. The rules follow Discord's parser (simple-markdown) closely
enough to keep text intact; anything that does not form a complete span stays literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import ZERO_WIDTH_SPACE as ZWSP

SPOILER = "||"
MAX_DEPTH = 8  # deeper nesting is left as literal text (keeps recursion and re-opening small)
CODE_KINDS = frozenset({"code", "code_block"})
# Spans whose text is taken raw: no markup or escapes inside (code, and bare URLs).
LITERAL_KINDS = CODE_KINDS | {"url"}
INLINE_KINDS = frozenset({"bold", "italic", "underline", "strike", "code", "link", "url"})

# Fences: the language and the newlines around the content belong to the markers.
_CODE_BLOCK = re.compile(r"```(?:[a-z0-9_+\-.#]+?\n+)?\n*([\s\S]+?)\n*```", re.IGNORECASE)
_LINK = re.compile(r"\[([^\[\]\n]+)\]\((<?https?://[^\s()<>]+>?)\)")
_PIPE_PAIR = re.compile(r"\|(?=\|)")
# simple-markdown's url rule: a bare URL runs to whitespace or "<", and does not end on
# punctuation. It swallows any `||`, `*` or `_` glued to it.
_URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
_AUTOLINK = re.compile(r"<(https?://[^ >]+)>")
# simple-markdown's inline rules, applied (as there) to the text from the current position on,
# so `\b` at the start sees no character before it.
_INLINE_CODE = re.compile(r"(`+)([\s\S]*?[^`])\1(?!`)")
_EMPHASIS = (
    (re.compile(r"\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)"), "bold", 0.1),
    (
        re.compile(
            r"\b_((?:__|\\[\s\S]|[^\\_])+?)_\b"
            r"|\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)"
        ),
        "italic",
        0.2,
    ),
    (re.compile(r"__((?:\\[\s\S]|[^\\])+?)__(?!_)"), "underline", 0.0),
)
# Where a rule can start: markup characters, an escape, a URL.
_CANDIDATE = re.compile(r"[\\`|*_~\[<>]|https?://")
EMPHASIS_KINDS = frozenset({"bold", "italic", "underline", "strike"})
_STRIKE = re.compile(r"~~([\s\S]+?)~~(?!_)")
_LANGUAGE = re.compile(r"[a-z0-9_+\-.#]+\n", re.IGNORECASE)  # what a fence reads as a language


@dataclass(eq=False)
class Wrapper:
    """One span: compared by identity, so two adjacent bold spans stay two spans."""

    kind: str
    open: str
    close: str


@dataclass(frozen=True)
class Fragment:
    text: str
    stack: tuple[Wrapper, ...]


def is_escapable(ch: str) -> bool:
    """Discord escapes any character that is not an ASCII letter/digit or whitespace."""
    return not (ch.isascii() and ch.isalnum()) and not ch.isspace()


def odd_backslashes_before(text: str, index: int, floor: int = 0) -> bool:
    count = 0
    while index - 1 - count >= floor and text[index - 1 - count] == "\\":
        count += 1
    return count % 2 == 1


Span = tuple[Wrapper, int, int, int]  # a wrapper, its inner start and end, the span's end


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Fragment] = []

    def run(self) -> list[Fragment]:
        self.parse(0, len(self.text), ())
        return self.out

    def emit(self, start: int, end: int, stack: tuple[Wrapper, ...]) -> None:
        if start < end:
            self.out.append(Fragment(self.text[start:end], stack))

    def parse(self, start: int, end: int, stack: tuple[Wrapper, ...]) -> None:
        text, i, literal_from = self.text, start, start
        while i < end:
            candidate = _CANDIDATE.search(text, i, end)  # no rule starts anywhere else
            if candidate is None:
                break
            i = candidate.start()
            if text[i] == "\\" and i + 1 < end and is_escapable(text[i + 1]):
                i += 2
                continue
            span = self.match(i, end, stack)
            if span is None:
                i += 1
                continue
            wrapper, inner_start, inner_end, span_end = span
            self.emit(literal_from, i, stack)
            inner = stack + (wrapper,)
            if wrapper.kind in LITERAL_KINDS:
                self.emit(inner_start, inner_end, inner)
            else:
                self.parse(inner_start, inner_end, inner)
            i = literal_from = span_end
        self.emit(literal_from, end, stack)

    def match(self, i: int, end: int, stack: tuple[Wrapper, ...]) -> Span | None:
        """The span starting at i, as (wrapper, inner start, inner end, span end), or None."""
        if len(stack) >= MAX_DEPTH:
            return None
        text = self.text
        ch = text[i]
        if ch == "`":
            return self.code_block(i, end) or self.inline_code(i, end)
        if text.startswith(SPOILER, i):
            if any(w.kind == "spoiler" for w in stack):
                return None
            # Discord's spoiler rule is a raw non-greedy match: escapes do not protect `||`.
            close = text.find(SPOILER, i + 3, end)
            if close == -1 or close + 2 > end:
                return None
            return Wrapper("spoiler", SPOILER, SPOILER), i + 2, close, close + 2
        if ch in "*_":
            return self.emphasis(i, end)
        if text.startswith("~~", i):
            return self.strike(i, end)
        if ch == "h" and not any(w.kind in ("url", "link") for w in stack):
            url = _URL.match(text, i, end)
            if url:
                return Wrapper("url", "", ""), i, url.end(), url.end()
        if ch == "<" and not any(w.kind in ("url", "link") for w in stack):
            auto = _AUTOLINK.match(text, i, end)
            if auto:
                return Wrapper("url", "<", ">"), i + 1, auto.end() - 1, auto.end()
        if ch == "[":
            link = _LINK.match(text, i, end)
            if link:
                wrapper = Wrapper("link", "[", f"]({link.group(2)})")
                return wrapper, i + 1, i + 1 + len(link.group(1)), link.end()
        if text.startswith(">>> ", i) and not stack and (i == 0 or text[i - 1] == "\n"):
            return Wrapper("quote", ">>> ", ""), i + 4, end, end
        return None

    def code_block(self, i: int, end: int) -> Span | None:
        match = _CODE_BLOCK.match(self.text[i:end])
        if match is None:
            return None
        opener, closer = match.group(0)[: match.start(1)], match.group(0)[match.end(1) :]
        wrapper = Wrapper("code_block", opener, closer)
        return wrapper, i + match.start(1), i + match.end(1), i + match.end()

    def inline_code(self, i: int, end: int) -> Span | None:
        match = _INLINE_CODE.match(self.text[i:end])
        if match is None:
            return None
        ticks = match.group(1)
        return Wrapper("code", ticks, ticks), i + len(ticks), i + match.end(2), i + match.end()

    def emphasis(self, i: int, end: int) -> Span | None:
        """The longest of bold / italic / underline here; italic wins ties, underline loses."""
        source = self.text[i:end]
        best, best_quality = None, -1.0
        for regex, kind, bonus in _EMPHASIS:
            match = regex.match(source)
            if match and len(match.group(0)) + bonus > best_quality:
                best, best_quality = (match, kind), len(match.group(0)) + bonus
        if best is None:
            return None
        match, kind = best
        group = 1 if match.group(1) is not None else 2
        marker = source[: match.start(group)]
        wrapper = Wrapper(kind, marker, marker)
        return wrapper, i + match.start(group), i + match.end(group), i + match.end()

    def strike(self, i: int, end: int) -> Span | None:
        match = _STRIKE.match(self.text[i:end])
        if match is None:
            return None
        return Wrapper("strike", "~~", "~~"), i + 2, i + match.end(1), i + match.end()


def has_markup(text: str) -> bool:
    """Whether any rule could start in `text` (if not, it all shows as typed)."""
    return _CANDIDATE.search(text) is not None


def parse(markdown: str) -> list[Fragment]:
    """Fragments of `markdown`; rendering them gives back the same text as Discord shows it."""
    return _Parser(markdown).run()


def in_code(stack: tuple[Wrapper, ...]) -> bool:
    """Whether text under `stack` is taken raw (code or a URL): no escapes, no markup."""
    return any(w.kind in LITERAL_KINDS for w in stack)


def safe_text(text: str, stack: tuple[Wrapper, ...]) -> str:
    """Neutralise `||` in literal text so it can never pair with a spoiler tag."""
    in_spoiler = any(w.kind == "spoiler" for w in stack)
    if in_code(stack) and not in_spoiler:
        return text
    return _PIPE_PAIR.sub("|" + ZWSP, text)


def same_stack(a: tuple[Wrapper, ...], b: tuple[Wrapper, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _transition(prev: tuple[Wrapper, ...], nxt: tuple[Wrapper, ...]) -> list[str]:
    common = 0
    while common < min(len(prev), len(nxt)) and prev[common] is nxt[common]:
        common += 1
    markers = [w.close for w in reversed(prev[common:]) if w.close]
    markers += [w.open for w in nxt[common:] if w.open]
    for index in range(len(markers) - 1, 0, -1):
        if markers[index - 1].endswith("`") and markers[index].startswith("`"):
            markers.insert(index, ZWSP)  # a code span's ticks would join the next one's
    return markers


def guard_end(text: str, marker: str) -> str:
    """`text` made safe to sit right before `marker`: its last character cannot join it."""
    if not text:
        return text
    trailing = len(text) - len(text.rstrip("\\"))
    if trailing % 2 == 1:
        return text + "\\"  # a lone backslash would escape the marker: escape the backslash
    if not marker or text[-1] != marker[0]:
        return text
    if text[-1] == "|":  # the spoiler rule ignores escapes: only a gap keeps pipes apart
        return text + ZWSP
    if odd_backslashes_before(text, len(text) - 1):
        return text
    return text[:-1] + "\\" + text[-1]


def _guard_start(marker: str, text: str) -> str:
    """`text` made safe to sit right after `marker`: its first character cannot join it."""
    if not text or not marker or text[0] != marker[-1]:
        return text
    return ZWSP + text if text[0] == "|" else "\\" + text


def _reads_as_language(stack: tuple[Wrapper, ...], marker: str, text: str) -> bool:
    """A bare fence just opened (a part re-opening a block midway) before text that would
    read as the block's language (`here` in "```here\n```"): a newline keeps it content."""
    block = stack[-1] if stack else None
    opened_bare = block is not None and block.kind == "code_block" and marker == block.open
    return opened_bare and marker == "```" and _LANGUAGE.match(text + "\n") is not None


def marker_run(text: str, stack: tuple[Wrapper, ...]) -> bool:
    """Text made only of the marker characters of the emphasis around it (`**` inside `*...*`):
    simple-markdown reads such runs as part of the span, so they stay as typed."""
    markers = {ch for w in stack if w.kind in EMPHASIS_KINDS for ch in w.open}
    return bool(text) and bool(markers) and set(text) <= markers


def render(fragments: list[Fragment]) -> tuple[str, list[int]]:
    """Markdown for `fragments`, and where each fragment's text starts in it."""
    out: list[str] = []
    starts: list[int] = []
    length = 0
    stack: tuple[Wrapper, ...] = ()
    previous_code = False
    for frag in [*fragments, Fragment("", ())]:
        markers = _transition(stack, frag.stack)
        text = safe_text(frag.text, frag.stack)
        coded = in_code(frag.stack) or marker_run(text, frag.stack)  # both stay as typed
        if not coded:
            text = escape_literal(text)  # a stray tick or star cannot pair once moved
        if not markers and out and text and not previous_code and is_escapable(text[0]):
            guarded = guard_end(out[-1], "")  # texts joined from two places: no new escape
            length += len(guarded) - len(out[-1])
            out[-1] = guarded
        if markers:
            if out and not previous_code:
                guarded = guard_end(out[-1], markers[0])
                length += len(guarded) - len(out[-1])
                out[-1] = guarded
            out.append("".join(markers))
            length += len(out[-1])
            if not coded:
                text = _guard_start(markers[-1], text)
            elif _reads_as_language(frag.stack, markers[-1], text):
                text = "\n" + text
        starts.append(length)
        out.append(text)
        length += len(text)
        stack, previous_code = frag.stack, coded
    return "".join(out), starts[:-1]


_MARKUP = re.compile(r"(\\.)|([*_~`|\[\]<>])", re.DOTALL)


def escape_literal(text: str) -> str:
    """Literal text with every unescaped markup character escaped.

    Text that showed literally in its own message may pair with markup around it once it is
    placed in another text (an outline, an export); escaped, it cannot.
    """
    return _MARKUP.sub(lambda m: m.group(1) or "\\" + m.group(2), text)


def decode_visible(fragments: list[Fragment]) -> str:
    """The characters a reader sees: escapes resolved outside code, zero-width spaces dropped."""
    pieces = []
    for frag in fragments:
        if in_code(frag.stack):
            pieces.append(frag.text)
        else:
            pieces.append(re.sub(r"\\(.)", _unescape, frag.text, flags=re.DOTALL))
    return "".join(pieces).replace(ZWSP, "")


def _unescape(match: re.Match[str]) -> str:
    ch = match.group(1)
    return ch if is_escapable(ch) else match.group(0)
