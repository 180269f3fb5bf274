"""/review and /unreview: a member's review of a film, posted as its own discussion thread.

Everything that can refuse (the rating, the length, the film, screening) is checked before
anything is stored or posted. Without `text`, a modal asks for a title and a longer text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

import discord
from discord import app_commands

from bot import limits
from bot.community.model import (
    REVIEW_TEXT_MAX,
    REVIEW_TITLE_MAX,
    Rating,
    Review,
    check_typed_review,
)
from bot.community.reviews import PreparedReview, edit_offer
from bot.films.model import Film
from bot.text import escape_markdown
from cogs._checks import is_moderator
from cogs._types import Interaction
from cogs._ui import Confirm
from cogs.community.checks import server_of
from cogs.community.posting import edit_review, post_review, remove_review, review_parent
from cogs.community.review_edit import reads_as
from cogs.films.options import FilmOption

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFER_AFTER_SECONDS = limits.INTERACTION_FIRST_RESPONSE_SECONDS / 2  # time left to defer


@app_commands.command(name="review")
@app_commands.describe(
    film="The film you watched",
    rating="From 0.5 to 5, in half stars (3.5 = three and a half)",
    text="A short review; leave it out to write a longer one with a title",
)
@app_commands.guild_only()
async def review(
    interaction: Interaction,
    film: FilmOption,
    rating: float,
    text: app_commands.Range[str, 1, limits.STRING_OPTION] | None = None,
) -> None:
    """Review a film: rating and text, posted as a thread members can reply to."""
    parsed = Rating.parse(rating)
    if text is None:
        await interaction.response.send_modal(ReviewModal(film, parsed))
        return
    check_typed_review(text)
    await submit(interaction, film, parsed, text, "")


class ReviewModal(discord.ui.Modal, title="Your review"):
    """A title and a longer text, up to Discord's modal limit."""

    heading: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
        label="Title (optional)", custom_id="title", required=False, max_length=REVIEW_TITLE_MAX
    )
    body: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
        label="Your review",
        custom_id="text",
        style=discord.TextStyle.paragraph,
        max_length=REVIEW_TEXT_MAX,
    )

    def __init__(self, film: Film, rating: Rating) -> None:
        super().__init__()
        self.film, self.rating = film, rating

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]  # discord.py's client is generic; ours is a FilmBot
        check_typed_review(self.body.value, self.heading.value)
        await submit(interaction, self.film, self.rating, self.body.value, self.heading.value)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]  # generic client; and discord.py's own Modal.on_error differs from BaseView's
        await interaction.client.report_error(interaction, error)


async def submit(
    interaction: Interaction, film: Film, rating: Rating, text: str, title: str
) -> None:
    """Screen and tag the review, then post it, or offer to replace the member's earlier one."""
    guild = server_of(interaction)
    svc = interaction.client.services
    reviews = svc.community.reviews
    prepared = await _in_time(
        interaction, reviews.prepare(guild.id, film, rating.value, text, title)
    )
    existing = await reviews.existing(guild.id, film.id, interaction.user.id)
    if existing is None:
        parent = await review_parent(interaction, svc)
        await _defer(interaction)
        # journaled, the row too; a final failure deletes the thread and removes the row
        posted = await post_review(
            svc, parent, interaction.user.id, prepared, film, interaction.user.display_name
        )
        if not reads_as(posted, prepared.draft):  # another /review of theirs got there first
            await interaction.followup.send(_raced_text(posted), ephemeral=True)
            return
        await interaction.followup.send(_posted_text(posted, prepared), ephemeral=True)
        return

    async def replace(button: discord.Interaction) -> None:  # Confirm passes a plain one
        # journaled: a crash between the new version and the thread's edit is finished later
        posted = await edit_review(svc, existing, prepared, film, button.user.display_name)
        await button.response.edit_message(content=_posted_text(posted, prepared), view=None)

    view = Confirm(owner_id=interaction.user.id, on_confirm=replace, confirm_label="Replace")
    if interaction.response.is_done():  # a modal's answer: confirm in a follow-up
        await interaction.followup.send(edit_offer(existing), view=view, ephemeral=True)
    else:
        await view.ask(interaction, edit_offer(existing))


def _raced_text(review: Review) -> str:
    return (
        f"You reviewed {escape_markdown(review.film_label)} a moment ago "
        f"({review.rating.number()}): that review is the one posted. Run /review again to "
        "replace it with this one."
    )


def _posted_text(review: Review, prepared: PreparedReview) -> str:
    where = f"<#{review.thread_id}>" if review.thread_id else "its thread"
    tagged = (
        " Sentences that give the plot away were put behind spoiler tags."
        if prepared.tagged
        else ""
    )
    return (
        f"Your review of {escape_markdown(review.film_label)} ({review.rating.number()}) is in "
        f"{where}.{tagged}"
    )


async def _in_time(interaction: Interaction, work: Awaitable[T]) -> T:
    """`work`'s result; if it is slow (a film's first spoiler detector is built while a review
    is prepared), the interaction is deferred first, so Discord's first-answer deadline holds."""
    task = asyncio.ensure_future(work)
    try:
        async with asyncio.timeout(DEFER_AFTER_SECONDS):
            return await asyncio.shield(task)
    except TimeoutError:
        await _defer(interaction)
    return await task


async def _defer(interaction: Interaction) -> None:
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


@app_commands.command(name="unreview")
@app_commands.describe(
    film="The film whose review to remove",
    member="Moderators: whose review (default: yours; anyone by user id, also after they left)",
)
@app_commands.guild_only()
async def unreview(
    interaction: Interaction, film: FilmOption, member: discord.User | None = None
) -> None:
    """Remove a review (yours, or anyone's for moderators); its replies stay, ratings update."""
    guild = server_of(interaction)
    svc = interaction.client.services
    author = member or interaction.user
    review = await svc.community.reviews.to_remove(
        guild.id,
        film,
        author.id,
        by=interaction.user.id,
        is_moderator=await is_moderator(interaction),
        manages_messages=interaction.permissions.manage_messages,
    )
    await _defer(interaction)
    await remove_review(svc, review, interaction.user.id, interaction.user.mention)  # journaled
    await interaction.followup.send(
        f"Removed the review of {escape_markdown(film.label)} by {author.mention}; "
        "the server's rating no longer counts it.",
        ephemeral=True,
    )
