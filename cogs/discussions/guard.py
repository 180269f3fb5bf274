"""The spoiler guard on Discord: comments (and edits) in tagged-only discussion threads that
reveal the plot are re-posted at once through a webhook under the author's name and avatar,
with the revealing sentences in spoiler tags; the "Spoiler-tag this" message menu does the same
for a member's own comment (moderators: anyone's).

The decisions and the records are bot/spoilers/guard.py; the re-post is a journaled intent
(repost.py); this module is the guard's step of the message path (cogs/messages.py calls
`check`) and the menu.

Comments with attachments are left up (deleting them would delete the files; re-uploading
them as spoiler files is future work). Closed DMs: the author's note is not delivered and
that is recorded (note_status "closed"; "failed" when Discord did not deliver it, see
cogs/_dms.py); nothing else is posted, because the re-post's footer
already says what happened, in public, without pinging anyone.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import FilmBot
from bot.errors import InvalidInput, PermissionDenied
from bot.journal import Intent, Status
from bot.message_path import MessageContext
from bot.spoilers.guard import Takedown, check_can_tag
from cogs._checks import is_moderator
from cogs._steps import GuardStep
from cogs._types import Interaction
from cogs._webhooks import ChannelWebhooks
from cogs.discussions.repost import KIND, GuardRepost, guard_key, repost_payload

log = logging.getLogger(__name__)

NEEDED = ("manage_webhooks", "manage_messages")


class SpoilerGuardCog(commands.Cog, GuardStep):
    """The guard's step of the message path (cogs/messages.py calls `check`) and the menu."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.webhooks = ChannelWebhooks(bot)
        self.menu = app_commands.ContextMenu(name="Spoiler-tag this", callback=self.tag_this)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.bot.services.journal.register(KIND, GuardRepost(self.bot, self.webhooks))

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.services.journal.unregister(KIND)

    async def check(self, message: discord.Message, context: MessageContext) -> Intent | None:
        """Re-post `message` with tags if it reveals the plot in a tagged-only discussion;
        the intent when it did (its `screen` step screened the re-post), else None.

        Dispatches `spoiler_guard_checked(message_id, record or None)` when done, for features
        (and tests) that follow what the guard did.
        """
        intent = None
        takedown = None
        if context.discussion is not None:
            guard = self.bot.services.guard
            takedown = await guard.review_in(
                context.discussion,
                message.content,
                author_id=message.author.id,
                message_id=message.id,
            )
        if takedown is not None and message.attachments:
            # Deleting it would delete the files too: left up (re-uploading them is future work).
            log.info("spoiler guard left message %s up: it has attachments", message.id)
        elif takedown is not None and not await self._handled(message.id):
            intent = await self.carry_out(takedown, message)
        record = await self.bot.services.guard.record_for(message.id) if intent else None
        self.bot.dispatch("spoiler_guard_checked", message.id, record)
        return intent

    async def _handled(self, message_id: int) -> bool:
        return await self.bot.services.guard.already_handled(message_id)

    async def carry_out(self, takedown: Takedown, message: discord.Message) -> Intent | None:
        """Journal the re-post and carry it out (see cogs/discussions/repost.py); None when
        the bot lacks the permissions or posting was refused (the original stays up)."""
        guild = message.guild
        parent = guild.get_channel(takedown.discussion.channel_id) if guild is not None else None
        if guild is None or parent is None or not _can_act(parent, guild.me, message.id):
            return None
        journal = self.bot.services.journal
        try:
            return await journal.perform(
                KIND, repost_payload(takedown, message), key=guard_key(message.id)
            )
        except discord.HTTPException as error:
            log.warning("spoiler guard could not re-post message %s: %s", message.id, error)
            return None

    async def tag_this(self, interaction: Interaction, message: discord.Message) -> None:
        """Hide your own comment (moderators: anyone's) behind spoiler tags."""
        if message.author.bot or message.webhook_id is not None:
            raise InvalidInput(
                "That message was posted by a bot or a webhook; only members' comments can be tagged."
            )
        is_author = message.author.id == interaction.user.id
        check_can_tag(is_author=is_author, is_moderator=await is_moderator(interaction))
        if not is_author and not interaction.permissions.manage_messages:
            raise PermissionDenied(
                "Tagging someone else's comment takes it down and re-posts it, which needs the "
                "**Manage Messages** permission here."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)  # before REST
        message = await _as_it_is_now(message)
        if message.attachments:
            raise InvalidInput(
                "I can't re-post attachments yet. Delete the message and post it again with "
                "the files marked as spoilers (and the text in ||double bars||)."
            )
        guard = self.bot.services.guard
        takedown = await guard.on_request(message.channel.id, message.content, by_author=is_author)
        if await guard.already_handled(message.id):
            raise InvalidInput("That message is already being re-posted with spoiler tags.")
        intent = await self.carry_out(takedown, message)
        record = await guard.record_for(message.id)
        if intent is not None and intent.status is Status.PENDING:
            await interaction.followup.send(
                f"Discord is not answering ({intent.last_error}); the re-post is recorded and "
                "will be retried.",
                ephemeral=True,
            )
            return
        if intent is None or record is None or record.original_deleted_at is None:
            await interaction.followup.send(
                "I couldn't re-post it here (I need Manage Webhooks and Manage Messages).",
                ephemeral=True,
            )
            return
        await interaction.followup.send(
            "Re-posted with spoiler tags; the original is kept for moderators.", ephemeral=True
        )


async def _as_it_is_now(message: discord.Message) -> discord.Message:
    """The comment as Discord holds it now: the menu hands over what the member's client
    showed, which may since have been edited, or deleted (re-posting it would undo that)."""
    try:
        return await message.channel.fetch_message(message.id)
    except discord.NotFound:
        raise InvalidInput("That comment was deleted, so there is nothing to tag.") from None


def _can_act(parent: discord.abc.GuildChannel, me: discord.Member, message_id: int) -> bool:
    """Whether the bot holds what a re-post needs in `parent` (logged when it does not)."""
    perms = parent.permissions_for(me)
    missing = [name for name in NEEDED if not getattr(perms, name)]
    if missing:
        log.warning(
            "spoiler guard skipped message %s in %s: missing %s",
            message_id,
            parent.id,
            ", ".join(missing),
        )
    return not missing
