"""/mod case, history, reason, pardon: read and correct the case ledger (never delete from it)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.moderation.messages import case_embed, history_embed
from bot.moderation.model import BAN_TYPES, TIMEOUT_TYPES, Action, Case
from bot.text import escape_markdown
from cogs._checks import ensure_can, guild_facts, guild_id_of, moderator_only, person, services
from cogs._mod_group import Subcommand
from cogs._types import Interaction
from cogs._ui import Paginator, to_embed

CASE_NUMBER = app_commands.Range[int, 1, None]


@app_commands.command(name="case")
@app_commands.describe(number="The case number")
@moderator_only()
async def case(interaction: Interaction, number: CASE_NUMBER) -> None:
    """Show one case: who, what, why, when, its status and the history of its reason."""
    shown = await services(interaction).moderation.case(guild_id_of(interaction), number)
    await interaction.response.send_message(embed=to_embed(case_embed(shown)), ephemeral=True)


@app_commands.command(name="history")
@app_commands.describe(member="Whose cases to list (anyone, by user id too)")
@moderator_only()
async def history(interaction: Interaction, member: discord.User) -> None:
    """List a member's cases, newest first; voided cases are struck through."""
    moderation = services(interaction).moderation
    first = await moderation.history(guild_id_of(interaction), member.id, page=1)
    pages = [first] + [
        await moderation.history(guild_id_of(interaction), member.id, page=number)
        for number in range(2, first.page_count + 1)
    ]
    name = member.display_name
    await Paginator.send(interaction, [history_embed(page, name) for page in pages])


@app_commands.command(name="reason")
@app_commands.describe(number="The case number", text="The corrected reason")
@moderator_only()
async def reason(interaction: Interaction, number: CASE_NUMBER, text: str) -> None:
    """Correct a case's reason; the old reason, who changed it and when are kept."""
    moderation = services(interaction).moderation
    await interaction.response.defer(ephemeral=True, thinking=True)  # amending edits the mod log
    amended = await moderation.amend(
        guild_id_of(interaction), number, text, person(interaction.user)
    )
    await interaction.followup.send(
        f"Case #{amended.number}: reason amended (the case keeps the earlier reason in its "
        "history).",
        ephemeral=True,
    )


@app_commands.command(name="pardon")
@app_commands.describe(number="The case number", reason="Why the case is voided")
@moderator_only()
async def pardon(interaction: Interaction, number: CASE_NUMBER, reason: str) -> None:
    """Void a case: lifts an active timeout or ban; the case stays in history, struck through."""
    facts = guild_facts(interaction)
    case = await services(interaction).moderation.case(facts.guild_id, number)
    lifting = lift_action(case)
    if lifting is not None:  # lifting a ban needs Ban Members, a timeout Timeout Members
        await ensure_can(interaction, lifting)
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await services(interaction).moderation.pardon(
        facts, number, reason, person(interaction.user)
    )
    who = escape_markdown(result.case.member_name or "the channel")
    text = f"Case #{number} ({result.case.type.label} of {who}) is voided; it stays in history."
    if result.lifts:
        text += f" The {result.lifts} was lifted."
    await interaction.followup.send(text, ephemeral=True)


def lift_action(case: Case) -> Action | None:
    """The action a pardon of `case` carries out on Discord (unban, untimeout), if any."""
    if not case.active or case.voided or case.member_id is None:
        return None
    if case.type in BAN_TYPES:
        return Action.UNBAN
    if case.type in TIMEOUT_TYPES:
        return Action.UNTIMEOUT
    return None


COMMANDS: tuple[Subcommand, ...] = (case, history, reason, pardon)
