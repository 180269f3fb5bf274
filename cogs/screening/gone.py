"""Is a stored message gone? Asked before a second look flags a message whose deletion the
bot may not have seen (deleted while it was down, or during a gateway gap).

First what the replies catch-up recorded (a tombstone: reconciled against the channel's
history, or a deletion noted and resolved after a kill), then Discord itself. Only a clear
answer counts: a message Discord cannot show for another reason (no right to read the
channel, an HTTP error) is taken as still there, so a threat is never dropped on doubt.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.app import FilmBot
from bot.errors import NotFound
from bot.replies.model import MessageState
from bot.screening.model import ScreenedMessage

log = logging.getLogger(__name__)


async def message_gone(bot: FilmBot, stored: ScreenedMessage) -> bool:
    """True if the message was recorded as deleted or Discord says it no longer exists."""
    try:
        kept = await bot.services.replies.message(stored.message_id)
    except NotFound:  # not captured (a screened-only channel), or not written yet
        kept = None
    if kept is not None and kept.state is not MessageState.VISIBLE:
        return True
    channel = bot.get_partial_messageable(stored.channel_id, guild_id=stored.guild_id)
    try:
        await channel.fetch_message(stored.message_id)
    except discord.NotFound:  # the message, or its whole channel
        return True
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
        log.warning(
            "cannot tell whether message %s still exists (%s); taken as there",
            stored.message_id,
            error,
        )
    return False
