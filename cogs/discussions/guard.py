"""The spoiler guard on Discord: comments (and edits) in tagged-only discussion threads that
reveal the plot are re-posted at once through a webhook under the author's name and avatar,
with the revealing sentences in spoiler tags; the "Spoiler-tag this" message menu does the same
for a member's own comment (moderators: anyone's).

The decisions and the records are bot/spoilers/guard.py; this module only carries them out.
Comments with attachments are left up (deleting them would delete the files; re-uploading
them as spoiler files is future work). Closed DMs: the author's note is not delivered and that is recorded (note_status "closed");
nothing else is posted, because the re-post's footer already says what happened, in public,
without pinging anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import FilmBot
from bot.errors import InvalidInput
from bot.spoilers.guard import Takedown, check_can_tag, webhook_username
from cogs.moderation.checks import is_moderator
from storage.discussions import GuardRecord

log = logging.getLogger(__name__)

WEBHOOK_NAME = "FilmBot spoiler guard"
NEEDED = ("manage_webhooks", "manage_messages")
NOBODY = discord.AllowedMentions.none()


class RepostWebhooks:
    """One webhook per parent channel (text or forum), found or created once, then cached."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self._hooks: dict[int, discord.Webhook] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def for_channel(self, parent: discord.TextChannel | discord.ForumChannel):
        async with self._locks[parent.id]:
            hook = self._hooks.get(parent.id)
            if hook is None:
                hook = await self._find(parent) or await parent.create_webhook(
                    name=WEBHOOK_NAME, reason="Re-posts comments with spoiler tags"
                )
                self._hooks[parent.id] = hook
            return hook

    async def _find(self, parent) -> discord.Webhook | None:
        for hook in await parent.webhooks():
            if hook.name == WEBHOOK_NAME and hook.token and hook.user == self.bot.user:
                return hook
        return None

    async def repost(self, parent, thread_id: int, author: discord.abc.User, parts) -> list[int]:
        """Send the parts into the thread as the author; a vanished webhook is made anew once."""
        for attempt in (1, 2):
            hook = await self.for_channel(parent)
            try:
                return [await self._send(hook, thread_id, author, part) for part in parts]
            except discord.NotFound:
                self._hooks.pop(parent.id, None)
                if attempt == 2:
                    raise
        return []

    async def _send(self, hook, thread_id: int, author: discord.abc.User, part: str) -> int:
        sent = await hook.send(
            part,
            username=webhook_username(author.display_name),
            avatar_url=author.display_avatar.url,
            thread=discord.Object(thread_id),
            allowed_mentions=NOBODY,
            wait=True,
        )
        return sent.id


class SpoilerGuardCog(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.webhooks = RepostWebhooks(bot)
        self.menu = app_commands.ContextMenu(name="Spoiler-tag this", callback=self.tag_this)
        self.menu.guild_only = True
        self._busy: set[int] = set()  # messages being re-posted (a quick edit must not race)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.check(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        before = payload.cached_message
        if before is not None and before.content == payload.message.content:
            return  # an embed unfurled or a pin: the text did not change
        await self.check(payload.message)

    async def check(self, message: discord.Message) -> None:
        """Re-post `message` with tags if it reveals the plot in a tagged-only discussion.

        Dispatches `spoiler_guard_checked(message_id, record or None)` when done, for features
        (and tests) that follow what the guard did.
        """
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if not isinstance(message.channel, discord.Thread):
            return  # discussions are threads: no database look-up for ordinary channels
        guard = self.bot.services.guard
        record = None
        takedown = await guard.review(
            message.channel.id, message.content, author_id=message.author.id, message_id=message.id
        )
        if takedown is not None and message.attachments:
            # Deleting it would delete the files too: left up (re-uploading them is future work).
            log.info("spoiler guard left message %s up: it has attachments", message.id)
        elif takedown is not None and not await guard.already_handled(message.id):
            record = await self.carry_out(takedown, message)
        self.bot.dispatch("spoiler_guard_checked", message.id, record)

    async def carry_out(self, takedown: Takedown, message: discord.Message) -> GuardRecord | None:
        """Keep the original, re-post, take the original down, tell the author (once)."""
        if message.id in self._busy:
            return None
        self._busy.add(message.id)
        try:
            return await self._carry_out(takedown, message)
        finally:
            self._busy.discard(message.id)

    async def _carry_out(self, takedown: Takedown, message: discord.Message) -> GuardRecord | None:
        guard = self.bot.services.guard
        parent = message.guild.get_channel(takedown.discussion.channel_id)
        if parent is None or not self._can_act(parent, message):
            return None
        record = await guard.keep(
            takedown, message_id=message.id, author_id=message.author.id, text=message.content
        )
        try:
            ids = await self.webhooks.repost(
                parent, message.channel.id, message.author, takedown.parts
            )
        except discord.HTTPException as exc:
            log.warning("spoiler guard could not re-post message %s: %s", message.id, exc)
            return record  # the original stays up: better an unmarked spoiler than a lost comment
        record = await guard.reposted(record, ids)
        await self._tell_reply_chains(message.id)
        with contextlib.suppress(discord.NotFound):  # the author may have deleted it first
            await message.delete()
        record = await guard.taken_down(record)
        if takedown.note is not None:
            record = await guard.noted(
                record, delivered=await self._note(message.author, takedown.note)
            )
        return record

    def _can_act(self, parent, message: discord.Message) -> bool:
        perms = parent.permissions_for(message.guild.me)
        missing = [name for name in NEEDED if not getattr(perms, name)]
        if missing:
            log.warning(
                "spoiler guard skipped message %s in %s: missing %s",
                message.id,
                parent.id,
                ", ".join(missing),
            )
        return not missing

    async def _tell_reply_chains(self, message_id: int) -> None:
        """The reply-chain store records the comment as removed by the guard (not deleted by
        its author); its replies keep their place."""
        await self.bot.services.reply_capture.mark_removed(message_id, "spoiler guard")

    async def _note(self, author: discord.abc.User, note: str) -> bool:
        try:
            await author.send(note)
        except discord.Forbidden:
            log.info("could not DM user %s the spoiler guard's note (DMs closed)", author.id)
            return False
        return True

    async def tag_this(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Hide your own comment (moderators: anyone's) behind spoiler tags."""
        if message.author.bot or message.webhook_id is not None:
            raise InvalidInput(
                "That message was posted by a bot or a webhook; only members' comments can be tagged."
            )
        check_can_tag(
            is_author=message.author.id == interaction.user.id,
            is_moderator=await is_moderator(interaction),
        )
        if message.attachments:
            raise InvalidInput(
                "I can't re-post attachments yet. Delete the message and post it again with "
                "the files marked as spoilers (and the text in ||double bars||)."
            )
        guard = self.bot.services.guard
        by_author = message.author.id == interaction.user.id
        takedown = await guard.on_request(message.channel.id, message.content, by_author=by_author)
        if await guard.already_handled(message.id):
            raise InvalidInput("That message is already being re-posted with spoiler tags.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        record = await self.carry_out(takedown, message)
        if record is None or record.original_deleted_at is None:
            await interaction.followup.send(
                "I couldn't re-post it here (I need Manage Webhooks and Manage Messages).",
                ephemeral=True,
            )
            return
        await interaction.followup.send(
            "Re-posted with spoiler tags; the original is kept for moderators.", ephemeral=True
        )
