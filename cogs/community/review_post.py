"""Posting a new review as a journal intent (`review-post`, docs/journal.md): the intent is
written first (keyed `review:<guild>:<film>:<author>`, `:after-<id>` past finished ones), with
the review in its payload, then its steps: `store` (the review row), `thread` (open it),
`discussion` (register it as a film discussion), `post` (the remaining parts), `mark` (the
row learns its thread and messages). A crash part-way, even before the row is written, is
finished at the next start.

`store` finds the member's active review of the film that has no thread yet (written by this
intent before a crash) instead of writing a second one.

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
from bot.community.model import Rating, ReviewDraft
from bot.errors import InvalidInput, UserFacingError
from bot.journal import Handler, Intent, Step, StepContext
from bot.webhooks import send_parts
from cogs.community.thread_parts import ThreadParts, retry_passing

log = logging.getLogger(__name__)

KIND = "review-post"


def payload_for(
    parent: discord.abc.GuildChannel,
    author_id: int,
    draft: ReviewDraft,
    film_label: str,
    parts: list[str],
    name: str,
    options: Any,
) -> dict[str, Any]:
    """Everything the steps need after a restart: the review as asked (the `store` step
    writes it) and its post as shaped then."""
    return {
        "guild_id": parent.guild.id,
        "parent_id": parent.id,
        "forum": isinstance(parent, discord.ForumChannel),
        "author_id": author_id,
        "film_id": draft.film_id,
        "film_label": film_label,
        "rating_halves": draft.rating.halves,
        "title": draft.title,
        "text": draft.text,
        "parts": parts,
        "name": name,
        "policy": options.default_spoiler_policy,
        "archive": options.default_auto_archive_minutes,
    }


def key_for(guild_id: int, film_id: int, author_id: int) -> str:
    """What `Journal.fresh_key` starts from: a member's review of a film being posted (a
    second /review meanwhile joins it instead of storing and posting a second one)."""
    return f"review:{guild_id}:{film_id}:{author_id}"


class ReviewPost(Handler):
    """Open the review's thread, register it, post the parts, record where it went."""

    steps = (Step("store"), Step("thread"), Step("discussion"), Step("post"), Step("mark"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    def describe(self, intent: Intent) -> str:
        stored = intent.results.get("store") or {}
        if "review_id" in stored:
            return f"The post of review #{stored['review_id']}"
        return f"The post of a review of {intent.payload['film_label']}"

    async def step_store(self, ctx: StepContext) -> dict[str, Any]:
        """The review row: written now, or found as this intent wrote it before a crash."""
        p, reviews = ctx.payload, self.bot.services.community.reviews
        if "review_id" in p:  # written by an earlier version, which stored the row first
            return {"review_id": p["review_id"]}
        review = await reviews.existing(p["guild_id"], p["film_id"], p["author_id"])
        if review is None:  # new, or a removed one written again
            draft = ReviewDraft(p["film_id"], Rating(p["rating_halves"]), p["text"], p["title"])
            review = await reviews.add(p["guild_id"], p["author_id"], draft, p["film_label"])
        elif review.thread_id is not None:  # posted by another /review meanwhile
            raise InvalidInput(f"You already reviewed {p['film_label']}: edit that review instead.")
        return {"review_id": review.id}

    @retry_passing
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

    @retry_passing
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
        review_id = ctx.intent.result("store")["review_id"]
        if ids and not p["forum"]:
            await self.bot.services.discussions.set_opener(thread_id, ids[0])
        await self.bot.services.community.reviews.set_post(review_id, thread_id, ids)
        log.info("review %s posted in thread %s", review_id, thread_id)

    async def undo(self, ctx: StepContext, error: str) -> bool:
        svc, p = self.bot.services, ctx.payload
        # the thread step's result when it finished (a later step's saved state may not carry
        # the thread's id: within one run each step starts from the state as the run began)
        opened = ctx.intent.results.get("thread") or {}
        thread_id = opened.get("thread_id", ctx.state.get("thread_id"))
        if thread_id is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.bot.http.delete_channel(thread_id)
            if await svc.discussions.by_thread(thread_id) is not None:  # no live discussion left
                await svc.discussions.mark_archived(thread_id)
        stored = ctx.intent.results.get("store")
        if stored is not None:  # not stored (refused): nothing of someone else's is touched
            await svc.community.reviews.remove(stored["review_id"], p["author_id"])
        return True
