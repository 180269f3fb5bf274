"""The Discord side of screening: hide a message (delete it, tell the author, open a case),
post and refresh review alerts, put an approved message back through a webhook.

Everything works from stored ids (guild, channel, message, author), so a message screened
during the start-up catch-up is handled exactly like one seen live.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from typing import TYPE_CHECKING

import discord

from bot.journal import Status, StepContext
from bot.message_path import remove_message
from bot.moderation.messages import told as dm_told
from bot.moderation.model import REASON_MAX, Action, DmStatus
from bot.moderation.rules import Person
from bot.moderation.service import Queued
from bot.render import trim
from bot.screening.handled import Handled
from bot.screening.model import Outcome, ReviewItem, ScreenedMessage
from bot.screening.review_text import (
    AlertFacts,
    Decision,
    alert_embed,
    alert_title_prefix,
    author_notice,
)
from cogs._checks import guild_facts_for, person
from cogs._own_messages import by_user, find_own, passing
from cogs._ui import to_embed
from cogs._webhooks import ChannelWebhooks
from cogs.screening.buttons import review_view
from cogs.screening.journaled import (
    ALERT,
    HIDE,
    RESTORE,
    Alert,
    Hide,
    Restore,
    alert_refused,
    item_payload,
    restore_key,
    restore_payload,
)

if TYPE_CHECKING:
    from bot.app import FilmBot
    from bot.services import Services

log = logging.getLogger(__name__)

NOTES_FIELD = "Notes"


class ReviewDesk:
    """What screening does on Discord once the core has decided."""

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.webhooks = ChannelWebhooks(bot)
        # one alert step at a time per item (a report while the hide's alert is posted)
        self._alerting: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def register(self) -> None:
        """The desk's journaled actions (called once, as the screening cog loads)."""
        self.services.journal.register(HIDE, Hide(self))
        self.services.journal.register(ALERT, Alert(self))
        self.services.journal.register(RESTORE, Restore(self, self.webhooks))

    def unregister(self) -> None:
        """Take the journaled actions back (the screening cog is unloading)."""
        self.services.journal.unregister(HIDE)
        self.services.journal.unregister(ALERT)
        self.services.journal.unregister(RESTORE)

    @property
    def services(self) -> Services:
        return self.bot.services

    # --- after screening ------------------------------------------------------------------
    async def act_on(self, handled: Handled) -> None:
        """Hide (if the verdict says so) and raise the alert for a flagged or hidden message."""
        item = handled.review_item
        if item is None:
            return
        if handled.outcome is Outcome.HIDE and handled.stored is not None:
            await self.hide(item, handled.stored)  # raises the alert as its last step
        else:
            await self.raise_alert(item, [])

    async def hide(self, item: ReviewItem, stored: ScreenedMessage) -> list[str]:
        """Delete the message (the copy is in the database), tell the author, record a case,
        raise the alert: a journaled intent (cogs/screening/journaled.py), finished after a
        crash."""
        rule = stored.rule or "screening"
        payload = {
            **item_payload(item),
            "rule": rule,
            "content": stored.content,
            "reason": f"Hidden by screening: {rule}",
        }
        # nobody waits on a hide: a final failure is told in the mod log, not raised
        intent = await self.services.journal.submit(HIDE, payload, key=f"hide:{item.id}")
        if intent.status is Status.PENDING:
            note = f"Hiding is waiting for Discord ({intent.last_error}); it will be retried."
            await self.raise_alert(item, [note])
            return [note]
        if intent.status is not Status.DONE:
            return [f"Hiding failed: {intent.last_error}"]
        notes: list[str] = intent.result("case")["notes"]
        return notes

    async def delete_message(self, item: ReviewItem, *, reason: str) -> bool:
        """Delete a member's message, recorded as removed first; False if Discord refused
        (missing permission)."""

        async def delete() -> None:
            try:
                await self.bot.http.delete_message(item.channel_id, item.message_id, reason=reason)
            except discord.NotFound:
                log.info("message %s was already gone", item.message_id)

        assert self.bot.user is not None  # logged in before any message is screened
        try:
            await remove_message(
                self.services.replies.capture, item.message_id, self.bot.user.id, delete
            )
        except discord.Forbidden:
            log.warning("not allowed to delete message %s in %s", item.message_id, item.channel_id)
            return False
        except discord.HTTPException as error:
            raise (passing(error) or error) from error
        return True

    async def tell_author(
        self, item: ReviewItem, content: str, rule: str | None, *, by_moderators: bool
    ) -> DmStatus:
        """DM the author which rule fired and how to appeal; closed DMs are recorded, not errors."""
        guild = self.bot.get_guild(item.guild_id)
        config = await self.services.moderation.config.get(item.guild_id)
        text = author_notice(
            guild_name=guild.name if guild else "the server",
            channel_name=self.channel_name(item.channel_id),
            rule=rule,
            content=content,
            appeal_text=config.appeal_text,
            by_moderators=by_moderators,
        )
        return await self.services.moderation.side.send_dm(item.author_id, text)

    async def record_case(self, item: ReviewItem, rule: str, dm: DmStatus) -> str:
        """The automatic case for a hidden message; the note the alert shows."""
        told = dm_told(dm)
        guild = self.bot.get_guild(item.guild_id)
        if guild is None:
            return f"Author {told}."
        try:
            outcome = await self.services.moderation.record_automatic_case(
                guild_facts_for(guild),
                action=Action.DELETE,
                member=await self.author(item),
                reason=trim(f"Message hidden by screening (review #{item.id}): {rule}", REASON_MAX),
                rule=rule,
                jump_url=self.channel_url(item),
            )
            number = outcome.case.number
            await self.services.moderation.record_dm_status(item.guild_id, number, dm)
        except Exception:  # the message is hidden either way: the alert must still go out
            error_id = secrets.token_hex(4)
            log.exception("error %s: no case recorded for review item %s", error_id, item.id)
            return f"No case recorded (error `{error_id}`, in the bot's log); author {told}."
        return f"Case #{number}; author {told}."

    # --- alerts ---------------------------------------------------------------------------
    async def raise_alert(self, item: ReviewItem, notes: list[str]) -> None:
        """Post the item's alert, or refresh the one it has, as a journaled intent
        (`screening-alert`): written before the send, finished at the next start after a
        crash, retried while Discord is busy; a refusal is told in the mod log."""
        await self.services.journal.submit(ALERT, {**item_payload(item), "notes": notes})

    async def alert(self, item: ReviewItem, notes: list[str], step: StepContext) -> None:
        """Post the item's alert in the alert channel, or refresh the one it already has: the
        `alert` step of a hide or of an alert intent.

        The channel is saved in the step's state (`alerting`) before the send. A step run
        again with no alert id stored (the process died between Discord's send and saving
        the id) first looks in that channel for the alert it posted and adopts it, so the
        alert is never posted twice. A 429 or 5xx is Retryable; a refusal is final.
        """
        lock = self._alerting.get(item.id)
        if lock is None:
            lock = self._alerting[item.id] = asyncio.Lock()
        async with lock:
            await self._alert(item, notes, step)

    async def _alert(self, item: ReviewItem, notes: list[str], step: StepContext) -> None:
        item = await self.services.screening.review_item(item.id)
        if item.alert_message_id is None:
            lost_in = step.state.get("alerting") or await self._alerting_elsewhere(item.id)
            if lost_in is not None:
                item = await self._adopt_posted(item, lost_in)
        if item.alert_message_id is not None and item.alert_channel_id is not None:
            posted = item.alert_channel_id, item.alert_message_id
            if await self.refresh_posted(item, *posted, notes):
                return
        config = await self.services.moderation.config.get(item.guild_id)
        if config.alert_channel_id is None:
            log.info("review item %s: no alert channel set; it waits in /mod queue", item.id)
            return
        await self._post_alert(item, notes, config.alert_channel_id, step)

    async def _post_alert(
        self, item: ReviewItem, notes: list[str], channel_id: int, step: StepContext
    ) -> None:
        embed, view = await self.render(item, notes)
        channel = self.bot.get_partial_messageable(channel_id, guild_id=item.guild_id)
        await step.save(alerting=channel.id)
        try:
            if view is None:
                sent = await channel.send(embed=embed)
            else:
                sent = await channel.send(embed=embed, view=view)
        except discord.HTTPException as error:
            raise alert_refused(error, channel_id) from error
        step.reach("sent")  # posted, its id not yet saved
        await self.services.screening.set_alert(item.id, channel.id, sent.id)

    async def _alerting_elsewhere(self, item_id: int) -> int | None:
        """The channel an unfinished intent of the item was posting its alert in when the
        process died (its id lost): an alert raised meanwhile adopts that one instead."""
        for intent in await self.services.journal.unfinished():
            if intent.kind in (HIDE, ALERT) and intent.payload.get("item_id") == item_id:
                channel = intent.state.get("alerting")
                if isinstance(channel, int):
                    return channel
        return None

    async def _adopt_posted(self, item: ReviewItem, channel_id: int) -> ReviewItem:
        """The item, with the alert already posted for it in `channel_id` stored (if found)."""
        found = await self.find_posted(item, channel_id)
        if found is None:
            return item
        log.info("review item %s: adopting alert %s posted before a restart", item.id, found)
        await self.services.screening.set_alert(item.id, channel_id, found)
        return await self.services.screening.review_item(item.id)

    async def find_posted(self, item: ReviewItem, channel_id: int) -> int | None:
        """The id of the bot's alert for `item` among the channel's newest messages; None if
        there is none, or if the channel cannot be read (the alert is then posted once more).
        Passing trouble (429, 5xx) is Retryable: the step waits instead of posting twice."""
        title = alert_title_prefix(item.id)
        channel = self.bot.get_partial_messageable(channel_id, guild_id=item.guild_id)
        return await find_own(channel, by_user(self.bot), lambda m: is_alert(m, title))

    async def refresh_posted(
        self, item: ReviewItem, channel_id: int, message_id: int, notes: list[str]
    ) -> bool:
        """Re-render the alert posted as `message_id` in `channel_id` (new report, edit
        re-screened), keeping its notes; False if that alert was deleted (post a new one)."""
        channel = self.bot.get_partial_messageable(channel_id, guild_id=item.guild_id)
        message = channel.get_partial_message(message_id)
        try:
            earlier = await message.fetch()
            embed, view = await self.render(item, [*kept_notes(earlier), *notes])
            await message.edit(embed=embed, view=view)
        except discord.NotFound:
            log.info("review item %s: its alert %s was deleted; posting anew", item.id, message_id)
            return False
        except discord.HTTPException as error:
            raise alert_refused(error, channel_id) from error
        return True

    async def render(
        self, item: ReviewItem, notes: list[str]
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """The alert's embed and, while the item is open, its buttons."""
        latest = await self.services.screening.latest_screening(item.message_id)
        screened = None
        if item.screened_id is not None:
            screened = await self.services.screening.screened_message(item.screened_id)
        shown = screened or latest
        scores = shown.scores if shown is not None else {}
        hidden = latest is not None and latest.hidden
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
        decisions = await self.services.screening.review_decisions(item.id)
        return [
            Decision(
                d.state,
                await self.author_name(item.guild_id, d.decided_by) or "?",
                d.decided_at,
                d.note,
            )
            for d in decisions
        ]

    # --- approving a hidden message -------------------------------------------------------
    async def restore(self, item: ReviewItem, stored: ScreenedMessage, moderator_id: int) -> str:
        """Re-post a hidden message under its author's name through the channel's webhook,
        with a note, and approve the item: a journaled intent (cogs/screening/journaled.py),
        so a failed or repeated approval never posts a part twice."""
        name, avatar = await self._author_look(item)
        journal = self.services.journal
        payload = restore_payload(item, stored, name, avatar, moderator_id)
        intent = await journal.perform(RESTORE, payload, key=await restore_key(journal, item.id))
        if intent.status is not Status.DONE:
            raise Queued(
                f"Discord is not answering ({intent.last_error}). The restore is recorded and "
                "will be retried; the item is approved once it is back."
            )
        note: str = intent.result("post")["note"]
        return note

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


def is_alert(message: discord.Message, title: str) -> bool:
    """Whether `message` is a review alert whose title begins with `title`."""
    return any((embed.title or "").startswith(title) for embed in message.embeds)
