"""A whole discussion written to a file: HTML like a blog's comment section, Markdown, or JSON.

Writers stream: each comment is written as the walk reaches it and the tree's closing tags as
the walk leaves it, so a 50,000-message thread never exists as one document in memory. The
file appears under its final name only once it is complete.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from bot.errors import InvalidInput, NotFound
from bot.progress import Progress
from bot.replies.model import MessageState, StoredMessage, ThreadSummary
from bot.replies.render import human_time, jump_url, reaction_line
from bot.replies.text import safe_name, sealed
from bot.replies.tree import Node, ReplyTree, build_tree, shown_text
from bot.spoilers import _markdown as md
from bot.spoilers._markdown import Fragment, Wrapper
from bot.spoilers.format import Document
from storage.replies import ReplyRepository


class ExportFormat(StrEnum):
    JSON = "json"
    HTML = "html"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: ExportFormat
    comments: int
    bytes_written: int


def parse_format(name: str) -> ExportFormat:
    """The format a user typed; InvalidInput naming the choices otherwise."""
    try:
        return ExportFormat(name.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise InvalidInput(f"Unknown export format {name!r}: choose one of {choices}.") from None


async def export_thread(
    repo: ReplyRepository,
    thread_id: int,
    fmt: ExportFormat,
    out: Path,
    *,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a stored thread to `out`; the file writing runs in a worker thread."""
    thread = await repo.get_thread(thread_id)
    if thread is None:
        raise NotFound(f"No stored thread has the id {thread_id} (`threads list` shows them).")
    tree = build_tree(await repo.thread_messages(thread_id))
    return await asyncio.to_thread(write_export, tree, thread, fmt, Path(out), progress)


def write_export(
    tree: ReplyTree,
    thread: ThreadSummary,
    fmt: ExportFormat,
    out: Path,
    progress: Progress | None = None,
) -> ExportResult:
    """Stream the tree to `out` (through `out.partial`, renamed when complete)."""
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", errors="replace", newline="\n") as handle:
            writer = WRITERS[fmt](handle, thread, len(tree))
            writer.begin()
            for opening, node in tree.events():
                if opening:
                    writer.open(node)
                    if progress is not None:
                        progress.advance()
                else:
                    writer.close(node)
            writer.end()
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"Cannot write {out}: {exc.strerror or exc}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress.finish()
    return ExportResult(out, fmt, len(tree), out.stat().st_size)


def _title(thread: ThreadSummary) -> str:
    return thread.title or f"Thread {thread.thread_id}"


class _Writer:
    def __init__(self, out: TextIO, thread: ThreadSummary, count: int) -> None:
        self.out = out
        self.thread = thread
        self.count = count

    def begin(self) -> None: ...

    def open(self, node: Node) -> None: ...

    def close(self, node: Node) -> None: ...

    def end(self) -> None: ...


_json = json.encoder.encode_basestring  # a JSON string literal, without json.dumps' overhead


class JsonWriter(_Writer):
    """[{"id","author","created_at","text","state","replies":[...]}...]; ids are strings
    because Discord ids do not fit a JavaScript number."""

    def begin(self) -> None:
        self.out.write("[")
        self._has_items = [False]

    def open(self, node: Node) -> None:
        message = node.message
        if self._has_items[-1]:
            self.out.write(",")
        self._has_items[-1] = True
        self._has_items.append(False)
        self.out.write(
            f'\n{{"id": "{message.message_id}", "author": {_json(message.author_name)}, '
            f'"created_at": "{message.created_at.isoformat()}", '
            f'"text": {_json(shown_text(message))}, "state": "{message.state.value}", '
            f"{_json_reactions(message)}"
            '"replies": ['
        )

    def close(self, node: Node) -> None:
        self._has_items.pop()
        self.out.write("]}")

    def end(self) -> None:
        self.out.write("\n]\n")


def _json_reactions(message: StoredMessage) -> str:
    if not message.reactions:
        return ""
    pairs = ", ".join(f"{_json(emoji)}: {count}" for emoji, count in message.reactions)
    return f'"reactions": {{{pairs}}}, '


class MarkdownWriter(_Writer):
    """A nested list: two spaces per level; names escaped. Each comment's text keeps its
    Discord markdown (spoiler tags included) with stray markup escaped, so HTML in comments
    shows as text and no comment's markup pairs with another's."""

    def begin(self) -> None:
        self.out.write(f"# {html.escape(_title(self.thread), quote=False)}\n\n")
        self.out.write(f"{self.count:,} comments.\n\n")

    def open(self, node: Node) -> None:
        message = node.message
        pad = "  " * node.depth
        head = f"**{safe_name(message.author_name)}** · {human_time(message.created_at)}"
        if node.marker:
            head += f" · *{node.marker.value}*"
        url = jump_url(message)
        if url:
            head += f" · [jump]({url})"
        self.out.write(f"{pad}- {head}\n")
        if message.state is MessageState.VISIBLE:
            text = sealed(message.content, Document.render)  # nothing pairs across comments
        else:
            text = f"*{shown_text(message)}*"
        for line in text.splitlines() or [""]:
            self.out.write(f"{pad}  {line}\n" if line.strip() else "\n")
        if message.reactions:
            self.out.write(f"{pad}  {html.escape(reaction_line(message.reactions))}\n")
        self.out.write("\n")


_STYLE = """
body{font:16px/1.5 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
ol.comments,ol.children{list-style:none;padding-left:0;margin:0}
ol.children{margin-left:1.5rem;border-left:2px solid #e3e3e3;padding-left:1rem}
li.comment{margin:1.2rem 0}
header{font-size:.9rem;color:#666}
.author{font-weight:bold;color:#222}
.text{margin-top:.3rem;white-space:normal}
.tombstone .text{color:#888;font-style:italic}
.note{font-size:.85rem;color:#a06000;margin:.2rem 0}
details.spoiler,details.spoiler summary{display:inline}
details.spoiler summary{cursor:pointer;background:#333;color:#fff;border-radius:3px;padding:0 .3rem}
details.spoiler[open] summary{display:none}
details.spoiler span{background:#f1f1f1}
""".strip()

_HTML_TAGS = {
    "spoiler": ('<details class="spoiler"><summary>spoiler</summary><span>', "</span></details>"),
    "bold": ("<strong>", "</strong>"),
    "italic": ("<em>", "</em>"),
    "underline": ("<u>", "</u>"),
    "strike": ("<s>", "</s>"),
    "code": ("<code>", "</code>"),
    "code_block": ("<pre><code>", "</code></pre>"),
    "quote": ("<blockquote>", "</blockquote>"),
}


def _html_open(wrapper: Wrapper, first_text: str) -> str:
    if wrapper.kind in ("link", "url"):
        href = wrapper.close[2:-1] if wrapper.kind == "link" else first_text
        href = html.escape(href.strip("<>"))
        return f'<a href="{href}" rel="nofollow noopener">'
    return _HTML_TAGS[wrapper.kind][0]


def _html_close(wrapper: Wrapper) -> str:
    return "</a>" if wrapper.kind in ("link", "url") else _HTML_TAGS[wrapper.kind][1]


def html_text(text: str) -> str:
    """User text as safe HTML, read with the same markdown model as Discord's: emphasis,
    code and links rendered, ||spoilers|| hidden until clicked, everything else escaped."""
    parts: list[str] = []
    stack: tuple[Wrapper, ...] = ()
    for frag in [*md.parse(text), Fragment("", ())]:
        common = 0
        while common < min(len(stack), len(frag.stack)) and stack[common] is frag.stack[common]:
            common += 1
        parts.extend(_html_close(w) for w in reversed(stack[common:]))
        shown = md.decode_visible([frag])
        parts.extend(_html_open(w, shown) for w in frag.stack[common:])
        escaped = html.escape(shown)
        if not any(w.kind == "code_block" for w in frag.stack):
            escaped = escaped.replace("\n", "<br>\n")
        parts.append(escaped)
        stack = frag.stack
    return "".join(parts)


class HtmlWriter(_Writer):
    """A standalone page that reads like a blog's comment section."""

    def begin(self) -> None:
        title = html.escape(_title(self.thread))
        self.out.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title} — comments</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
            f'<h1>{title}</h1>\n<p class="count">{self.count:,} comments</p>\n'
            '<ol class="comments">\n'
        )

    def open(self, node: Node) -> None:
        message = node.message
        classes = "comment" if message.state is MessageState.VISIBLE else "comment tombstone"
        stamp = message.created_at.astimezone(UTC)
        url = jump_url(message)
        link = f' · <a href="{html.escape(url)}">on Discord</a>' if url else ""
        note = f'<p class="note">{html.escape(node.marker.value)}</p>\n' if node.marker else ""
        self.out.write(
            f'<li class="{classes}" id="c{message.message_id}">\n<article>\n<header>'
            f'<span class="author">{html.escape(message.author_name)}</span> · '
            f'<a href="#c{message.message_id}"><time datetime="{stamp.isoformat()}">'
            f"{human_time(stamp)}</time></a>{link}</header>\n{note}"
            f'<div class="text">{self._body(node)}</div>\n</article>\n'
        )
        if node.children:
            self.out.write('<ol class="children">\n')

    def _body(self, node: Node) -> str:
        message = node.message
        if message.state is not MessageState.VISIBLE:
            return html.escape(shown_text(message))
        body = html_text(message.content)
        if message.attachments:
            names = ", ".join(html.escape(name) for name in message.attachments)
            body += f'\n<p class="attachments">Attachments: {names}</p>'
        if message.reactions:
            body += f'\n<p class="reactions">{html.escape(reaction_line(message.reactions))}</p>'
        return body

    def close(self, node: Node) -> None:
        self.out.write("</ol>\n</li>\n" if node.children else "</li>\n")

    def end(self) -> None:
        self.out.write("</ol>\n</body>\n</html>\n")


WRITERS: dict[ExportFormat, type[_Writer]] = {
    ExportFormat.JSON: JsonWriter,
    ExportFormat.HTML: HtmlWriter,
    ExportFormat.MARKDOWN: MarkdownWriter,
}
