"""What the `/thread` commands show: plain values in, pages of text out.

The replies service (service.py) calls these on its repository; a cog turns the pages into
embeds and buttons. Nothing here knows about Discord objects.
"""

from __future__ import annotations

import asyncio
import re

from bot import limits
from bot.errors import InvalidInput, NotFound
from bot.replies.model import MessageState
from bot.replies.render import (
    RenderedTree,
    RenderOptions,
    TimeStyle,
    format_time,
    render_chain,
    render_tree,
)
from bot.replies.text import clip, safe_name
from bot.replies.tree import build_tree
from bot.text import neutralise_mentions, typed_back
from storage.replies import ReplyRepository

_MESSAGE_REF = re.compile(
    r"https?://(?:\w+\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/\d+/(\d+)|(\d{1,20})"
)

PASTED_SHOWN = 100  # characters of a pasted reference quoted back when it is not a message
ATTACHMENT_NAME = 80  # characters of each attachment name in an original

STATE_LABELS = {
    MessageState.VISIBLE: "visible",
    MessageState.DELETED_BY_AUTHOR: "deleted by its author",
    MessageState.REMOVED_BY_MODERATOR: "removed by a moderator",
}


def parse_message_ref(text: str) -> int:
    """A message id from what a user pasted: the id itself or a message link."""
    match = _MESSAGE_REF.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(
            f"{typed_back(text, PASTED_SHOWN)} is not a message: paste a message link (right-click the "
            "message > Copy Message Link) or a message id."
        )
    message_id = int(match[1] or match[2])
    if not 0 < message_id < limits.SNOWFLAKE_END:
        raise InvalidInput(f"No message has the id {message_id}.")
    return message_id


def remover(by: str) -> str:
    """Who removed a comment: a moderator's mention, or what did it ("the screener")."""
    if by.isdigit():
        return f"<@{by}>"
    return "the screener" if by == "screener" else neutralise_mentions(by)


async def thread_outline(
    repo: ReplyRepository, thread_id: int, options: RenderOptions | None = None
) -> RenderedTree:
    """`/thread tree` without a message: the whole discussion, paged."""
    messages = await repo.thread_messages(thread_id)
    if not messages:
        raise NotFound("No messages of this thread are stored yet.")
    return await asyncio.to_thread(lambda: render_tree(build_tree(messages), options))


async def chain_outline(
    repo: ReplyRepository, message_id: int, options: RenderOptions | None = None
) -> RenderedTree:
    """`/thread tree message:` and "Show reply chain": ancestors, the message, its replies."""
    messages = await repo.chain_messages(message_id)
    if not messages:
        raise NotFound(
            "The bot has no record of that message: it was posted before the bot watched this "
            "channel, or in a channel that is not captured."
        )
    return await asyncio.to_thread(lambda: render_chain(build_tree(messages), message_id, options))


async def original_text(
    repo: ReplyRepository, message_id: int, limit: int = limits.EMBED_DESCRIPTION
) -> str:
    """`/thread original` (moderators): the stored text, its state and earlier versions."""
    message = await repo.get_message(message_id)
    if message is None:
        raise NotFound("The bot has no record of that message.")
    state = STATE_LABELS[message.state]
    if message.removed_by:
        state += f" ({remover(message.removed_by)})"
    lines = [
        f"**{safe_name(message.author_name)}** · {format_time(message.created_at, TimeStyle.DISCORD)} · "
        f"{state}",
        neutralise_mentions(message.content) or "*(no text)*",
    ]
    if message.attachments:
        lines.append(
            "Attachments: " + ", ".join(safe_name(n, ATTACHMENT_NAME) for n in message.attachments)
        )
    for version in reversed(await repo.versions(message_id)):
        when = format_time(version.replaced_at, TimeStyle.DISCORD) if version.replaced_at else "?"
        lines.append(f"\n*Version {version.version}, replaced {when}:*")
        lines.append(neutralise_mentions(version.content) or "*(no text)*")
    return clip("\n".join(lines), limit)
