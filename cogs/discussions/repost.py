"""The spoiler guard's re-post as a journaled intent (docs/journal.md, kind `guard-repost`).

Steps, in order: `keep` the original text -> `post` the tagged parts through the channel's
webhook (one unit: parts sent are saved one by one, a part whose answer was lost is looked
for before it is sent again) -> `take-down` the original (recorded as removed first) ->
`note` to the author (at most once) -> `screen` the re-post as the author's message. A 429
or 5xx retries later; a 403 on the take-down retries too (an admin may give the permission
back), and the mod log says when it gives up. A final refusal while posting removes the
parts already posted: the original stays up, untouched.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserFacingError
from bot.journal import Handler, Intent, Retryable, Step, StepContext, was_interrupted
from bot.message_path import remove_message
from bot.moderation.model import DmStatus
from bot.replies.model import MessageRecord
from bot.spoilers.guard import Takedown
from bot.spoilers.model import GuardTrigger, NoteStatus, Sensitivity
from bot.webhooks import abandon_post, send_parts
from cogs._dms import send_dm
from cogs._own_messages import passing
from cogs._steps import PathStep, find_cog
from cogs._webhooks import ChannelWebhooks, WebhookSender
from cogs.replies.records import parent_id

if TYPE_CHECKING:
    from bot.app import FilmBot

log = logging.getLogger(__name__)

KIND = "guard-repost"
REMOVED_BY = "spoiler guard"


def repost_payload(takedown: Takedown, message: discord.Message) -> dict[str, Any]:
    """What the intent carries: everything needed to finish it after a restart."""
    return {
        "guild_id": takedown.discussion.guild_id,
        "parent_id": takedown.discussion.channel_id,
        "thread_id": message.channel.id,
        "message_id": message.id,
        "author_id": message.author.id,
        "author_name": message.author.display_name,
        "avatar_url": message.author.display_avatar.url,
        "text": message.content,
        "created_at": message.created_at.isoformat(),
        "reply_to": parent_id(message),
        "rewritten": takedown.rewritten,
        "parts": list(takedown.parts),
        "reasons": list(takedown.reasons),
        "note": takedown.note,
        "trigger": takedown.trigger,
        "sensitivity": takedown.sensitivity,
    }


class ChannelGone(UserFacingError):
    """The discussion's channel was deleted: there is nothing to post in or to clean up."""


def guard_key(message_id: int) -> str:
    return f"guard:{message_id}"


class GuardRepost(Handler):
    """Carries out a `guard-repost` intent."""

    steps = (
        Step("keep"),
        Step("post"),
        Step("take-down"),
        Step("note", at_most_once=True),
        Step("screen"),
    )

    def __init__(self, bot: FilmBot, webhooks: ChannelWebhooks) -> None:
        self.bot = bot
        self.webhooks = webhooks

    def describe(self, intent: Intent) -> str:
        return f"The spoiler guard's re-post of message {intent.payload['message_id']}"

    async def step_keep(self, ctx: StepContext) -> dict[str, Any]:
        p = ctx.payload
        discussion = await self.bot.services.discussions.get(p["thread_id"])
        sensitivity = p["sensitivity"]
        takedown = Takedown(
            discussion,
            p["rewritten"],
            tuple(p["parts"]),
            tuple(p["reasons"]),
            p["note"],
            GuardTrigger(p["trigger"]),
            None if sensitivity is None else Sensitivity(sensitivity),
        )
        record = await self.bot.services.guard.keep(
            takedown, message_id=p["message_id"], author_id=p["author_id"], text=p["text"]
        )
        return {"record_id": record.id}

    async def step_post(self, ctx: StepContext) -> dict[str, Any]:
        ids = await send_parts(
            self._sender(ctx), ctx.payload["parts"], ctx, after=ctx.payload["message_id"]
        )
        await self.bot.services.guard.reposted(_record_id(ctx), ids)
        return {"sent": ids}

    async def step_take_down(self, ctx: StepContext) -> dict[str, Any]:
        p = ctx.payload

        async def delete() -> None:
            try:
                await self.bot.http.delete_message(p["thread_id"], p["message_id"])
            except discord.NotFound:
                log.info("message %s was already gone", p["message_id"])
            except discord.Forbidden:
                raise Retryable("I need Manage Messages to take the original down") from None
            except discord.HTTPException as error:
                raise (passing(error) or error) from error

        capture = self.bot.services.replies.capture
        await capture.store_now(original_record(p))  # kept even if it was never captured
        await remove_message(capture, p["message_id"], REMOVED_BY, delete)
        await self.bot.services.guard.taken_down(_record_id(ctx))
        return {}

    async def step_note(self, ctx: StepContext) -> dict[str, Any]:
        note = ctx.payload["note"]
        if note is None:
            return {"delivered": None}
        dm = await send_dm(self.bot, ctx.payload["author_id"], note, what="the guard's note")
        await self.bot.services.guard.noted(_record_id(ctx), NoteStatus(dm.value))
        return {"delivered": dm is DmStatus.SENT}

    async def step_screen(self, ctx: StepContext) -> dict[str, Any]:
        if was_interrupted(ctx.intent.results.get("note")):  # the note's fate is not known
            await self.bot.services.guard.noted(_record_id(ctx), NoteStatus.UNKNOWN)
        path = find_cog(self.bot, PathStep)
        if path is not None:
            await path.screen_repost(ctx.payload, ctx.intent.result("post")["sent"])
        return {}

    async def undo(self, ctx: StepContext, error: str) -> bool:
        """Posting failed for good: remove what was posted; the original is still up."""
        what = f"guard re-post of {ctx.payload['message_id']}"
        try:
            sender = self._sender(ctx)
        except ChannelGone:  # its threads and whatever was posted went with it
            return True
        return await abandon_post(sender, ctx, error, what)

    def _sender(self, ctx: StepContext) -> WebhookSender:
        p = ctx.payload
        parent = self.bot.get_channel(p["parent_id"])
        if not isinstance(parent, discord.TextChannel | discord.ForumChannel):
            raise ChannelGone(f"The channel <#{p['parent_id']}> is gone.")
        return self.webhooks.sender(
            parent, p["author_name"], thread_id=p["thread_id"], avatar_url=p["avatar_url"]
        )


def original_record(p: dict[str, Any]) -> MessageRecord:
    """The original comment as the reply store keeps it, from the intent's payload."""
    return MessageRecord(
        message_id=p["message_id"],
        thread_id=p["thread_id"],
        guild_id=p["guild_id"],
        author_id=p["author_id"],
        author_name=p["author_name"],
        content=p["text"],
        created_at=datetime.fromisoformat(p["created_at"]),
        parent_id=p["reply_to"],
    )


def _record_id(ctx: StepContext) -> int:
    return int(ctx.intent.result("keep")["record_id"])
