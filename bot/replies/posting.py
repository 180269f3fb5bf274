"""The text of each message when an imported comment section is re-posted on Discord.

A webhook posts each comment under its original author's name, but a webhook cannot reply:
so a reply starts with a line naming the comment it answers, with an excerpt and a jump link to
it, and the reply store records the real parent so the tree keeps the blog's nesting. Each
message also carries the comment's original date. A comment too long for one message is cut
and its full text attached as a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import limits
from bot.replies.model import MessageState, StoredMessage
from bot.replies.render import human_time
from bot.replies.text import clip, excerpt, safe_name
from bot.replies.tree import TOMBSTONES
from bot.text import neutralise_mentions
from bot.webhooks import webhook_name

PARENT_EXCERPT_CHARS = 80
ATTACHED_NOTE = "\n-# (the full comment is attached)"


@dataclass(frozen=True)
class PostedComment:
    username: str
    content: str
    attachment: tuple[str, str] | None = None  # (file name, full text) for a long comment


def webhook_username(name: str) -> str:
    """The blog author's name as a webhook may use it (bot/webhooks.py has the rules)."""
    return webhook_name(name, "Anonymous", tag="blog")


def reply_line(parent: StoredMessage | None, parent_url: str | None, *, missing: bool) -> str:
    """The first line of a reply: whom it answers, what they said, a link to it."""
    if parent is None:
        return "-# ↪ replying to a comment missing from the export\n" if missing else ""
    said = TOMBSTONES.get(parent.state) or excerpt(parent.content, PARENT_EXCERPT_CHARS)
    link = f" · [jump]({parent_url})" if parent_url else ""
    return f"-# ↪ replying to **{safe_name(parent.author_name)}**: {said}{link}\n"


def compose(
    comment: StoredMessage,
    parent: StoredMessage | None = None,
    parent_url: str | None = None,
    *,
    parent_missing: bool = False,
    source: str = "the blog",
) -> PostedComment:
    """The message for one imported comment.

    `parent` is the comment it answers (already posted at `parent_url`); `parent_missing` says
    it answers a comment the export does not contain.
    """
    header = reply_line(parent, parent_url, missing=parent_missing)
    header += f"-# {human_time(comment.created_at)} · from {source}\n"
    if comment.state is not MessageState.VISIBLE:
        body = f"*{TOMBSTONES[comment.state]}*"
        return PostedComment(webhook_username(comment.author_name), header + body)
    text = neutralise_mentions(comment.content) or "*(no text)*"
    username = webhook_username(comment.author_name)
    if len(header) + len(text) <= limits.MESSAGE_CONTENT:
        return PostedComment(username, header + text)
    room = limits.MESSAGE_CONTENT - len(header) - len(ATTACHED_NOTE)
    name = f"comment-{comment.source_id or abs(comment.message_id)}.txt"
    return PostedComment(
        username, header + clip(text, room) + ATTACHED_NOTE, (name, comment.content)
    )
