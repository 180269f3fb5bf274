"""Posting a new review as a journal intent (`review-post`, docs/journal.md): the review row is
stored first, then the intent (keyed `review:<id>`), then its steps: `thread` (open it),
`discussion` (register it as a film discussion), `post` (the remaining parts), `mark` (the
row learns its thread and messages). A crash part-way is finished at the next start.

Idempotent: the thread is saved in the state as soon as Discord answers, and a thread whose
answer was lost is looked for among the parent's active threads by name before a second one
is opened; the parts go out through bot.webhooks.send_parts (each id saved before the next
part, and a part sent but not saved is found again in the thread, not sent twice). A final
failure deletes the thread and removes the row (the rating never counts for a review nobody
can see).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

from bot.app import FilmBot
from bot.community.model import Review
from bot.errors import UserFacingError
from bot.journal import Handler, Intent, Step, StepContext
from bot.webhooks import send_parts
from cogs.community.thread_parts import ThreadParts

log = logging.getLogger(__name__)

KIND = "review-post"


def payload_for(
    parent: discord.abc.GuildChannel,
    review: Review,
    film_id: int,
    film_label: str,
    parts: list[str],
    name: str,
    options: Any,
) -> dict[str, Any]:
    """Everything the steps need after a restart (the parts as shaped when it was asked)."""
    return {
        "guild_id": parent.guild.id,
        "parent_id": parent.id,
        "forum": isinstance(parent, discord.ForumChannel),
        "review_id": review.id,
        "author_id": review.author_id,
        "film_id": film_id,
        "film_label": film_label,
        "parts": parts,
        "name": name,
        "policy": options.default_spoiler_policy,
        "archive": options.default_auto_archive_minutes,
    }


class ReviewPost(Handler):
    """Open the review's thread, register it, post the parts, record where it went."""

    steps = (Step("thread"), Step("discussion"), Step("post"), Step("mark"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    def describe(self, intent: Intent) -> str:
        return f"The post of review #{intent.payload['review_id']}"

    async def step_thread(self, ctx: StepContext) -> dict[str, Any]:
        p = ctx.payload
        if ctx.state.get("thread_id") is None:
            thread_ids = await self._lost_thread(ctx) if ctx.state.get("creating") else None
            if thread_ids is None:
                await ctx.save(creating=True)
                thread_ids = await self._create(p)
                ctx.reach("opened")  # opened, its id not yet saved
            await ctx.save(thread_id=thread_ids[0], ids=thread_ids[1])
        return {"thread_id": ctx.state["thread_id"], "ids": ctx.state["ids"]}

    async def _create(self, p: dict[str, Any]) -> tuple[int, list[int]]:
        parent = self.bot.get_channel(p["parent_id"]) or await self.bot.fetch_channel(
            p["parent_id"]
        )
        if isinstance(parent, discord.ForumChannel):
            created = await parent.create_thread(
                name=p["name"], content=p["parts"][0], auto_archive_duration=p["archive"]
            )
            return created.thread.id, [created.message.id]
        if not isinstance(parent, discord.TextChannel):
            raise UserFacingError("The reviews channel is gone or is no longer a text channel.")
        thread = await parent.create_thread(
            name=p["name"],
            type=discord.ChannelType.public_thread,
            auto_archive_duration=p["archive"],
        )
        return thread.id, []

    async def _lost_thread(self, ctx: StepContext) -> tuple[int, list[int]] | None:
        """A thread opened before a crash whose id was not saved: the bot's, by name."""
        p = ctx.payload
        guild, me = self.bot.get_guild(p["guild_id"]), self.bot.user
        if guild is None or me is None:
            return None
        for thread in await guild.active_threads():
            mine = thread.owner_id == me.id
            if mine and thread.parent_id == p["parent_id"] and thread.name == p["name"]:
                return thread.id, [thread.id] if p["forum"] else []  # a post's opener id
        return None

    async def step_discussion(self, ctx: StepContext) -> None:
        p, opened = ctx.payload, ctx.intent.result("thread")
        thread_id, ids = opened["thread_id"], opened["ids"]
        discussions = self.bot.services.discussions
        if await discussions.by_thread(thread_id) is None:
            await discussions.open(
                guild_id=p["guild_id"],
                channel_id=p["parent_id"],
                thread_id=thread_id,
                film_id=p["film_id"],
                film_label=p["film_label"],
                spoiler_policy=p["policy"],
                created_by=p["author_id"],
                auto_archive_minutes=p["archive"],
                opener_message_id=ids[0] if ids else None,
            )

    async def step_post(self, ctx: StepContext) -> dict[str, Any]:
        opened = ctx.intent.result("thread")
        thread_id, first = opened["thread_id"], list(opened["ids"])
        sender = ThreadParts(self.bot, thread_id, ctx)
        rest = ctx.payload["parts"][len(first) :]
        after = first[-1] if first else thread_id
        return {"ids": first + await send_parts(sender, rest, ctx, after=after)}

    async def step_mark(self, ctx: StepContext) -> None:
        p, ids = ctx.payload, ctx.intent.result("post")["ids"]
        thread_id = ctx.intent.result("thread")["thread_id"]
        if ids and not p["forum"]:
            await self.bot.services.discussions.set_opener(thread_id, ids[0])
        await self.bot.services.community.reviews.set_post(p["review_id"], thread_id, ids)
        log.info("review %s posted in thread %s", p["review_id"], thread_id)

    async def undo(self, ctx: StepContext, error: str) -> bool:
        svc, p = self.bot.services, ctx.payload
        # the thread step's result when it finished (a later step's saved state may not carry
        # the thread's id: within one run each step starts from the state as the run began)
        opened = ctx.intent.results.get("thread") or {}
        thread_id = opened.get("thread_id", ctx.state.get("thread_id"))
        if thread_id is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.bot.http.delete_channel(thread_id)
        await svc.community.reviews.remove(p["review_id"], p["author_id"])
        return True
