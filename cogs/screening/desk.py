"""The Discord side of screening: hide a message (delete it, tell the author, open a case),
post and refresh review alerts, put an approved message back through a webhook.

Everything works from stored ids (guild, channel, message, author), so a message screened
during the start-up catch-up is handled exactly like one seen live.
"""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING

import discord

from bot.discord_names import webhook_name
from bot.errors import PermissionDenied
from bot.moderation.model import DmStatus
from bot.moderation.rules import Person
from bot.render import trim
from bot.screening.review_text import (
    AlertFacts,
    Decision,
    alert_embed,
    author_notice,
    restored_messages,
)
from bot.screening.service import Handled
from cogs._ui import to_embed
from cogs.moderation.checks import guild_facts_for, person
from cogs.screening.buttons import review_view
from storage.screening import ScreenedMessage
from storage.screening_review import ReviewItem

if TYPE_CHECKING:
    from bot.app import FilmBot
    from bot.services import Services

log = logging.getLogger(__name__)

WEBHOOK_NAME = "FilmBot restore"
NOTES_FIELD = "Notes"


class ReviewDesk:
    """What screening does on Discord once the core has decided."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self._webhooks: dict[int, discord.Webhook] = {}

    @property
    def services(self) -> Services:
        return self.bot.services

    # --- after screening ------------------------------------------------------------------
    async def act_on(self, handled: Handled) -> None:
        """Hide (if the verdict says so) and raise the alert for a flagged or hidden message."""
        item = handled.review_item
        if item is None:
            return
        notes: list[str] = []
        if handled.outcome == "hide" and handled.stored is not None:
            notes = await self.hide(item, handled.stored)
        await self.alert(item, notes)

    async def hide(self, item: ReviewItem, stored: ScreenedMessage) -> list[str]:
        """Delete the message (the copy is in the database), tell the author, record a case."""
        rule = stored.rule or "screening"
        if not await self.delete_message(item, reason=f"Hidden by screening: {rule}"):
            return [f"Could not hide it: I need **Manage Messages** in <#{item.channel_id}>."]
        notes = []
        dm = await self.tell_author(item, stored.content, rule, by_moderators=False)
        case_note = await self._record_case(item, rule, dm)
        notes.append(case_note)
        return notes

    async def delete_message(self, item: ReviewItem, *, reason: str) -> bool:
        """Delete a member's message; False if Discord refused (missing permission)."""
        capture = getattr(self.services, "reply_capture", None)
        if capture is not None:
            marked = capture.mark_removed(item.message_id, self.bot.user.id)
            if inspect.isawaitable(marked):
                await marked
        try:
            await self.bot.http.delete_message(item.channel_id, item.message_id, reason=reason)
        except discord.NotFound:
            log.info("message %s was already gone", item.message_id)
        except discord.Forbidden:
            log.warning("not allowed to delete message %s in %s", item.message_id, item.channel_id)
            return False
        return True

    async def tell_author(
        self, item: ReviewItem, content: str, rule: str | None, *, by_moderators: bool
    ) -> DmStatus:
        """DM the author which rule fired and how to appeal; closed DMs are recorded, not errors."""
        guild = self.bot.get_guild(item.guild_id)
        config = await self.services.mod_config.get_config(item.guild_id)
        text = author_notice(
            guild_name=guild.name if guild else "the server",
            channel_name=self.channel_name(item.channel_id),
            rule=rule,
            content=content,
            appeal_text=config.appeal_text,
            by_moderators=by_moderators,
        )
        return await self.services.moderation.side.send_dm(item.author_id, text)

    async def _record_case(self, item: ReviewItem, rule: str, dm: DmStatus) -> str:
        told = "told by DM" if dm == DmStatus.SENT else "not told: their DMs are closed"
        guild = self.bot.get_guild(item.guild_id)
        if guild is None:
            return f"Author {told}."
        try:
            outcome = await self.services.moderation.record_automatic_case(
                guild_facts_for(guild),
                action="delete",
                member=await self.author(item),
                reason=trim(f"Message hidden by screening (review #{item.id}): {rule}", 1000),
                rule=rule,
                jump_url=self.channel_url(item),
            )
            number = outcome.case.number
            await self.services.mod_cases.record_dm_status(item.guild_id, number, dm)
        except Exception:
            log.exception("could not record the case for review item %s", item.id)
            return f"Author {told}."
        return f"Case #{number}; author {told}."

    # --- alerts ---------------------------------------------------------------------------
    async def alert(self, item: ReviewItem, notes: list[str]) -> None:
        """Post the item's alert in the alert channel, or refresh the one it already has."""
        item = await self.services.screening.review.get(item.id)
        if item.alert_message_id is not None and item.alert_channel_id is not None:
            await self.refresh_posted(item, notes)
            return
        config = await self.services.mod_config.get_config(item.guild_id)
        if config.alert_channel_id is None:
            log.info("review item %s: no alert channel set; it waits in /mod queue", item.id)
            return
        embed, view = await self.render(item, notes)
        channel = self.bot.get_partial_messageable(config.alert_channel_id, guild_id=item.guild_id)
        try:
            sent = await channel.send(embed=embed, view=view)
        except discord.HTTPException as error:
            log.warning("could not post review alert %s: %s", item.id, error)
            return
        await self.services.screening.review.set_alert(item.id, channel.id, sent.id)

    async def refresh_posted(self, item: ReviewItem, notes: list[str]) -> None:
        """Re-render a posted alert (new report, edit re-screened), keeping its notes."""
        channel = self.bot.get_partial_messageable(item.alert_channel_id, guild_id=item.guild_id)
        message = channel.get_partial_message(item.alert_message_id)
        try:
            earlier = await message.fetch()
            embed, view = await self.render(item, [*kept_notes(earlier), *notes])
            await message.edit(embed=embed, view=view)
        except discord.HTTPException as error:
            log.warning("could not refresh review alert %s: %s", item.id, error)

    async def render(
        self, item: ReviewItem, notes: list[str]
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """The alert's embed and, while the item is open, its buttons."""
        latest = await self.services.screening.messages.latest(item.message_id)
        screened = None
        if item.screened_id is not None:
            screened = await self.services.screening.messages.get(item.screened_id)
        scores = (screened or latest).scores if (screened or latest) else {}
        hidden = latest is not None and latest.outcome == "hide"
        facts = AlertFacts(
            item=item,
            author_name=await self.author_name(item.guild_id, item.author_id),
            channel_name=self.channel_name(item.channel_id),
            jump_url=None if hidden else self.message_url(item),
            scores=scores,
            notes=tuple(dict.fromkeys(notes)),
            decisions=tuple(await self._decisions(item)),
        )
        colour = discord.Colour.red() if hidden else discord.Colour.orange()
        if not item.is_open:
            colour = discord.Colour.dark_grey()
        view = review_view(item.id) if item.is_open else None
        return to_embed(alert_embed(facts), colour), view

    async def _decisions(self, item: ReviewItem) -> list[Decision]:
        decisions = await self.services.screening.review.decisions(item.id)
        return [
            Decision(d.state, await self.author_name(item.guild_id, d.decided_by) or "?",
                     d.decided_at, d.note)
            for d in decisions
        ]  # fmt: skip

    # --- approving a hidden message -------------------------------------------------------
    async def restore(self, item: ReviewItem, stored: ScreenedMessage) -> str:
        """Re-post a hidden message under its author's name through a webhook, with a note."""
        channel = self.bot.get_channel(item.channel_id) or await self.bot.fetch_channel(
            item.channel_id
        )
        thread = channel if isinstance(channel, discord.Thread) else None
        target = channel.parent if thread is not None else channel
        name, avatar = await self._author_look(item)
        try:
            webhook = await self._webhook(target)
            for part in restored_messages(stored.content):
                sent = await webhook.send(
                    part,
                    username=webhook_name(name),
                    avatar_url=avatar,
                    thread=thread or discord.utils.MISSING,
                    allowed_mentions=discord.AllowedMentions.none(),
                    wait=True,
                )
        except discord.Forbidden:
            raise PermissionDenied(
                f"I could not put the message back: I need **Manage Webhooks** in "
                f"<#{target.id}>. The item stays open."
            ) from None
        return f"restored under {name}'s name: {sent.jump_url}"

    async def _webhook(self, channel: discord.abc.GuildChannel) -> discord.Webhook:
        cached = self._webhooks.get(channel.id)
        if cached is not None:
            return cached
        existing = [
            hook
            for hook in await channel.webhooks()  # type: ignore[attr-defined]
            if hook.user is not None and hook.user.id == self.bot.user.id and hook.token
        ]
        webhook = existing[0] if existing else await channel.create_webhook(name=WEBHOOK_NAME)  # type: ignore[attr-defined]
        self._webhooks[channel.id] = webhook
        return webhook

    # --- names and links ------------------------------------------------------------------
    async def author(self, item: ReviewItem) -> Person:
        """The author as moderation's rules see them (not a member any more: no top role)."""
        guild = self.bot.get_guild(item.guild_id)
        member = guild.get_member(item.author_id) if guild else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(item.author_id)
            except discord.HTTPException:
                member = None
        if member is not None:
            return person(member)
        return Person(item.author_id, str(item.author_id), None)

    async def author_name(self, guild_id: int, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        guild = self.bot.get_guild(guild_id)
        member = guild.get_member(user_id) if guild else None
        user = member or self.bot.get_user(user_id)
        return user.display_name if user else None

    async def _author_look(self, item: ReviewItem) -> tuple[str, str | None]:
        guild = self.bot.get_guild(item.guild_id)
        user = (guild.get_member(item.author_id) if guild else None) or self.bot.get_user(
            item.author_id
        )
        if user is None:
            return f"Member {item.author_id}", None
        return user.display_name, user.display_avatar.url

    def channel_name(self, channel_id: int) -> str:
        channel = self.bot.get_channel(channel_id)
        return getattr(channel, "name", None) or str(channel_id)

    @staticmethod
    def message_url(item: ReviewItem) -> str:
        return f"https://discord.com/channels/{item.guild_id}/{item.channel_id}/{item.message_id}"

    @staticmethod
    def channel_url(item: ReviewItem) -> str:
        return f"https://discord.com/channels/{item.guild_id}/{item.channel_id}"


def kept_notes(message: discord.Message) -> list[str]:
    """The notes an alert already shows (what was done when it was raised)."""
    for embed in message.embeds:
        for embed_field in embed.fields:
            if embed_field.name == NOTES_FIELD and embed_field.value:
                return embed_field.value.split("\n")
    return []
