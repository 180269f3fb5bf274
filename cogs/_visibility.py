"""Which reviews a list may show, so the bot never shows through itself what Discord would not.

The rule (docs/community.md, "Who sees which reviews"):
- a review is listed only when the member who asked can read its thread (View Channel and
  Read Message History there); a review whose thread or channel can't be found is not listed;
- the answer is posted for the channel only when every member who can see that channel can
  also read every listed review; otherwise the asker alone sees it (ephemeral), with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.community.model import Review
from cogs._types import Interaction

Place = discord.abc.GuildChannel | discord.Thread

PRIVATE_NOTE = "Shown only to you: some of these reviews are in channels not everyone here can see."


@dataclass(frozen=True)
class Shown:
    """The reviews a list may show the asker, and whether the answer may be public."""

    reviews: list[Review]
    public: bool


def can_read(place: Place, member: discord.Member) -> bool:
    """Discord's test for reading a channel's messages: View Channel and Read Message History."""
    permissions = place.permissions_for(member)
    return permissions.view_channel and permissions.read_message_history


async def shown_reviews(interaction: Interaction, reviews: Sequence[Review]) -> Shown:
    """`reviews` cut to those the asker can read, and whether the asking channel's audience
    can read them all (then the answer may be public)."""
    guild, asker = interaction.guild, interaction.user
    if guild is None or not isinstance(asker, discord.Member):
        return Shown([], public=False)
    places = {r.id: await _place_of(interaction, guild, r) for r in reviews}
    readable = [r for r in reviews if (p := places[r.id]) is not None and can_read(p, asker)]
    answer_place = interaction.channel
    if not isinstance(answer_place, Place):
        return Shown(readable, public=False)
    audience = [m for m in guild.members if answer_place.permissions_for(m).view_channel]
    checked: dict[int, bool] = {}
    for review in readable:
        place = places[review.id]
        assert place is not None  # only readable places are kept above
        if place.id not in checked:
            checked[place.id] = all(can_read(place, m) for m in audience)
        if not checked[place.id]:
            return Shown(readable, public=False)
    return Shown(readable, public=True)


async def _place_of(interaction: Interaction, guild: discord.Guild, review: Review) -> Place | None:
    """The review's thread, or (not in discord.py's cache, e.g. archived) the channel it was
    opened under, as the discussions store recorded it; None when neither is known."""
    if review.thread_id is None:
        return None
    thread = guild.get_channel_or_thread(review.thread_id)
    if isinstance(thread, discord.Thread):
        return thread if thread.parent is not None else None  # its permissions are the parent's
    if thread is not None:
        return thread
    discussion = await interaction.client.services.discussions.by_thread(review.thread_id)
    if discussion is None:
        return None
    return guild.get_channel(discussion.channel_id)


def with_note(footer: str | None, shown: Shown) -> str | None:
    """The list's footer, with the reason when the answer is shown to the asker alone."""
    if shown.public:
        return footer
    return f"{footer} · {PRIVATE_NOTE}" if footer else PRIVATE_NOTE
