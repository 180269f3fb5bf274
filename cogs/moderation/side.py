"""The Discord side of moderation: what bot.moderation.service.DiscordSide asks for, done with
discord.py, and Discord's refusals turned into messages a moderator can act on.

Calls go through the REST client with plain ids, so they also work at start-up, before the
gateway has filled the cache (a tempban that ended while the bot was offline is lifted then).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import discord

from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.journal import Retryable
from bot.moderation.model import DmStatus
from cogs._dms import send_dm
from cogs._types import FilmBot

log = logging.getLogger(__name__)

UNKNOWN_MEMBER, UNKNOWN_USER, UNKNOWN_BAN = 10007, 10013, 10026
SECONDS_PER_DAY = 24 * 3600


@contextlib.asynccontextmanager
async def refusals(doing: str, user_id: int) -> AsyncIterator[None]:
    """Discord's 403s and 404s while `doing` something to `user_id`, as UserFacingErrors;
    a rate limit discord.py gave up waiting for, a 5xx or a dropped connection as Retryable
    (the journal tries again later, after `retry_after` when Discord gave one)."""
    try:
        yield
    except discord.RateLimited as limited:
        raise Retryable(
            f"rate limited by Discord while trying to {doing}", retry_after=limited.retry_after
        ) from None
    except discord.DiscordServerError as error:
        raise Retryable(f"Discord answered {error.status} while I tried to {doing}") from None
    except (aiohttp.ClientError, TimeoutError) as error:
        raise Retryable(f"Discord could not be reached to {doing}: {error}") from None
    except discord.Forbidden:
        raise PermissionDenied(
            f"Discord refused to let me {doing}: I am missing a permission, or my highest role "
            "is not above theirs (Server Settings > Roles)."
        ) from None
    except discord.NotFound as error:
        if error.code == UNKNOWN_USER:
            raise NotFound(f"There is no Discord user with the id {user_id}.") from None
        if error.code == UNKNOWN_MEMBER:
            raise NotFound("They are not in this server any more.") from None
        raise


class DiscordModeration:
    """Implements DiscordSide for one bot."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @property
    def bot_id(self) -> int:
        assert self.bot.user is not None  # set at login, before any cog loads
        return self.bot.user.id

    async def send_dm(self, user_id: int, text: str) -> DmStatus:
        """Send the member a DM: sent, closed (their DMs) or failed (Discord's trouble); never
        an error, so the action it belongs to goes on (cogs/_dms.py)."""
        return await send_dm(self.bot, user_id, text, what="a moderation notice")

    async def timed_out_until(self, guild_id: int, member_id: int) -> datetime | None:
        guild = self.bot.get_guild(guild_id)
        member = guild.get_member(member_id) if guild else None
        if member is None:
            async with refusals("look them up", member_id):
                member = await self._fetch_member(guild_id, member_id)
        until = member.timed_out_until
        return until if until is not None and until > datetime.now(UTC) else None

    async def timeout(
        self, guild_id: int, member_id: int, until: datetime | None, reason: str
    ) -> None:
        stamp = until.isoformat() if until is not None else None
        async with refusals("change their timeout", member_id):
            await self.bot.http.edit_member(
                guild_id, member_id, reason=reason, communication_disabled_until=stamp
            )

    async def kick(self, guild_id: int, member_id: int, reason: str) -> None:
        async with refusals("kick them", member_id):
            await self.bot.http.kick(member_id, guild_id, reason=reason)

    async def ban(self, guild_id: int, user_id: int, reason: str, delete_days: int) -> None:
        async with refusals("ban them", user_id):
            await self.bot.http.ban(
                user_id,
                guild_id,
                delete_message_seconds=delete_days * SECONDS_PER_DAY,
                reason=reason,
            )

    async def unban(self, guild_id: int, user_id: int, reason: str) -> bool:
        """Lift a ban; False when they were not banned (already lifted counts as done)."""
        try:
            async with refusals("unban them", user_id):
                await self.bot.http.unban(user_id, guild_id, reason=reason)
        except discord.NotFound as error:
            if error.code == UNKNOWN_BAN:
                return False
            raise InvalidInput(f"Discord could not unban {user_id}: {error.text}") from None
        return True

    async def set_thread_locked(self, thread_id: int, locked: bool, reason: str) -> None:
        """Lock or unlock a thread (doing it again is harmless)."""
        async with refusals("lock or unlock the thread", thread_id):
            await self.bot.http.edit_channel(thread_id, reason=reason, locked=locked)

    async def delete_messages(
        self, channel_id: int, message_ids: tuple[int, ...], reason: str, *, removed_by: int
    ) -> None:
        """Delete one batch (at most 100), marked first as removed by the moderator in reply
        chains. Ids already gone count as deleted (bulk delete ignores them; one is a 404)."""
        for message_id in message_ids:
            await self.bot.services.replies.capture.mark_removed(message_id, removed_by)
        async with refusals("delete those messages", channel_id):
            if len(message_ids) > 1:
                await self.bot.http.delete_messages(channel_id, list(message_ids), reason=reason)
                return
            with contextlib.suppress(discord.NotFound):
                await self.bot.http.delete_message(channel_id, message_ids[0], reason=reason)

    async def post_log(self, channel_id: int, text: str) -> None:
        """One message in the mod-log channel; the bot's default allowed_mentions pings nobody."""
        await self.bot.get_partial_messageable(channel_id).send(text)

    async def _fetch_member(self, guild_id: int, member_id: int) -> discord.Member:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise NotFound("I am not in that server.")
        return await guild.fetch_member(member_id)
