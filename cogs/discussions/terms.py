"""/discuss spoiler-terms add | remove | list (moderators, inside a discussion thread).

The core is bot/spoilers/community.py; this module finds the discussion and answers privately.
"""

from __future__ import annotations

from discord import app_commands

from bot.discussions.model import Discussion
from bot.spoilers.community import CommunityTerms, term_list_pages
from bot.spoilers.model import TERM_MAX_CHARS
from bot.text import clean_typed
from cogs._checks import moderator_only, services
from cogs._types import Interaction
from cogs._ui import Paginator
from cogs.discussions.manage import _discussion_here

group = app_commands.Group(
    name="spoiler-terms", description="Words that always count as reveals in this discussion"
)


async def _here(interaction: Interaction, action: str) -> tuple[Discussion, CommunityTerms]:
    discussion = await _discussion_here(interaction, f"spoiler-terms {action}")
    return discussion, services(interaction).guard.terms


async def _change(interaction: Interaction, action: str, term: str) -> None:
    """Add or remove a term in the discussion this runs in; the core words the answer."""
    discussion, terms = await _here(interaction, action)
    change = terms.add if action == "add" else terms.remove
    # Direction overrides and zero-width characters would be kept in the term and shown back.
    reply = await change(discussion, clean_typed(term), by=interaction.user.id)
    await interaction.response.send_message(reply, ephemeral=True)


@group.command(name="add")
@app_commands.describe(term=f"A name, place or word that gives the plot away (≤ {TERM_MAX_CHARS})")
@moderator_only()
async def add(interaction: Interaction, term: str) -> None:
    """Make a term always count as a reveal in this discussion."""
    await _change(interaction, "add", term)


@group.command(name="remove")
@app_commands.describe(term="The term as /discuss spoiler-terms list shows it")
@moderator_only()
async def remove(interaction: Interaction, term: str) -> None:
    """Stop a term counting as a reveal here (a learned one too)."""
    await _change(interaction, "remove", term)


@group.command(name="list")
@moderator_only()
async def list_terms(interaction: Interaction) -> None:
    """Show this discussion's spoiler terms and those learned from members' tags."""
    discussion, terms = await _here(interaction, "list")
    await Paginator.send(interaction, term_list_pages(await terms.list(discussion)))
