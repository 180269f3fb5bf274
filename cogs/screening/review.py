"""What the review buttons do. Approve: the message stays (a hidden one is put back through a
webhook under its author's name). Remove: the message goes (the author is told). Warn and
Timeout 1h: a moderation case against the author; the item is then escalated and stays open
until someone approves or removes the message itself.

Each decision records who and when (review_decisions), then the alert is re-rendered in place
and the moderator gets a private answer.
"""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.errors import InvalidInput
from bot.locks import KeyedLocks
from bot.moderation.messages import told as dm_told
from bot.moderation.model import REASON_MAX, Action
from bot.render import trim
from bot.screening.model import ReviewItem
from bot.text import escape_markdown
from cogs._checks import guild_facts, person
from cogs._types import Interaction
from cogs.screening.buttons import ReviewAction
from cogs.screening.desk import ReviewDesk, kept_notes
from cogs.screening.events import desk_of

TIMEOUT = timedelta(hours=1)
SANCTIONS = {ReviewAction.WARN: Action.WARN, ReviewAction.TIMEOUT: Action.TIMEOUT}
_locks: KeyedLocks[int] = KeyedLocks()  # one decision at a time per item, freed after
_in_flight: set[tuple[int, ReviewAction]] = set()  # (item, button) being carried out


async def decide(interaction: Interaction, action: ReviewAction, item_id: int) -> None:
    """Carry out one button's decision on review item `item_id` (one at a time per item; the
    second press of a double-click, arriving while the first is carried out, does nothing)."""
    desk = desk_of(interaction.client)
    pressed = (item_id, action)
    if pressed in _in_flight:
        await interaction.response.send_message(
            f"Review #{item_id}: that is already being done; nothing more was done.",
            ephemeral=True,
        )
        return
    _in_flight.add(pressed)
    try:
        await _decide(desk, interaction, action, item_id)
    finally:
        _in_flight.discard(pressed)


async def _decide(
    desk: ReviewDesk, interaction: Interaction, action: ReviewAction, item_id: int
) -> None:
    await interaction.response.defer()
    async with _locks.hold(item_id):
        item = await open_item(desk, item_id)
        if action == ReviewAction.APPROVE:
            answer = await approve(desk, interaction, item)
        elif action == ReviewAction.REMOVE:
            answer = await remove(desk, interaction, item)
        else:
            answer = await sanction(desk, interaction, item, SANCTIONS[action])
        item = await desk.services.screening.review_item(item_id)
        embed, view = await desk.render(item, kept_notes_of(interaction))
        await interaction.edit_original_response(embed=embed, view=view)
    await interaction.followup.send(answer, ephemeral=True)


async def open_item(desk: ReviewDesk, item_id: int) -> ReviewItem:
    """The item, if it is still open; otherwise who closed it and when."""
    item = await desk.services.screening.review_item(item_id)
    if not item.is_open:
        who = await desk.author_name(item.guild_id, item.decided_by) or "a moderator"
        raise InvalidInput(f"Review #{item.id} was already {item.state} by {escape_markdown(who)}.")
    return item


async def approve(desk: ReviewDesk, interaction: Interaction, item: ReviewItem) -> str:
    stored = await desk.services.screening.latest_screening(item.message_id)
    note = "left as it is"
    if stored is not None and stored.hidden and not await _still_there(desk, item):
        note = await desk.restore(item, stored, interaction.user.id)  # approves it too
    else:
        await desk.services.screening.decide_review(item.id, "approve", interaction.user.id, note)
    return f"Review #{item.id} approved: the message was {note}."


async def remove(desk: ReviewDesk, interaction: Interaction, item: ReviewItem) -> str:
    stored = await desk.services.screening.latest_screening(item.message_id)
    if stored is not None and stored.hidden:
        note = "it was already hidden"
    elif not await desk.delete_message(item, reason=f"Review #{item.id}: removed"):
        raise InvalidInput(
            f"I could not remove it: I need **Manage Messages** in <#{item.channel_id}>."
        )
    else:
        dm = await desk.tell_author(item, item.content, item.rule, by_moderators=True)
        note = f"author {dm_told(dm)}"
    await desk.services.screening.decide_review(item.id, "remove", interaction.user.id, note)
    return f"Review #{item.id}: message removed ({note})."


async def sanction(
    desk: ReviewDesk, interaction: Interaction, item: ReviewItem, action: Action
) -> str:
    """Warn or time out the author through moderation; the item is escalated."""
    where = desk.channel_name(item.channel_id)
    reason = trim(f"Review #{item.id}, message in #{where}: {item.rule or 'reported'}", REASON_MAX)
    outcome = await desk.services.moderation.record_automatic_case(
        guild_facts(interaction),
        action=action,
        member=await desk.author(item),
        reason=reason,
        rule=item.rule,
        duration=TIMEOUT if action == Action.TIMEOUT else None,
        jump_url=desk.message_url(item),
        moderator=person(interaction.user),
    )
    note = f"{outcome.case.type.label} case #{outcome.case.number}"
    await desk.services.screening.decide_review(item.id, "escalate", interaction.user.id, note)
    return outcome.reply()


async def _still_there(desk: ReviewDesk, item: ReviewItem) -> bool:
    channel = desk.bot.get_partial_messageable(item.channel_id, guild_id=item.guild_id)
    try:
        await channel.fetch_message(item.message_id)
    except discord.NotFound:
        return False
    return True


def kept_notes_of(interaction: Interaction) -> list[str]:
    return kept_notes(interaction.message) if interaction.message is not None else []
