"""/mod ladder show | set | remove | reset | off: the escalation ladder of this server."""

from __future__ import annotations

from typing import Literal

from discord import app_commands

from bot.errors import InvalidInput
from bot.moderation.config_text import ladder_text
from bot.moderation.ladder import DEFAULT_LADDER, MAX_WARNINGS, check_ladder, make_step
from bot.moderation.model import Action
from cogs._checks import ensure_can, guild_id_of, moderator_only, server_manager_only, services
from cogs._types import Interaction

group = app_commands.Group(name="ladder", description="The escalation ladder: warnings to actions")
WARNINGS = app_commands.Range[int, 1, MAX_WARNINGS]


async def _show(interaction: Interaction, heading: str = "") -> None:
    config = services(interaction).moderation.config
    steps = await config.ladder(guild_id_of(interaction))
    settings = await config.get(guild_id_of(interaction))
    text = ladder_text(steps, customised=settings.ladder_customised)
    await interaction.response.send_message(f"{heading}\n{text}".strip(), ephemeral=True)


async def ensure_can_take(interaction: Interaction, actions: list[Action]) -> None:
    """The bot takes a step for whoever issues the last warning, so whoever sets the step must
    be allowed to do it themselves (a step that bans needs Ban Members)."""
    for action in actions:
        await ensure_can(interaction, action)


@group.command(name="show")
@moderator_only()
async def show(interaction: Interaction) -> None:
    """Show the escalation ladder: how many warnings, within how long, lead to what."""
    await _show(interaction)


@group.command(name="set")
@app_commands.describe(
    warnings="How many active warnings trigger this step",
    within="The window they must fall in: 7d, 30 days...",
    action="What the bot does",
    duration="For timeout and tempban: how long (1h, 1d...)",
)
@moderator_only()
@server_manager_only()
async def set_step(
    interaction: Interaction,
    warnings: WARNINGS,
    within: str,
    action: Literal["timeout", "tempban", "kick", "ban"],
    duration: str | None = None,
) -> None:
    """Add a ladder step, or replace the step with the same number of warnings."""
    await ensure_can_take(interaction, [Action(action)])
    config = services(interaction).moderation.config
    step = make_step(warnings, within, action, duration)
    current = await config.ladder(guild_id_of(interaction))
    steps = check_ladder([s for s in current if s.warnings != warnings] + [step])
    await config.set_ladder(guild_id_of(interaction), steps, interaction.user.id)
    await _show(interaction, "Ladder changed.")


@group.command(name="remove")
@app_commands.describe(warnings="The warning count of the step to remove")
@moderator_only()
@server_manager_only()
async def remove_step(interaction: Interaction, warnings: WARNINGS) -> None:
    """Remove one ladder step (the one with that number of warnings)."""
    config = services(interaction).moderation.config
    current = await config.ladder(guild_id_of(interaction))
    kept = [s for s in current if s.warnings != warnings]
    if len(kept) == len(current):
        raise InvalidInput(f"The ladder has no step at {warnings} warnings.")
    await config.set_ladder(guild_id_of(interaction), kept, interaction.user.id)
    await _show(interaction, "Step removed.")


@group.command(name="reset")
@moderator_only()
@server_manager_only()
async def reset(interaction: Interaction) -> None:
    """Go back to the default ladder."""
    await ensure_can_take(interaction, [step.action for step in DEFAULT_LADDER])
    await services(interaction).moderation.config.reset_ladder(
        guild_id_of(interaction), interaction.user.id
    )
    await _show(interaction, "Ladder reset to the default.")


@group.command(name="off")
@moderator_only()
@server_manager_only()
async def off(interaction: Interaction) -> None:
    """Turn escalation off: warnings are still recorded but trigger nothing."""
    await services(interaction).moderation.config.set_ladder(
        guild_id_of(interaction), [], interaction.user.id
    )
    await _show(interaction, "Ladder turned off.")
