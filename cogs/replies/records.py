"""discord.py messages and channels as the reply-chain core sees them (plain values)."""

from __future__ import annotations

import discord

from bot.replies.model import MessageRecord

COMMENT_TYPES = (discord.MessageType.default, discord.MessageType.reply)
Capturable = discord.TextChannel | discord.ForumChannel | discord.Thread


def to_record(message: discord.Message) -> MessageRecord | None:
    """A message as the reply store keeps it; None for what is not a comment (system messages,
    the bot's answers to commands, anything outside a server)."""
    if message.guild is None or message.type not in COMMENT_TYPES:
        return None
    if message.interaction_metadata is not None or message.flags.ephemeral:
        return None
    return MessageRecord(
        message_id=message.id,
        thread_id=message.channel.id,
        guild_id=message.guild.id,
        author_id=None if message.webhook_id else message.author.id,
        author_name=message.author.display_name,  # the name at the time
        content=message.content,
        created_at=message.created_at,
        parent_id=parent_id(message),
        attachments=tuple(attachment.filename for attachment in message.attachments),
        edited_at=message.edited_at,
    )


def parent_id(message: discord.Message) -> int | None:
    """The replied-to message's id, kept even when Discord reports that message deleted."""
    reference = message.reference
    if message.type is not discord.MessageType.reply or reference is None:
        return None
    return reference.message_id


def thread_parent(channel: object) -> int | None:
    """The channel a thread lives in (tracking a channel captures its threads too)."""
    return channel.parent_id if isinstance(channel, discord.Thread) else None
