"""The Discord side of a review: its thread (or forum post), edits, and the tombstone.

Record first, then act: the review row exists before the thread is created, and the thread is
registered as a film discussion (so the guard, screening and the reply tree apply) as soon as
it exists; a new review's post is a journal intent (review_post.py), and so is an edit
(review_edit.py).
"""

from __future__ import annotations

import contextlib
import logging

import discord

from bot.community.model import Review
from bot.community.reviews import PreparedReview, review_parts, thread_title
from bot.discussions.rules import check_member_can
from bot.errors import InvalidInput, PermissionDenied, UserFacingError
from bot.films.model import Film
from bot.services import Services
from cogs._types import Interaction
from cogs.community import review_edit, review_post
from cogs.community.checks import server_of
from cogs.community.thread_parts import fetch_thread
from cogs.discussions.checks import member_permissions

log = logging.getLogger(__name__)
Parent = discord.TextChannel | discord.ForumChannel


async def review_parent(interaction: Interaction, svc: Services) -> Parent:
    """The configured reviews channel (text or forum), else the channel the command ran in."""
    guild = server_of(interaction)
    settings = await svc.community.settings.get(guild.id)
    target: object = interaction.channel
    configured = guild.get_channel(settings.reviews_channel_id or 0)
    if configured is not None:
        target = configured
    if isinstance(target, discord.Thread):
        target = target.parent
    if not isinstance(target, Parent):
        raise InvalidInput("Reviews go in a text channel or a forum: run /review in one.")
    if configured is None:  # where the member is: only where Discord lets them open a thread
        check_member_can(
            member_permissions(interaction, target),
            kind="forum" if isinstance(target, discord.ForumChannel) else "text",
            channel_id=target.id,
            doing="post a review",
        )
    perms = target.permissions_for(guild.me)
    need = "send_messages" if isinstance(target, discord.ForumChannel) else "create_public_threads"
    if not getattr(perms, need) or not perms.send_messages_in_threads:
        raise PermissionDenied(
            f"I can't open a thread in {target.mention}: give my role Create Public Threads "
            "and Send Messages in Threads there."
        )
    return target


async def post_review(
    svc: Services,
    parent: Parent,
    review: Review,
    prepared: PreparedReview,
    film: Film,
    author_name: str,
) -> Review:
    """Open the review's thread, register it as a film discussion and post it, journaled
    (cogs/community/review_post.py): a crash part-way is finished at the next start."""
    parts = review_parts(review, author_name, prepared.shown_text, film)
    options = await svc.discussions.settings(parent.guild.id)
    payload = review_post.payload_for(
        parent, review, film.id, film.label, parts, thread_title(review, film), options
    )
    try:
        await svc.journal.perform(review_post.KIND, payload, key=f"review:{review.id}")
    except discord.HTTPException as error:  # undone: the thread deleted, the review removed
        raise UserFacingError(
            f"Discord refused to post your review ({error.status}: {error.text}). Nothing was "
            "posted and your rating does not count; try again in a moment."
        ) from None
    return await svc.community.reviews.get(review.id)


async def edit_review(
    svc: Services,
    review: Review,
    prepared: PreparedReview,
    film: Film,
    author_name: str,
) -> Review:
    """Replace a posted review with a new version, journaled (cogs/community/review_edit.py):
    its messages edited in place (extra parts added or emptied), a line saying it was edited."""
    revised = review.revised(prepared.draft)
    parts = review_parts(revised, author_name, prepared.shown_text, film)
    note = review_edit.edit_note(author_name, revised.version)
    payload = review_edit.payload_for(review, prepared.draft, parts, note)
    await svc.journal.perform(review_edit.KIND, payload)
    return await svc.community.reviews.get(review.id)


async def tombstone(svc: Services, guild: discord.Guild, review: Review, by: str) -> None:
    """The review's messages become tombstones in the reply tree; its replies stay."""
    thread = await fetch_thread(guild, review.thread_id)
    for message_id in review.message_ids:
        await svc.replies.capture.mark_removed(message_id, by)  # before deleting (see services)
        if thread is not None:
            with contextlib.suppress(discord.NotFound):
                await thread.get_partial_message(message_id).delete()
    if thread is not None:
        await thread.send(f"*This review was removed by {by}; the replies below stay.*")
