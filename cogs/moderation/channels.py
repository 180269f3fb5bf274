"""/mod purge, lock, unlock: actions on a channel or thread, each recorded as a case."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import InvalidInput
from bot.moderation.messages import confirmation_prompt, purge_summary
from bot.moderation.model import Action, check_reason
from bot.moderation.purge import plan_purge
from bot.moderation.rules import PURGE_MAX, check_bot_permissions, check_purge_count
from bot.text import clean_typed, escape_markdown
from cogs._checks import guild_facts, mod_action, person, services
from cogs._mod_group import Subcommand
from cogs._types import Interaction
from cogs.moderation.views import ask_to_confirm


@app_commands.command(name="purge")
@app_commands.describe(
    count=f"How many of the latest messages to look at (1-{PURGE_MAX:,})",
    member="Only delete this member's messages among them",
)
@mod_action(Action.PURGE)
async def purge(
    interaction: Interaction,
    count: app_commands.Range[int, 1, PURGE_MAX],
    reason: str,
    member: discord.User | None = None,
) -> None:
    """Delete recent messages here (asks to confirm); messages 14+ days old are skipped."""
    facts = guild_facts(interaction)
    check_purge_count(count)
    reason = check_reason(clean_typed(reason))
    check_bot_permissions(Action.PURGE, facts.bot_permissions)
    channel = interaction.channel
    if not isinstance(channel, discord.abc.Messageable) or interaction.guild is None:
        raise InvalidInput("Use /mod purge in a server channel or thread.")
    name = member.display_name if member else ""
    prompt = confirmation_prompt("purge", name, reason, purge_count=count)

    async def confirmed(_button: Interaction) -> str:
        messages = [
            message
            async for message in channel.history(limit=count)
            if member is None or message.author.id == member.id
        ]
        plan = plan_purge(
            [(m.id, m.created_at) for m in messages], services(interaction).clock.now()
        )
        case = await services(interaction).moderation.purge(
            facts,
            plan,
            channel_id=channel.id,
            moderator=person(interaction.user),
            reason=reason,
            member=person(member) if member else None,
            jump_url=channel.jump_url,
        )
        return f"Case #{case.number}: " + purge_summary(len(plan.deletable), len(plan.skipped))

    await ask_to_confirm(
        interaction, prompt, label="Delete", action=confirmed, permission_of=Action.PURGE
    )


async def _set_locked(interaction: Interaction, locked: bool, reason: str) -> None:
    facts = guild_facts(interaction)
    action = Action.LOCK if locked else Action.UNLOCK
    reason = check_reason(clean_typed(reason))
    thread = interaction.channel
    if not isinstance(thread, discord.Thread):
        raise InvalidInput(f"Use /mod {action} inside the thread you want to {action}.")
    if thread.locked == locked:
        raise InvalidInput(f"This thread is already {action}ed.")
    check_bot_permissions(action, facts.bot_permissions)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before REST (rate limits)
    case = await services(interaction).moderation.set_thread_locked(
        facts,
        thread_id=thread.id,
        locked=locked,
        moderator=person(interaction.user),
        reason=reason,
        jump_url=thread.jump_url,
    )
    await interaction.followup.send(
        f"Case #{case.number}: **{escape_markdown(thread.name)}** is {action}ed.", ephemeral=True
    )


@app_commands.command(name="lock")
@mod_action(Action.LOCK)
async def lock(interaction: Interaction, reason: str) -> None:
    """Lock this thread: only moderators can post in it until it is unlocked."""
    await _set_locked(interaction, True, reason)


@app_commands.command(name="unlock")
@mod_action(Action.UNLOCK)
async def unlock(interaction: Interaction, reason: str) -> None:
    """Unlock this thread so members can post again."""
    await _set_locked(interaction, False, reason)


COMMANDS: tuple[Subcommand, ...] = (purge, lock, unlock)
