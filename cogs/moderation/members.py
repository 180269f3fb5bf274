"""/mod warn, note, timeout, untimeout, kick, ban, tempban, unban: parse, call the core, answer.

Every answer is ephemeral. Kick and bans ask for confirmation first. Members who left can
still be warned, noted, banned and unbanned: the user options accept anyone by id.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands

from bot.moderation.durations import parse_duration
from bot.moderation.messages import confirmation_prompt
from bot.moderation.model import Action
from bot.moderation.requests import ActionRequest, check_action
from bot.moderation.rules import BAN_DELETE_MAX_DAYS
from cogs._checks import guild_facts, mod_action, person, services
from cogs._mod_group import Subcommand
from cogs._types import Interaction
from cogs.moderation.views import ask_to_confirm

CONFIRM_LABELS = {"kick": "Kick", "ban": "Ban", "tempban": "Ban"}


def _request(
    interaction: Interaction,
    action: Action,
    target: discord.abc.User,
    reason: str,
    **details: Any,
) -> ActionRequest:
    return ActionRequest(
        action=action,
        target=person(target),
        reason=reason,
        moderator=person(interaction.user),
        **details,
    )


def _as_of(button: Interaction, request: ActionRequest) -> ActionRequest:
    """`request` with the moderator and the target as the server knows them at the click."""
    target = button.guild.get_member(request.target.id) if button.guild else None
    return replace(
        request,
        moderator=person(button.user),
        target=person(target) if target else replace(request.target, top_role_position=None),
    )


async def act_now(interaction: Interaction, request: ActionRequest) -> None:
    """Check, then act and answer privately (deferred: DM, Discord and the log take a moment)."""
    facts = guild_facts(interaction)
    check_action(facts, request)
    await interaction.response.defer(ephemeral=True, thinking=True)
    outcome = await services(interaction).moderation.act(facts, request)
    await interaction.followup.send(outcome.reply(), ephemeral=True)


async def act_after_confirming(interaction: Interaction, request: ActionRequest) -> None:
    """Check, ask Confirm/Cancel, and act only on Confirm."""
    facts = guild_facts(interaction)
    check_action(facts, request)
    prompt = confirmation_prompt(
        request.action,
        request.target.name,
        request.reason,
        duration=request.duration,
        delete_days=request.delete_days,
    )

    async def confirmed(button: Interaction) -> str:
        # Roles may have moved since the prompt: the hierarchy is judged as it is at the click.
        now_facts, now_request = guild_facts(button), _as_of(button, request)
        check_action(now_facts, now_request)
        outcome = await services(interaction).moderation.act(now_facts, now_request)
        return outcome.reply()

    label = CONFIRM_LABELS[request.action]
    await ask_to_confirm(
        interaction, prompt, label=label, action=confirmed, permission_of=request.action
    )


@app_commands.command(name="warn")
@app_commands.describe(member="Who to warn (a member, or anyone by user id)", reason="Why")
@mod_action(Action.WARN)
async def warn(interaction: Interaction, member: discord.User, reason: str) -> None:
    """Warn a member: recorded, told by DM, counted by the escalation ladder."""
    await act_now(interaction, _request(interaction, Action.WARN, member, reason))


@app_commands.command(name="note")
@app_commands.describe(member="Who the note is about", reason="The note (optional)")
@mod_action(Action.NOTE)
async def note(interaction: Interaction, member: discord.User, reason: str = "") -> None:
    """Add a note about a member for moderators only; the member is not told."""
    await act_now(interaction, _request(interaction, Action.NOTE, member, reason))


@app_commands.command(name="timeout")
@app_commands.describe(
    member="Who to time out", duration="How long: 10m, 1h30m, 2 days (at most 28 days)"
)
@mod_action(Action.TIMEOUT)
async def timeout(
    interaction: Interaction, member: discord.User, duration: str, reason: str
) -> None:
    """Time a member out (1 minute to 28 days); they are told by DM."""
    length: timedelta = parse_duration(duration, "timeout")
    await act_now(
        interaction, _request(interaction, Action.TIMEOUT, member, reason, duration=length)
    )


@app_commands.command(name="untimeout")
@app_commands.describe(member="Whose timeout to lift")
@mod_action(Action.UNTIMEOUT)
async def untimeout(interaction: Interaction, member: discord.User, reason: str) -> None:
    """Lift a member's timeout early."""
    await act_now(interaction, _request(interaction, Action.UNTIMEOUT, member, reason))


@app_commands.command(name="kick")
@app_commands.describe(member="Who to kick")
@mod_action(Action.KICK)
async def kick(interaction: Interaction, member: discord.User, reason: str) -> None:
    """Kick a member (asks to confirm); they are told by DM first."""
    await act_after_confirming(interaction, _request(interaction, Action.KICK, member, reason))


@app_commands.command(name="ban")
@app_commands.describe(
    member="Who to ban: a member, or anyone by user id (also after they left)",
    delete_days="Days of their messages to delete (0-7)",
)
@mod_action(Action.BAN)
async def ban(
    interaction: Interaction,
    member: discord.User,
    reason: str,
    delete_days: app_commands.Range[int, 0, BAN_DELETE_MAX_DAYS] = 0,
) -> None:
    """Ban someone permanently (asks to confirm); they are told by DM first."""
    request = _request(interaction, Action.BAN, member, reason, delete_days=delete_days)
    await act_after_confirming(interaction, request)


@app_commands.command(name="tempban")
@app_commands.describe(
    member="Who to ban: a member, or anyone by user id",
    duration="How long: 1d, 2 weeks (at most a year)",
)
@mod_action(Action.TEMPBAN)
async def tempban(
    interaction: Interaction, member: discord.User, duration: str, reason: str
) -> None:
    """Ban someone for a while (asks to confirm); the ban ends by itself, even across restarts."""
    length = parse_duration(duration, "tempban")
    await act_after_confirming(
        interaction, _request(interaction, Action.TEMPBAN, member, reason, duration=length)
    )


@app_commands.command(name="unban")
@app_commands.describe(member="Who to unban (by user id: they are not in the server)")
@mod_action(Action.UNBAN)
async def unban(interaction: Interaction, member: discord.User, reason: str) -> None:
    """Lift a ban; the active ban case ends."""
    await act_now(interaction, _request(interaction, Action.UNBAN, member, reason))


COMMANDS: tuple[Subcommand, ...] = (warn, note, timeout, untimeout, kick, ban, tempban, unban)
