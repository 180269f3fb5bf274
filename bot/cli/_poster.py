"""`threads import FILE --post CHANNEL_ID`: post an imported comment section into a new thread.

Only Discord's HTTP API is used (no gateway): a discord.Client logs in with DISCORD_TOKEN,
creates the thread, and a channel webhook posts each comment under its original author's name,
oldest first, each after the comment it answers. Webhooks cannot reply, so each reply names its
parent with a jump link (bot/replies/posting.py) and the reply store records the real parent:
`/thread tree` in the new thread shows the blog's nesting. The thread is tracked, so the bot
captures the replies members add later.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import discord

from bot import limits
from bot.cli.run import _use_endpoints
from bot.discussions.rules import tags_for_post
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.journal import Retryable
from bot.progress import Progress
from bot.replies.model import MessageRecord, MessageState, StoredMessage
from bot.replies.posting import compose
from bot.replies.render import JUMP_URL_BASE
from bot.replies.saving import refresh_structure
from bot.replies.tree import Marker, ReplyTree, build_tree, posting_order
from bot.settings import Settings
from cogs._webhooks import ChannelWebhooks
from cogs.discussions.opening import thread_type
from storage.replies import ReplyRepository

log = logging.getLogger(__name__)

IMPORT_WEBHOOK_NAME = "FilmBot imports"
REMOVED_ON_THE_BLOG = "blog moderation"


@dataclass(frozen=True)
class PostedThread:
    thread_id: int
    name: str
    jump_url: str
    posted: int


@contextlib.contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """DISCORD_API_BASE / DISCORD_GATEWAY_URL for this block only (they are process-global)."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    _use_endpoints(settings)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def post_imported_thread(
    repo: ReplyRepository,
    thread_id: int,
    channel_id: int,
    settings: Settings,
    progress: Progress | None = None,
) -> PostedThread:
    """Post a stored (imported) thread into a new thread of `channel_id`; see the module doc."""
    token = settings.require_token()
    with discord_endpoints(settings):
        client = discord.Client(
            intents=discord.Intents(guilds=True),  # no gateway: HTTP only
            allowed_mentions=discord.AllowedMentions.none(),
        )
        async with client:
            try:
                await client.login(token)
            except discord.LoginFailure:
                raise InvalidInput("Discord refused DISCORD_TOKEN (401 Unauthorized).") from None
            channel = await _target_channel(client, channel_id)
            return await _post(
                repo, thread_id, ChannelWebhooks(client, IMPORT_WEBHOOK_NAME), channel, progress
            )


async def _target_channel(
    client: discord.Client, channel_id: int
) -> discord.TextChannel | discord.ForumChannel:
    try:
        channel = await client.fetch_channel(channel_id)
    except discord.NotFound:
        raise NotFound(
            f"There is no channel with the id {channel_id} that the bot can see."
        ) from None
    except discord.Forbidden:
        raise PermissionDenied(f"The bot cannot see the channel {channel_id}.") from None
    if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
        raise InvalidInput(
            f"#{channel} is not a text or forum channel: the comments are posted into a new "
            "thread, which needs one of those."
        )
    return channel


async def _post(
    repo: ReplyRepository,
    thread_id: int,
    hooks: ChannelWebhooks,
    channel: discord.TextChannel | discord.ForumChannel,
    progress: Progress | None,
) -> PostedThread:
    summary = await repo.get_thread(thread_id)
    if summary is None:
        raise NotFound(f"No stored thread has the id {thread_id}.")
    tree = build_tree(await repo.thread_messages(thread_id))
    title = summary.title or "Imported comments"
    async with refusals(channel, "create a webhook and a thread"):
        await hooks.for_channel(channel)  # first: a refusal leaves no empty thread
        thread = await _new_thread(channel, title, tree, repo)
    guild_id = channel.guild.id
    await repo.set_thread_title(thread.id, guild_id, title)
    await repo.track_channel(guild_id, thread.id, None)  # the bot captures what follows
    try:
        count = await _post_comments(repo, hooks, channel, thread, tree, progress)
    finally:
        await refresh_structure(repo, thread.id)
    if progress is not None:
        progress.finish()
    return PostedThread(thread.id, thread.name, thread.jump_url, count)


async def _post_comments(
    repo: ReplyRepository,
    hooks: ChannelWebhooks,
    channel: discord.TextChannel | discord.ForumChannel,
    thread: discord.Thread,
    tree: ReplyTree,
    progress: Progress | None,
) -> int:
    """Post every comment under its author's name, parents first; returns how many."""
    posted: dict[int, discord.WebhookMessage] = {}
    try:
        for comment, parent_id in posting_order(tree):
            sent = await _post_one(hooks, channel, thread, tree, comment, parent_id, posted)
            await _store_copy(repo, sent, thread, comment, parent_id, posted)
            posted[comment.message_id] = sent
            if progress is not None:
                progress.advance()
    except (discord.HTTPException, Retryable) as error:
        raise InvalidInput(
            f"Discord refused a message after {len(posted)} of {len(tree)} comments were posted "
            f"in {thread.jump_url} ({error}). The import is stored."
        ) from None
    return len(posted)


@contextlib.asynccontextmanager
async def refusals(channel: discord.abc.GuildChannel, doing: str) -> AsyncIterator[None]:
    """A 403 from Discord as a message naming the permissions the bot needs."""
    try:
        yield
    except discord.Forbidden:
        raise PermissionDenied(
            f"Discord refused to let the bot {doing} in #{channel}: it needs Create Public "
            "Threads, Send Messages in Threads and Manage Webhooks there."
        ) from None


async def _new_thread(
    channel: discord.TextChannel | discord.ForumChannel,
    title: str,
    tree: ReplyTree,
    repo: ReplyRepository,
) -> discord.Thread:
    """A public thread in a text channel; in a forum, a post whose opening message says what
    follows (a forum post cannot be empty)."""
    name = title[: limits.THREAD_NAME]
    if isinstance(channel, discord.TextChannel):
        return await channel.create_thread(name=name, type=thread_type(channel))
    return await _new_forum_post(channel, name, title, tree, repo)


async def _new_forum_post(
    channel: discord.ForumChannel, name: str, title: str, tree: ReplyTree, repo: ReplyRepository
) -> discord.Thread:
    first_date = min(node.message.created_at for node in tree.roots)
    intro = (
        f"{len(tree):,} comments imported from “{discord.utils.escape_markdown(title)}”, oldest "
        "first, each under its author's name with its original date."
    )
    created = await channel.create_thread(
        name=name, content=intro, applied_tags=_post_tags(channel)
    )
    starter = created.message
    starter_record = MessageRecord(  # stored here rather than left to whether the bot saw it
        message_id=starter.id,
        thread_id=created.thread.id,
        guild_id=channel.guild.id,
        author_id=starter.author.id,
        author_name=starter.author.display_name,
        content=intro,
        created_at=first_date,  # dated like the comments it opens, so it heads the tree
    )
    await repo.store_posted_copies([starter_record])
    return created.thread


def _post_tags(forum: discord.ForumChannel) -> list[discord.ForumTag]:
    """The tags an imported post carries: what the forum requires, never a moderated tag."""
    by_id = {tag.id: tag for tag in forum.available_tags}
    chosen = tags_for_post(
        [],
        [(t.id, t.moderated) for t in forum.available_tags],
        required=forum.flags.require_tag,
        can_moderate=False,  # the CLI knows no member list: use only unmoderated tags
        forum_name=forum.name,
    )
    return [by_id[tag_id] for tag_id in chosen]


async def _post_one(
    hooks: ChannelWebhooks,
    channel: discord.TextChannel | discord.ForumChannel,
    thread: discord.Thread,
    tree: ReplyTree,
    comment: StoredMessage,
    parent_id: int | None,
    posted: dict[int, discord.WebhookMessage],
) -> discord.WebhookMessage:
    parent = tree.by_id[parent_id].message if parent_id is not None else None
    parent_message = posted.get(parent_id) if parent_id is not None else None
    missing = tree.by_id[comment.message_id].marker is Marker.UNKNOWN_PARENT
    url = _jump_url(thread, parent_message.id) if parent_message else None
    post = compose(comment, parent, url, parent_missing=missing)
    extra = {}
    if post.attachment is not None:
        name, text = post.attachment
        extra["file"] = discord.File(io.BytesIO(text.encode("utf-8")), filename=name)
    sender = hooks.sender(channel, post.username, thread_id=thread.id)
    return await sender.send_message(post.content, **extra)


def _jump_url(thread: discord.Thread, message_id: int) -> str:
    return f"{JUMP_URL_BASE}/{thread.guild.id}/{thread.id}/{message_id}"


async def _store_copy(
    repo: ReplyRepository,
    sent: discord.WebhookMessage,
    thread: discord.Thread,
    comment: StoredMessage,
    parent_id: int | None,
    posted: dict[int, discord.WebhookMessage],
) -> None:
    """The posted message in the reply store, with the original author, text, date and parent."""
    parent_message = posted.get(parent_id) if parent_id is not None else None
    record = MessageRecord(
        message_id=sent.id,
        thread_id=thread.id,
        guild_id=thread.guild.id,
        author_id=None,
        author_name=comment.author_name,
        content=comment.content,
        created_at=comment.created_at,
        parent_id=parent_message.id if parent_message else None,
        attachments=tuple(a.filename for a in sent.attachments),
    )
    await repo.store_posted_copies([record])
    await repo.record_posted(comment.message_id, sent.id)
    if comment.state is not MessageState.VISIBLE:
        await repo.mark_removed(sent.id, REMOVED_ON_THE_BLOG)
