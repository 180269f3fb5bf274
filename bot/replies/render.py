"""The outline shown in Discord: nested comments like a blog's, paged to fit an embed.

Each comment is two lines: who and when (with a jump link), then a short excerpt indented under
it. Replies deeper than `max_depth` levels are folded into one "continue this thread" line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot import limits
from bot.replies.model import MessageState, StoredMessage
from bot.replies.text import excerpt, safe_name
from bot.replies.tree import Node, ReplyTree, shown_text

INDENT = "\u2003"  # an em space: Discord keeps it, where it strips ordinary leading spaces
REPLY_MARK = "↳ "
FOCUS_MARK = "➤ "
JUMP_URL_BASE = "https://discord.com/channels"
SHORT_NAME = 40  # characters of an emoji or attachment name shown in an outline line
ATTACHMENTS_NAMED = 3  # attachments named in an outline line; the rest are counted


class TimeStyle(StrEnum):
    """How an outline writes a time."""

    DISCORD = "discord"  # Discord's timestamp markup: each reader sees their own time zone
    PLAIN = "plain"  # UTC text (files, tests)


@dataclass(frozen=True)
class RenderOptions:
    page_limit: int = limits.EMBED_DESCRIPTION
    max_depth: int = 5  # levels shown; deeper replies fold into "continue this thread"
    excerpt_chars: int = 160
    time_style: TimeStyle = TimeStyle.DISCORD


@dataclass(frozen=True)
class RenderedTree:
    pages: list[str]
    comments: int  # comments in the tree (or chain) rendered
    shown: int  # comments with their own line; the rest are folded


def jump_url(message: StoredMessage) -> str | None:
    """Link to the message in Discord; None for imported comments never posted there."""
    if message.guild_id is None or message.message_id <= 0:
        return None
    return f"{JUMP_URL_BASE}/{message.guild_id}/{message.thread_id}/{message.message_id}"


def format_time(moment: datetime, style: TimeStyle) -> str:
    """Discord's own timestamp markup (each reader sees their time zone), or plain UTC."""
    if style is TimeStyle.DISCORD:
        return f"<t:{int(moment.timestamp())}:f>"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def human_time(moment: datetime) -> str:
    """A date as a blog prints it: "3 March 2017 at 21:15 UTC"."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def render_tree(tree: ReplyTree, options: RenderOptions | None = None) -> RenderedTree:
    """The whole discussion as pages of nested comments."""
    options = options or RenderOptions()
    blocks = list(_blocks(tree, tree.roots, 0, options, focus_id=None))
    return _paginate(blocks, len(tree), options.page_limit)


def render_chain(
    tree: ReplyTree, focus_id: int, options: RenderOptions | None = None
) -> RenderedTree:
    """A message with its ancestors above and its replies below.

    A long way up (more than one comment beyond the two nearest ancestors) is shortened to the
    two nearest and a link to the start, so the message stays visible with room for replies.
    """
    options = options or RenderOptions()
    path = tree.path_to(focus_id)
    keep = max(options.max_depth - 3, 0)
    hidden = len(path) - 1 - keep
    if hidden < 2:  # a line saying "1 earlier comment" would take the comment's own room
        hidden = 0
    start = path[hidden]
    blocks: list[tuple[bool, str]] = []
    if hidden:
        blocks.append((False, _earlier_line(path[0], hidden)))
    blocks.extend(_blocks(tree, [start], start.depth, options, focus_id))
    return _paginate(blocks, len(tree), options.page_limit)


def _blocks(
    tree: ReplyTree, starts: Sequence[Node], base: int, options: RenderOptions, focus_id: int | None
) -> Iterator[tuple[bool, str]]:
    """(is_comment, text) blocks in reading order; folds replace what is too deep."""
    stack = list(reversed(starts))
    while stack:
        node = stack.pop()
        level = node.depth - base
        yield True, _comment_block(node, level, options, node.id == focus_id)
        if level + 1 < options.max_depth:
            stack.extend(reversed(node.children))
        elif node.children:
            yield False, _fold_line(node, level + 1)


def _comment_block(node: Node, level: int, options: RenderOptions, focused: bool) -> str:
    message = node.message
    lead = FOCUS_MARK if focused else (REPLY_MARK if level else "")
    header = (
        f"{INDENT * level}{lead}**{safe_name(message.author_name)}** · "
        f"{format_time(message.created_at, options.time_style)}"
    )
    if message.edited_at and message.state is MessageState.VISIBLE:
        header += " · *(edited)*"
    url = jump_url(message)
    if url:
        header += f" · [jump]({url})"
    if node.marker:
        header += f" · ↪ *{node.marker.value}*"
    body = f"{header}\n{INDENT * (level + 1)}{_body(message, options.excerpt_chars)}"
    if message.reactions:
        body += f"\n{INDENT * (level + 1)}{reaction_line(message.reactions)}"
    return body


def reaction_line(reactions: tuple[tuple[str, int], ...]) -> str:
    """ "❤️ 2 · 👍 1": each emoji and how many reacted with it (like a blog's "Liked by")."""
    return " · ".join(f"{safe_name(emoji, SHORT_NAME)} {count}" for emoji, count in reactions)


def _body(message: StoredMessage, chars: int) -> str:
    if message.state is not MessageState.VISIBLE:
        return f"*{shown_text(message)}*"
    text = excerpt(message.content, chars) if message.content.strip() else ""
    if message.attachments:
        shown = message.attachments[:ATTACHMENTS_NAMED]
        names = ", ".join(safe_name(name, SHORT_NAME) for name in shown)
        more = len(message.attachments) - ATTACHMENTS_NAMED
        text += f" 📎 {names}" + (f" +{more}" if more > 0 else "")
    return text.strip() or "*(no text)*"


def _fold_line(node: Node, level: int) -> str:
    hidden = node.size - 1
    first = node.children[0]
    noun = "reply" if hidden == 1 else "replies"
    line = f"{INDENT * level}{REPLY_MARK}*continue this thread* ({hidden} more {noun})"
    url = jump_url(first.message)
    return line + (f" → [jump]({url})" if url else f" → message {first.id}")


def _earlier_line(top: Node, hidden: int) -> str:
    noun = "comment" if hidden == 1 else "comments"
    url = jump_url(top.message)
    where = f" · [start]({url})" if url else ""
    return f"⋮ *{hidden} earlier {noun} in this chain*{where}"


def _paginate(blocks: list[tuple[bool, str]], comments: int, limit: int) -> RenderedTree:
    """Whole blocks per page, each page within `limit` characters."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    shown = 0
    for is_comment, block in blocks:
        shown += is_comment
        block = block if len(block) <= limit else block[: limit - 1] + "…"
        if current and size + 1 + len(block) > limit:
            pages.append("\n".join(current))
            current, size = [], 0
        size += len(block) + (1 if current else 0)
        current.append(block)
    if current or not pages:
        pages.append("\n".join(current) or "*No comments stored for this thread yet.*")
    return RenderedTree(pages, comments, shown)
