"""Editing a posted review as a journal intent (`review-edit`, docs/journal.md): the intent is
written first, then its steps: `store` (the new version; the previous one is kept), `edit`
(the thread's messages edited in place, extra old parts emptied), `post` (new parts beyond
the old ones, then the line saying the review was edited), `mark` (the row learns its
messages). A crash part-way is finished at the next start.

Idempotent: `store` revises only while the review is still at the version the intent was
written for (at a later one, it is this edit stored before a crash, or another edit that went
first: this one is then refused, so the thread never shows a text the row does not have); edits write the same text again; `post` goes through bot.webhooks.send_parts
(a part sent but not saved is found again in the thread). A thread deleted by hand ends the
intent after `store`: the new version is kept, there is nothing to edit.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

from bot.app import FilmBot
from bot.community.model import Rating, Review, ReviewDraft
from bot.errors import InvalidInput
from bot.journal import Finished, Handler, Intent, Step, StepContext
from bot.webhooks import remove_parts, send_parts
from cogs.community.thread_parts import ThreadParts, fetch_thread, retry_passing

log = logging.getLogger(__name__)

KIND = "review-edit"
CONTINUED = "*(continued above)*"  # an old part the new version no longer needs


def edit_note(author_name: str, version: int) -> str:
    """The line under an edited review."""
    return (
        f"*{discord.utils.escape_markdown(author_name)} edited this review (version "
        f"{version}); the previous version is kept.*"
    )


def payload_for(review: Review, draft: ReviewDraft, parts: list[str], note: str) -> dict[str, Any]:
    """Everything the steps need after a restart: the new version, and the post as shaped."""
    return {
        "guild_id": review.guild_id,
        "review_id": review.id,
        "from_version": review.version,
        "film_id": draft.film_id,
        "rating_halves": draft.rating.halves,
        "title": draft.title,
        "text": draft.text,
        "thread_id": review.thread_id,
        "ids": list(review.message_ids),
        "parts": parts,
        "note": note,
    }


def draft_of(payload: dict[str, Any]) -> ReviewDraft:
    """The new version the intent was written for."""
    rating = Rating(payload["rating_halves"])
    return ReviewDraft(payload["film_id"], rating, payload["text"], payload["title"])


def reads_as(review: Review, draft: ReviewDraft) -> bool:
    """Whether the stored review already says what `draft` says (this edit, stored before a
    crash)."""
    return (review.rating, review.title, review.text) == (draft.rating, draft.title, draft.text)


class ReviewEdit(Handler):
    """Store the new version, edit the thread's messages, post what is new, record them."""

    steps = (Step("store"), Step("edit"), Step("post"), Step("mark"))

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    def describe(self, intent: Intent) -> str:
        return f"The edit of review #{intent.payload['review_id']}"

    async def step_store(self, ctx: StepContext) -> None:
        p, reviews = ctx.payload, self.bot.services.community.reviews
        review = await reviews.get(p["review_id"])
        draft = draft_of(p)
        if review.version == p["from_version"]:
            await reviews.revise(p["review_id"], draft)
        elif not reads_as(review, draft):  # another edit went first: do not overwrite its post
            raise InvalidInput(
                f"Your review was changed meanwhile (it is at version {review.version} now), "
                "so this edit was not made; run /review again to replace it."
            )

    @retry_passing
    async def step_edit(self, ctx: StepContext) -> None:
        p = ctx.payload
        guild = self.bot.get_guild(p["guild_id"])
        thread = await fetch_thread(guild, p["thread_id"]) if guild is not None else None
        if thread is None:
            log.warning(
                "the thread of review %s is gone; only the stored review changed", p["review_id"]
            )
            raise Finished({"thread": None})
        if "before" not in ctx.state:  # what the messages said: the undo puts it back
            await ctx.save(before=await self._contents(thread, p["ids"]))
        before = ctx.state["before"]
        new = [*p["parts"], *[CONTINUED] * (len(p["ids"]) - len(p["parts"]))]
        for message_id, part in zip(p["ids"], new, strict=False):
            if str(message_id) in before:  # not deleted by hand
                await thread.get_partial_message(message_id).edit(content=part)

    @staticmethod
    async def _contents(thread: discord.Thread, ids: list[int]) -> dict[str, str]:
        contents = {}
        for message_id in ids:
            try:
                contents[str(message_id)] = (await thread.fetch_message(message_id)).content
            except discord.NotFound:
                log.info(
                    "message %s of review thread %s is gone; not edited", message_id, thread.id
                )
        return contents

    @retry_passing
    async def step_post(self, ctx: StepContext) -> dict[str, Any]:
        p = ctx.payload
        ids, thread_id = list(p["ids"]), p["thread_id"]
        new = [*p["parts"][len(ids) :], p["note"]]
        sent = await send_parts(
            ThreadParts(self.bot, thread_id, ctx), new, ctx, after=ids[-1] if ids else thread_id
        )
        return {"ids": ids + sent[:-1]}  # the note is not a part of the review

    async def step_mark(self, ctx: StepContext) -> None:
        p, ids = ctx.payload, ctx.intent.result("post")["ids"]
        await self.bot.services.community.reviews.set_post(p["review_id"], p["thread_id"], ids)
        log.info("review %s edited (version %s)", p["review_id"], p["from_version"] + 1)

    async def undo(self, ctx: StepContext, error: str) -> bool:
        """Put the thread and the row back as they were: the old texts, no new parts, the
        previous version current again (only if this edit stored the new one)."""
        p, reviews = ctx.payload, self.bot.services.community.reviews
        thread = self.bot.get_partial_messageable(p["thread_id"])
        with contextlib.suppress(discord.HTTPException):
            for message_id, content in ctx.state.get("before", {}).items():
                await thread.get_partial_message(int(message_id)).edit(content=content)
            await remove_parts(ThreadParts(self.bot, p["thread_id"], ctx), ctx)
        review = await reviews.get(p["review_id"])
        ours = review.version == p["from_version"] + 1 and reads_as(review, draft_of(p))
        if "store" in ctx.intent.results and ours:
            await reviews.revert(review.id, p["from_version"])
        log.warning("edit of review %s undone: %s", p["review_id"], error)
        return True
