"""The Discord side of bot/webhooks.py: each channel's webhook, found or created once and
cached, re-created when an admin deleted it (404, Unknown Webhook), and a `PartSender` that
posts under a member's name into a channel or one of its threads.

Used by the spoiler guard's re-posts, screening's restores and `threads import --post`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import discord

from bot.webhooks import webhook_name
from cogs._own_messages import by_webhook, find_own, passing

log = logging.getLogger(__name__)

REPOST_WEBHOOK = "FilmBot"
UNKNOWN_WEBHOOK = 10015
NOBODY = discord.AllowedMentions.none()
HookChannel = discord.TextChannel | discord.ForumChannel


class ChannelWebhooks:
    """One webhook named `name` per text or forum channel, owned by the bot."""

    def __init__(self, client: discord.Client, name: str = REPOST_WEBHOOK) -> None:
        self.client = client
        self.name = name
        self._hooks: dict[int, discord.Webhook] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def for_channel(self, channel: HookChannel) -> discord.Webhook:
        """The channel's webhook (created on first use)."""
        async with self._locks[channel.id]:
            hook = self._hooks.get(channel.id)
            if hook is None:
                hook = await self._find(channel) or await channel.create_webhook(
                    name=self.name, reason="Posts members' comments under their names"
                )
                self._hooks[channel.id] = hook
            return hook

    def forget(self, channel_id: int) -> None:
        """Drop the cached webhook (it was deleted): the next use finds or creates one."""
        self._hooks.pop(channel_id, None)

    def known(self, webhook_id: int | None) -> bool:
        return webhook_id is not None and any(h.id == webhook_id for h in self._hooks.values())

    async def _find(self, channel: HookChannel) -> discord.Webhook | None:
        me = self.client.user
        for hook in await channel.webhooks():
            if hook.name == self.name and hook.token and me is not None and hook.user == me:
                return hook
        return None

    def sender(
        self,
        channel: HookChannel,
        name: str,
        *,
        thread_id: int | None = None,
        avatar_url: str | None = None,
    ) -> WebhookSender:
        """Posts as `name` (sanitised) into `channel`, or into its thread `thread_id`."""
        return WebhookSender(self, channel, webhook_name(name), thread_id, avatar_url)


class WebhookSender:
    """bot.webhooks.PartSender through a channel's webhook."""

    def __init__(
        self,
        hooks: ChannelWebhooks,
        channel: HookChannel,
        username: str,
        thread_id: int | None,
        avatar_url: str | None,
    ) -> None:
        self.hooks, self.channel, self.username = hooks, channel, username
        self.thread_id, self.avatar_url = thread_id, avatar_url

    @property
    def target_id(self) -> int:
        return self.thread_id or self.channel.id

    async def send(self, part: str, *, file: discord.File = discord.utils.MISSING) -> int:
        """Post one part; a deleted webhook is re-created once. 429/5xx raise Retryable."""
        return (await self.send_message(part, file=file)).id

    async def send_message(
        self, part: str, *, file: discord.File = discord.utils.MISSING
    ) -> discord.WebhookMessage:
        """As `send`, returning discord.py's message (for callers that need its details);
        `file` is attached (imports)."""
        for attempt in (1, 2):
            hook = await self.hooks.for_channel(self.channel)
            try:
                return await hook.send(
                    part,
                    username=self.username,
                    avatar_url=self.avatar_url or discord.utils.MISSING,
                    thread=discord.Object(self.thread_id)
                    if self.thread_id
                    else discord.utils.MISSING,
                    allowed_mentions=NOBODY,
                    wait=True,
                    file=file,
                )
            except discord.NotFound as error:
                if error.code != UNKNOWN_WEBHOOK or attempt == 2:
                    raise
                log.info("webhook of #%s was deleted; creating a new one", self.channel)
                self.hooks.forget(self.channel.id)
            except discord.HTTPException as error:
                raise (passing(error) or error) from error
        raise AssertionError("unreachable")

    async def find(self, part: str, after: int) -> int | None:
        """A message of ours with this text after `after` (a part whose answer was lost)."""
        channel = self.hooks.client.get_partial_messageable(self.target_id)
        return await find_own(channel, by_webhook, lambda m: m.content == part, after=after)

    async def delete(self, message_id: int) -> None:
        """Delete a posted part; one already gone is done."""
        try:
            await self.hooks.client.http.delete_message(self.target_id, message_id)
        except discord.NotFound:
            log.info("webhook message %s was already gone", message_id)
        except discord.HTTPException as error:
            raise (passing(error) or error) from error
