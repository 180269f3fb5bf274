"""Finding a message the bot already posted when its id was lost (the process died after the
send and before the id was saved, or Discord's answer never arrived), so a retried journal
step adopts that message instead of posting it twice.

`find_own` is the one lookup: it reads a channel's newest messages (or those after a given
one) and returns the first that `poster` and `match` accept. What it does when Discord does
not answer is the same for every caller:

- a 429 or a 5xx, a dropped connection or a timeout is `Retryable`: the step waits and
  looks again, it never posts blindly;
- any other refusal (a 403 without Read Message History, a 404) is logged and counts as "not
  found": the step posts the message once more, which is better than never posting it.

Also here: `passing`, which tells Discord's passing trouble from a final refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.journal import Retryable

log = logging.getLogger(__name__)

LOOKBACK = 50  # messages read when looking for one whose id was lost
Poster = Callable[[discord.Message], bool]
Match = Callable[[discord.Message], bool | Awaitable[bool]]


def passing(error: discord.HTTPException) -> Retryable | None:
    """A Retryable for trouble that passes (rate limit, Discord 5xx); None when final."""
    if error.status == 429 or error.status >= 500:
        retry_after = getattr(error, "retry_after", None)
        return Retryable(f"Discord answered {error.status}: {error.text}", retry_after=retry_after)
    return None


def by_user(client: discord.Client) -> Poster:
    """Messages the client's own user posted (not through a webhook)."""
    assert client.user is not None  # logged in before any step runs
    me = client.user.id
    return lambda message: message.author.id == me and message.webhook_id is None


def by_webhook(message: discord.Message) -> bool:
    """Messages posted through a webhook (the bot's re-posts under members' names)."""
    return message.webhook_id is not None


async def find_own(
    channel: discord.abc.Messageable,
    poster: Poster,
    match: Match,
    *,
    after: int | None = None,
) -> int | None:
    """The id of the newest of the channel's LOOKBACK newest messages (or, with `after`, the
    first of the LOOKBACK after that id) that `poster` posted and `match` accepts; None when
    none does or Discord refuses the read. Raises Retryable for a 429 or a 5xx, and when
    Discord could not be reached (a dropped connection, a timeout)."""
    start = discord.Object(after) if after is not None else None
    try:
        async for message in channel.history(limit=LOOKBACK, after=start):
            if poster(message) and await _accepts(match, message):
                log.info("message %s found again (its id was lost)", message.id)
                return message.id
    except discord.HTTPException as error:
        if (retry := passing(error)) is not None:
            raise retry from error
        where = getattr(channel, "id", "?")
        log.warning("could not read channel %s to look for a lost message: %s", where, error)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise Retryable(f"could not reach Discord ({type(error).__name__})") from error
    return None


async def _accepts(match: Match, message: discord.Message) -> bool:
    verdict = match(message)
    if isinstance(verdict, bool):
        return verdict
    return await verdict
