"""The Discord side of a review: its thread (or forum post), edits, and the tombstone.

Record first, then act: a new review is one journal intent (review_post.py) that stores the
row, then creates the thread and registers it as a film discussion (so the guard, screening
and the reply tree apply) as soon as it exists; an edit is one too (review_edit.py), and so
is a removal (review_remove.py).
"""

from __future__ import annotations

import logging

import discord

from bot.community.model import Review
from bot.community.reviews import PreparedReview, review_parts, thread_title
from bot.discussions.rules import check_member_can
from bot.errors import InvalidInput, PermissionDenied, UserFacingError
from bot.films.model import Film
from bot.journal import Status
from bot.moderation.service import Queued
from bot.services import Services
from bot.text import escape_markdown
from cogs._types import Interaction
from cogs.community import review_edit, review_post, review_remove
from cogs.community.checks import server_of
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
    author_id: int,
    prepared: PreparedReview,
    film: Film,
    author_name: str,
) -> Review:
    """Store the review, open its thread, register it as a film discussion and post it: one
    journal intent (cogs/community/review_post.py) written before any of it, so a crash at
    any point (even before the row is stored) is finished at the next start."""
    draft = prepared.draft
    parts = review_parts(draft, author_name, prepared.shown_text, film)
    options = await svc.discussions.settings(parent.guild.id)
    payload = review_post.payload_for(
        parent, author_id, draft, film.label, parts, thread_title(draft, film), options
    )
    key = await svc.journal.fresh_key(review_post.key_for(parent.guild.id, film.id, author_id))
    try:
        intent = await svc.journal.perform(review_post.KIND, payload, key=key)
    except discord.HTTPException as error:  # undone: the thread deleted, the review removed
        raise UserFacingError(
            f"Discord refused to post your review ({error.status}: {error.text}). Nothing was "
            "posted and your rating does not count; try again in a moment."
        ) from None
    if intent.status is Status.PENDING:
        raise Queued(
            f"Discord is not answering ({intent.last_error}). Your review is saved and will "
            "be posted as soon as it answers."
        )
    return await svc.community.reviews.get(intent.result("store")["review_id"])


async def edit_review(
    svc: Services,
    review: Review,
    prepared: PreparedReview,
    film: Film,
    author_name: str,
) -> Review:
    """Replace a posted review with a new version, journaled (cogs/community/review_edit.py):
    its messages edited in place (extra parts added or emptied), a line saying it was edited."""
    if review.thread_id is None:  # its post is waiting for Discord (or gave up)
        raise InvalidInput(
            f"Your review of {escape_markdown(review.film_label)} is not posted yet; edit it "
            "once it is up (or remove it with /unreview and write it again)."
        )
    revised = review.revised(prepared.draft)
    parts = review_parts(revised, author_name, prepared.shown_text, film)
    note = review_edit.edit_note(author_name, revised.version)
    payload = review_edit.payload_for(review, prepared.draft, parts, note)
    try:
        intent = await svc.journal.perform(review_edit.KIND, payload)
    except discord.HTTPException as error:  # undone: the old text back, in the thread and row
        raise UserFacingError(
            f"Discord refused to edit your review ({error.status}: {error.text}). It is "
            "unchanged; try again in a moment."
        ) from None
    if intent.status is Status.PENDING:
        raise Queued(
            f"Discord is not answering ({intent.last_error}). The new version is saved and "
            "the thread will show it as soon as Discord answers."
        )
    return await svc.community.reviews.get(review.id)


async def remove_review(svc: Services, review: Review, by_id: int, by_mention: str) -> Review:
    """The review becomes a tombstone (row, then its messages in the reply tree, then a line in
    the thread), journaled (cogs/community/review_remove.py): a crash part-way is finished at
    the next start. Its replies stay."""
    payload = review_remove.payload_for(review, by_id, by_mention)
    await svc.journal.perform(review_remove.KIND, payload)
    return await svc.community.reviews.get(review.id)
