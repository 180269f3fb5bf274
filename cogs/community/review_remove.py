"""Removing a review as a journal intent (`review-remove`, docs/journal.md): the intent is
written first, then its steps: `remove` (the row becomes a tombstone: the text stays for
moderators, the rating stops counting), `tombstone` (each message of the post recorded as
removed, then deleted), `note` (the line in the thread saying who removed it). A crash
part-way is finished at the next start.

Idempotent: removing a removed row again changes nothing a member sees; a message already
deleted counts as deleted; the note goes out through bot.webhooks.send_parts (one whose
answer was lost is found again in the thread, not posted twice). A thread deleted by hand
ends the intent after `remove`.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app import FilmBot
from bot.community.model import Review
from bot.journal import Finished, Handler, Intent, Step, StepContext
from bot.webhooks import send_parts
from cogs.community.thread_parts import ThreadParts, fetch_thread, retry_passing

log = logging.getLogger(__name__)

KIND = "review-remove"


def payload_for(review: Review, by_id: int, by_mention: str) -> dict[str, Any]:
    return {
        "guild_id": review.guild_id,
        "review_id": review.id,
        "by": by_id,
        "by_mention": by_mention,
        "thread_id": review.thread_id,
        "ids": list(review.message_ids),
    }


class ReviewRemove(Handler):
    """Tombstone the row, then the post's messages, then say so in the thread."""

    steps = (Step("remove"), Step("tombstone"), Step("note"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    def describe(self, intent: Intent) -> str:
        return f"The removal of review #{intent.payload['review_id']}"

    async def step_remove(self, ctx: StepContext) -> None:
        p = ctx.payload
        await self.bot.services.community.reviews.remove(p["review_id"], p["by"])

    @retry_passing
    async def step_tombstone(self, ctx: StepContext) -> None:
        p = ctx.payload
        guild = self.bot.get_guild(p["guild_id"])
        thread = await fetch_thread(guild, p["thread_id"]) if guild is not None else None
        capture = self.bot.services.replies.capture
        for message_id in p["ids"]:
            await capture.mark_removed(message_id, p["by_mention"])  # before deleting
            if thread is not None:
                try:
                    await thread.get_partial_message(message_id).delete()
                except discord.NotFound:
                    log.info("message %s of review %s was already gone", message_id, p["review_id"])
        if thread is None:
            raise Finished({"thread": None})  # deleted by hand: nowhere to say so

    @retry_passing
    async def step_note(self, ctx: StepContext) -> None:
        p = ctx.payload
        note = f"*This review was removed by {p['by_mention']}; the replies below stay.*"
        sender = ThreadParts(self.bot, p["thread_id"], ctx)
        await send_parts(sender, [note], ctx, after=p["ids"][-1] if p["ids"] else p["thread_id"])
