"""/discuss config show | starter-role | auto-archive | policy | sensitivity (moderators).

Stored per server and read on every use, so changes apply at once (a new sensitivity applies
to the next comment).
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discussions.model import ARCHIVE_LABELS, POLICIES, DiscussionSettings
from bot.discussions.rules import settings_text
from bot.spoilers.model import Sensitivity
from cogs._checks import moderator_only, services
from cogs._types import Interaction
from cogs.discussions.checks import guild_id_of

group = app_commands.Group(name="config", description="Film discussion settings of this server")


async def _answer(interaction: Interaction, heading: str, settings: DiscussionSettings) -> None:
    text = f"{heading}\n\n{settings_text(settings)}" if heading else settings_text(settings)
    await interaction.response.send_message(text, ephemeral=True)


@group.command(name="show")
@moderator_only()
async def show(interaction: Interaction) -> None:
    """Show who can open discussions, the archive time, the spoiler policy and guard level."""
    await _answer(
        interaction, "", await services(interaction).discussions.settings(guild_id_of(interaction))
    )


@group.command(name="starter-role")
@app_commands.describe(role="Members with this role may open discussions; empty: moderators only")
@moderator_only()
async def starter_role(interaction: Interaction, role: discord.Role | None = None) -> None:
    """Let a role open film discussions besides moderators."""
    settings = await services(interaction).discussions.set_starter_role(
        guild_id_of(interaction), role.id if role else None
    )
    heading = (
        f"{role.mention} can now open discussions."
        if role
        else "Only moderators can open discussions now."
    )
    await _answer(interaction, heading, settings)


@group.command(name="auto-archive")
@app_commands.describe(duration="How long a quiet thread stays open (applies to new threads)")
@app_commands.choices(
    duration=[app_commands.Choice(name=label, value=m) for m, label in ARCHIVE_LABELS.items()]
)
@moderator_only()
async def auto_archive(interaction: Interaction, duration: int) -> None:
    """Set how long new discussion threads stay open without messages."""
    settings = await services(interaction).discussions.set_default_auto_archive(
        guild_id_of(interaction), duration
    )
    await _answer(
        interaction, f"New threads archive after {ARCHIVE_LABELS[duration]} of quiet.", settings
    )


@group.command(name="policy")
@app_commands.describe(value="The spoiler policy new discussions get unless /discuss start says")
@app_commands.choices(value=[app_commands.Choice(name=p, value=p) for p in POLICIES])
@moderator_only()
async def policy(interaction: Interaction, value: str) -> None:
    """Set the default spoiler policy of new discussions."""
    settings = await services(interaction).discussions.set_default_policy(
        guild_id_of(interaction), value
    )
    await _answer(interaction, f"New discussions are {value} by default.", settings)


@group.command(name="sensitivity")
@app_commands.describe(
    value="low: explicit outcomes only; medium: the film's plot words too; high: any hint"
)
@app_commands.choices(value=[app_commands.Choice(name=s.value, value=s.value) for s in Sensitivity])
@moderator_only()
async def sensitivity(interaction: Interaction, value: str) -> None:
    """Set how readily the spoiler guard tags comments in tagged-only threads."""
    settings = await services(interaction).discussions.set_guard_sensitivity(
        guild_id_of(interaction), value
    )
    await _answer(interaction, f"Spoiler guard sensitivity: {value}.", settings)
