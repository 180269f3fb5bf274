"""Screening's side effects as journaled intents (docs/journal.md).

`screening-hide`: `remove` the message (recorded as removed first, then deleted) -> `dm` the
author (at most once) -> `case` (the automatic case) -> `alert` (posted, or refreshed: the
alert keeps its message id, so a repeated step edits instead of posting twice; an alert
posted whose id was not saved, the process having died in between, is found again in the
alert channel and adopted).
`screening-alert`: the `alert` step alone, for a flagged or reported message (and a hide
still waiting for Discord), with the same adoption of an alert whose id was lost.
`screening-restore`: `post` the approved message back under its author's name (one unit
through the channel's webhook; a retried step never re-posts a part) -> `decide` the review
item. A final refusal removes the parts posted, so approving again starts clean.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord

from bot.errors import PermissionDenied, UserFacingError
from bot.journal import Handler, Intent, Journal, Status, Step, StepContext, was_interrupted
from bot.journal.model import JSON
from bot.moderation.model import DmStatus
from bot.screening.model import ReviewItem, ScreenedMessage
from bot.screening.review_text import restored_messages
from bot.text import escape_markdown, neutralise_mentions
from bot.webhooks import abandon_post, send_parts
from cogs._own_messages import passing
from cogs._webhooks import ChannelWebhooks, WebhookSender

if TYPE_CHECKING:
    from cogs.screening.desk import ReviewDesk

log = logging.getLogger(__name__)
WebhookTarget = discord.TextChannel | discord.ForumChannel

HIDE = "screening-hide"
RESTORE = "screening-restore"
ALERT = "screening-alert"
GONE = "not put back, as its channel was deleted"  # an approved message's note


def item_payload(item: ReviewItem) -> JSON:
    return {
        "item_id": item.id,
        "guild_id": item.guild_id,
        "channel_id": item.channel_id,
        "message_id": item.message_id,
        "author_id": item.author_id,
    }


class OnItem(Handler):
    """A handler acting on one review item (`item_id` in the payload) through the desk."""

    def __init__(self, desk: ReviewDesk) -> None:
        self.desk = desk

    async def _item(self, ctx: StepContext) -> ReviewItem:
        return await self.desk.services.screening.review_item(ctx.payload["item_id"])


class Hide(OnItem):
    """Takes a screened message down, tells its author, records the case."""

    steps = (Step("remove"), Step("dm", at_most_once=True), Step("case"), Step("alert"))

    def describe(self, intent: Intent) -> str:
        return (
            f"Hiding message {intent.payload['message_id']} (review #{intent.payload['item_id']})"
        )

    async def step_remove(self, ctx: StepContext) -> JSON:
        item = await self._item(ctx)
        removed = await self.desk.delete_message(item, reason=ctx.payload["reason"])
        return {"removed": removed}

    async def step_dm(self, ctx: StepContext) -> JSON:
        if not ctx.intent.result("remove")["removed"]:
            return {"dm": None}
        item = await self._item(ctx)
        p = ctx.payload
        dm = await self.desk.tell_author(item, p["content"], p["rule"], by_moderators=False)
        return {"dm": dm.value}  # sent, closed (their settings) or failed (Discord's error)

    async def step_case(self, ctx: StepContext) -> JSON:
        if not ctx.intent.result("remove")["removed"]:
            channel = ctx.payload["channel_id"]
            return {"notes": [f"Could not hide it: I need **Manage Messages** in <#{channel}>."]}
        dm = ctx.intent.result("dm")
        status = DmStatus.UNKNOWN if was_interrupted(dm) else DmStatus(dm["dm"])
        note = await self.desk.record_case(await self._item(ctx), ctx.payload["rule"], status)
        return {"notes": [note]}

    async def step_alert(self, ctx: StepContext) -> JSON:
        notes = ctx.intent.result("case")["notes"]
        await self.desk.alert(await self._item(ctx), notes, ctx)
        return {}


class Alert(OnItem):
    """Posts (or refreshes) the alert of a flagged or reported message: Hide's last step on
    its own, with the notes in the payload."""

    steps = (Step("alert"),)

    def describe(self, intent: Intent) -> str:
        return f"The review alert for review #{intent.payload['item_id']}"

    async def step_alert(self, ctx: StepContext) -> JSON:
        await self.desk.alert(await self._item(ctx), ctx.payload["notes"], ctx)
        return {}


class Restore(Handler):
    """Puts an approved hidden message back through a webhook, then records the decision."""

    steps = (Step("post"), Step("decide"))

    def __init__(self, desk: ReviewDesk, webhooks: ChannelWebhooks) -> None:
        self.desk = desk
        self.webhooks = webhooks

    def describe(self, intent: Intent) -> str:
        return f"Restoring message {intent.payload['message_id']} (review #{intent.payload['item_id']})"

    async def step_post(self, ctx: StepContext) -> JSON:
        try:
            sender = await self._sender(ctx)
        except discord.NotFound:  # the channel (or thread) was deleted: nowhere to put it
            return {"sent": [], "note": GONE}
        try:
            ids = await send_parts(
                sender, ctx.payload["parts"], ctx, after=ctx.payload["message_id"]
            )
        except discord.Forbidden:
            raise PermissionDenied(
                f"I could not put the message back: I need **Manage Webhooks** in "
                f"<#{sender.channel.id}>. The item stays open."
            ) from None
        p = ctx.payload
        url = f"https://discord.com/channels/{p['guild_id']}/{sender.target_id}/{ids[-1]}"
        name = escape_markdown(neutralise_mentions(p["name"]))  # as members know them
        return {"sent": ids, "note": f"restored under {name}'s name: {url}"}

    async def step_decide(self, ctx: StepContext) -> JSON:
        item = await self.desk.services.screening.review_item(ctx.payload["item_id"])
        note = ctx.intent.result("post")["note"]
        if item.is_open:
            await self.desk.services.screening.decide_review(
                item.id, "approve", ctx.payload["moderator_id"], note
            )
        return {}

    async def undo(self, ctx: StepContext, error: str) -> bool:
        what = f"restore of {ctx.payload['message_id']}"
        try:
            sender = await self._sender(ctx)
        except discord.NotFound:  # deleted with its channel: nothing posted is left
            return True
        return await abandon_post(sender, ctx, error, what)

    async def _sender(self, ctx: StepContext) -> WebhookSender:
        bot = self.desk.bot
        channel_id = ctx.payload["channel_id"]
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        thread = channel if isinstance(channel, discord.Thread) else None
        # screened messages are in text channels, or threads of text channels and forums
        target = cast(WebhookTarget, thread.parent if thread is not None else channel)
        p = ctx.payload
        return self.webhooks.sender(
            target, p["name"], avatar_url=p["avatar_url"], thread_id=thread.id if thread else None
        )


def restore_payload(
    item: ReviewItem, stored: ScreenedMessage, name: str, avatar: str | None, moderator_id: int
) -> JSON:
    return {
        **item_payload(item),
        "parts": restored_messages(stored.content),
        "name": name,
        "avatar_url": avatar,
        "moderator_id": moderator_id,
    }


async def restore_key(journal: Journal, item_id: int) -> str:
    """The key of the item's restore: a new one after a restore that gave up (and removed
    what it had posted), the same one while it is pending or once it is done."""
    return await journal.fresh_key(f"restore:{item_id}", reuse=(Status.PENDING, Status.DONE))


def alert_refused(error: discord.HTTPException, channel_id: int) -> Exception:
    """What a step raises when Discord refuses an alert: Retryable for passing trouble, else
    a final error saying what the bot needs (the journal puts it in the mod log)."""
    if (retry := passing(error)) is not None:
        return retry
    if isinstance(error, discord.Forbidden):
        return PermissionDenied(
            f"I cannot post review alerts in <#{channel_id}>: I need View Channel, Send "
            "Messages, Embed Links and Read Message History there."
        )
    if isinstance(error, discord.NotFound):
        return UserFacingError(
            f"The alert channel <#{channel_id}> is gone: choose another with "
            "/mod config alert-channel."
        )
    return error
