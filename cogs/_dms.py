"""The one way the bot DMs a member (moderation's notices, screening's, the spoiler guard's
note), and what became of the DM as the features record it:

- `SENT`;
- `CLOSED`: Discord answered 403 50007 ("Cannot send messages to this user": the member's
  DMs are closed, or they share no server with the bot), their choice;
- `FAILED`: not delivered because of Discord (a 5xx, a dropped connection or a timeout, an
  unknown user, any other refusal).

A DM is never retried (it cannot be checked afterwards, so a journal step sends it at most
once); neither outcome is an error for the action it belongs to.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.moderation.model import DmStatus

log = logging.getLogger(__name__)

CANNOT_MESSAGE_USER = 50007


async def send_dm(client: discord.Client, user_id: int, text: str, *, what: str) -> DmStatus:
    """DM `text` to the user; `what` names it in the log ("the spoiler guard's note")."""
    try:
        user = client.get_user(user_id) or await client.fetch_user(user_id)
        await user.send(text)
    except discord.Forbidden as error:
        if error.code == CANNOT_MESSAGE_USER:
            log.info("could not DM %s to %s: their DMs are closed", what, user_id)
            return DmStatus.CLOSED
        log.warning("Discord refused %s to %s (%s): not delivered", what, user_id, error)
        return DmStatus.FAILED
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
        log.warning("could not DM %s to %s (%r): not delivered", what, user_id, error)
        return DmStatus.FAILED
    return DmStatus.SENT
