"""Importing a blog's comment section from a WordPress export (WXR).

The whole file is read and checked before anything is stored: a truncated file, a file that is
not a WordPress export, or a comment without an id stores nothing. Each post with comments
becomes one stored thread; parents are kept as the file gives them (loops and self-replies are
broken when the tree is built, never by rewriting the data).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from bot.errors import InvalidInput, NotFound
from bot.progress import Progress
from bot.replies.model import ImportedComment, MessageState, ThreadSource
from bot.replies.saving import refresh_structure
from storage.replies import ReplyRepository

WXR_NAMESPACE_PREFIX = "http://wordpress.org/export/"
WP_DATE = "%Y-%m-%d %H:%M:%S"
SKIPPED_TYPES = {"pingback", "trackback"}
HIDDEN_STATUSES = {"0", "spam", "trash", "hold"}


@dataclass
class WxrPost:
    title: str
    key: str  # what identifies the post across exports: its guid, link or id
    comments: list[ImportedComment] = field(default_factory=list)
    skipped: int = 0  # pingbacks and trackbacks


@dataclass(frozen=True)
class ImportedThread:
    thread_id: int
    title: str
    comments: int
    top_level: int
    skipped: int


def _local(tag: str) -> tuple[str, str]:
    """('namespace', 'name') of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _wp_child(element: ET.Element, name: str) -> str | None:
    for child in element:
        namespace, local = _local(child.tag)
        if local == name and namespace.startswith(WXR_NAMESPACE_PREFIX):
            return (child.text or "").strip()
    return None


def parse_wxr(path: Path, progress: Progress | None = None) -> list[WxrPost]:
    """Every post with comments in the file; InvalidInput saying what is wrong otherwise."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path} does not exist or is not a file.")
    posts: list[WxrPost] = []
    is_wxr = False
    root_checked = False
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            namespace, name = _local(element.tag)
            if event == "start":
                if not root_checked and name != "rss":
                    raise InvalidInput(_not_wxr(path, f"its root element is <{name}>"))
                root_checked = True
                is_wxr = is_wxr or namespace.startswith(WXR_NAMESPACE_PREFIX)
                continue
            if name == "item":
                post = _read_post(element, len(posts) + 1)
                if post.comments:
                    posts.append(post)
                    if progress is not None:
                        progress.advance(len(post.comments))
                element.clear()
    except ET.ParseError as exc:
        if not root_checked:
            raise InvalidInput(_not_wxr(path, "it is not XML")) from None
        line, column = exc.position
        raise InvalidInput(
            f"{path.name} is not complete, well-formed XML (stopped at line {line}, column "
            f"{column}): it may be truncated. Nothing was imported."
        ) from None
    if not is_wxr:
        raise InvalidInput(_not_wxr(path, "it has no WordPress (wp:) elements"))
    if not posts:
        raise InvalidInput(f"{path.name} is a WordPress export but has no comments to import.")
    return posts


def _not_wxr(path: Path, why: str) -> str:
    return (
        f"{path.name} is not a WordPress export (WXR): {why}. Export one from WordPress with "
        "Tools > Export. Nothing was imported."
    )


def _read_post(item: ET.Element, number: int) -> WxrPost:
    title = (item.findtext("title") or "").strip() or f"Imported post {number}"
    key = (item.findtext("guid") or item.findtext("link") or "").strip()
    post = WxrPost(title, key or f"{title}#{_wp_child(item, 'post_id') or number}")
    seen: set[str] = set()
    for child in item:
        namespace, name = _local(child.tag)
        if name != "comment" or not namespace.startswith(WXR_NAMESPACE_PREFIX):
            continue
        if (_wp_child(child, "comment_type") or "comment") in SKIPPED_TYPES:
            post.skipped += 1
            continue
        comment = _read_comment(child, title)
        if comment.source_id in seen:
            raise InvalidInput(
                f"“{title}” has two comments numbered {comment.source_id}. Nothing was imported."
            )
        seen.add(comment.source_id)
        post.comments.append(comment)
    return post


def _read_comment(element: ET.Element, title: str) -> ImportedComment:
    source_id = _wp_child(element, "comment_id")
    if not source_id:
        raise InvalidInput(f"A comment on “{title}” has no wp:comment_id. Nothing was imported.")
    parent = _wp_child(element, "comment_parent") or "0"
    status = (_wp_child(element, "comment_approved") or "1").lower()
    return ImportedComment(
        source_id=source_id,
        parent_source_id=None if parent == "0" else parent,
        author_name=_wp_child(element, "comment_author") or "Anonymous",
        content=html_to_text(_wp_child(element, "comment_content") or ""),
        created_at=_comment_date(element, source_id, title),
        state=MessageState.REMOVED_BY_MODERATOR
        if status in HIDDEN_STATUSES
        else MessageState.VISIBLE,
    )


def _comment_date(element: ET.Element, source_id: str, title: str) -> datetime:
    for name in ("comment_date_gmt", "comment_date"):
        value = _wp_child(element, name)
        if value and not value.startswith("0000"):
            try:
                return datetime.strptime(value, WP_DATE).replace(tzinfo=UTC)
            except ValueError:
                raise InvalidInput(
                    f"Comment {source_id} on “{title}” has the date {value!r}, not "
                    "YYYY-MM-DD HH:MM:SS. Nothing was imported."
                ) from None
    raise InvalidInput(f"Comment {source_id} on “{title}” has no date. Nothing was imported.")


class _CommentHtml(HTMLParser):
    """WordPress's few comment tags become Discord markdown; any other tag stays as text."""

    MARKS = {
        "em": "*",
        "i": "*",
        "strong": "**",
        "b": "**",
        "del": "~~",
        "s": "~~",
        "strike": "~~",
        "code": "`",
        "q": '"',
    }
    BREAKS = {"br": "\n", "p": "\n\n", "blockquote": "\n", "ul": "\n", "ol": "\n", "li": "\n"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.MARKS:
            self.parts.append(self.MARKS[tag])
        elif tag in self.BREAKS:
            self.parts.append(self.BREAKS[tag])
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_start = len(self.parts)
        else:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.MARKS:
            self.parts.append(self.MARKS[tag])
        elif tag in self.BREAKS:
            self.parts.append(self.BREAKS[tag] if tag != "br" else "")
        elif tag == "a" and self._links:
            href = self._links.pop()
            label = "".join(self.parts[self._link_start :]).strip()
            if href and href != label:
                self.parts.append(f" ({href})")
        else:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """A comment's HTML as the text a Discord message would carry."""
    parser = _CommentHtml()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


async def import_wxr(
    repo: ReplyRepository, path: Path, progress: Progress | None = None
) -> list[ImportedThread]:
    """Read a WXR file and store each post's comments as a thread; nothing stored on error.

    A post already imported (same guid or link) is refused, so importing twice duplicates
    nothing.
    """
    posts = parse_wxr(path, progress)
    for post in posts:
        thread_id = await repo.imported_thread_id(ThreadSource.WXR, post.key)
        if thread_id is not None:
            raise InvalidInput(
                f"“{post.title}” was already imported as thread {thread_id}. Nothing was imported."
            )
    thread_ids = await repo.store_imported_threads(
        ThreadSource.WXR, [(post.title, post.key, post.comments) for post in posts]
    )
    imported = []
    for post, thread_id in zip(posts, thread_ids, strict=True):
        await refresh_structure(repo, thread_id)
        top = sum(1 for c in post.comments if c.parent_source_id is None)
        imported.append(
            ImportedThread(thread_id, post.title, len(post.comments), top, post.skipped)
        )
    if progress is not None:
        progress.finish()
    return imported
