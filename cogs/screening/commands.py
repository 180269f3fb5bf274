"""/mod screening status | scope | threshold | reset-thresholds | exempt-role | channel, and
/mod queue. Moderators can look; changing the policy needs Manage Server (like /mod config).
Every answer is private. Changes apply to the next message (the policy cache is dropped).
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot.errors import InvalidInput
from bot.render import EmbedData
from bot.screening.model import ChannelMode, Scope
from bot.screening.policy import parse_label, parse_threshold
from bot.screening.results import LABELS
from bot.screening.review_text import queue_pages, status_embed
from bot.text import escape_markdown
from cogs._checks import (
    check_bot_can,
    ensure_can_make_bot_remove,
    guild_id_of,
    moderator_only,
    server_manager_only,
    services,
)
from cogs._mod_group import Subcommand
from cogs._types import Interaction
from cogs._ui import Paginator, to_embed
from cogs.screening.events import desk_of

group = app_commands.Group(name="screening", description="Toxicity screening of messages")
QUEUE_LIMIT = 200
LABEL_CHOICES = [app_commands.Choice(name=label.replace("_", " "), value=label) for label in LABELS]
AnyChannel = discord.TextChannel | discord.ForumChannel | discord.Thread


async def status_data(interaction: Interaction) -> EmbedData:
    """The status embed: backend and why, scope, exemptions, thresholds, alert channel."""
    svc = services(interaction)
    guild_id = guild_id_of(interaction)
    policy = await svc.screening.policy(guild_id)
    config = await svc.moderation.config.get(guild_id)
    pending = await svc.screening.pending_reviews(guild_id, limit=QUEUE_LIMIT)
    return status_embed(
        policy,
        backend=svc.screening_backend,
        alert_channel_id=config.alert_channel_id,
        unscreened=await svc.screening.count_unscreened(),
        pending=len(pending),
    )


async def _answer(interaction: Interaction, heading: str | None) -> None:
    embed = to_embed(await status_data(interaction))
    await interaction.response.send_message(heading, embed=embed, ephemeral=True)


@group.command(name="status")
@moderator_only()
async def status(interaction: Interaction) -> None:
    """Show the screening backend (and why), scope, exemptions, thresholds and alert channel."""
    await _answer(interaction, None)


@group.command(name="scope")
@app_commands.describe(scope="Where messages are screened (channels set to screen always are)")
@moderator_only()
@server_manager_only()
async def scope(
    interaction: Interaction, scope: Literal["threads", "channels", "everywhere", "off"]
) -> None:
    """Screen film discussion threads, chosen channels only, every channel, or nothing."""
    chosen = None if scope == "off" else Scope(scope)
    if chosen is not None:
        ensure_can_make_bot_remove(interaction, "turn screening on or widen it")
    await services(interaction).screening.set_scope(
        guild_id_of(interaction), chosen, interaction.user.id
    )
    await _answer(interaction, f"Screening scope: **{scope}**.")


@group.command(name="threshold")
@app_commands.describe(
    label="The score label",
    flag="Score from which a message goes to review (0.8, 80%, or never)",
    hide="Score from which a message is hidden at once (0.93, 93%, or never)",
    channel="Only in this channel (and its threads); empty: the whole server",
)
@app_commands.choices(label=LABEL_CHOICES)
@moderator_only()
@server_manager_only()
async def threshold(
    interaction: Interaction,
    label: str,
    flag: str | None = None,
    hide: str | None = None,
    channel: AnyChannel | None = None,
) -> None:
    """Set a label's flag and/or hide threshold for the server or one channel."""
    label = parse_label(label)
    if hide is not None and parse_threshold(hide, "hide") is not None:
        ensure_can_make_bot_remove(interaction, "set a hide threshold")
    await services(interaction).screening.change_thresholds(
        guild_id_of(interaction),
        label,
        flag,
        hide,
        interaction.user.id,
        channel_id=channel.id if channel is not None else None,
    )
    where = f" in {channel.mention}" if channel is not None else ""
    await _answer(interaction, f"Thresholds for **{label}**{where} set.")


@group.command(name="reset-thresholds")
@app_commands.describe(label="One label (empty: all)", channel="One channel (empty: the server)")
@app_commands.choices(label=LABEL_CHOICES)
@moderator_only()
@server_manager_only()
async def reset_thresholds(
    interaction: Interaction, label: str | None = None, channel: AnyChannel | None = None
) -> None:
    """Go back to the inherited thresholds (server settings, then the defaults)."""
    ensure_can_make_bot_remove(interaction, "reset thresholds (it may bring back a hide one)")
    removed = await services(interaction).screening.reset_thresholds(
        guild_id_of(interaction),
        parse_label(label) if label else None,
        channel.id if channel is not None else None,
    )
    if not removed:
        raise InvalidInput("Nothing to reset: those thresholds were not changed.")
    await _answer(interaction, f"{removed} threshold setting(s) reset.")


@group.command(name="exempt-role")
@app_commands.describe(role="A role whose members are not screened", exempt="False: screen again")
@moderator_only()
@server_manager_only()
async def exempt_role(interaction: Interaction, role: discord.Role, exempt: bool = True) -> None:
    """Exempt a role's members from screening (or screen them again)."""
    if not exempt:
        ensure_can_make_bot_remove(interaction, "screen an exempt role again")
    await services(interaction).screening.set_role_exempt(
        guild_id_of(interaction), role.id, exempt, interaction.user.id
    )
    state = "exempt from screening" if exempt else "screened again"
    await _answer(interaction, f"**{escape_markdown(role.name)}** members are {state}.")


@group.command(name="channel")
@app_commands.describe(
    channel="A channel, forum or thread (threads follow their channel unless set)",
    mode="screen: always; exempt: never; default: follow the server's scope",
)
@moderator_only()
@server_manager_only()
async def channel_mode(
    interaction: Interaction,
    channel: AnyChannel,
    mode: Literal["screen", "exempt", "default"],
) -> None:
    """Always screen a channel, exempt it, or let it follow the server's scope."""
    chosen = None if mode == "default" else ChannelMode(mode)
    if chosen is ChannelMode.SCREEN:
        ensure_can_make_bot_remove(interaction, "make a channel always screened")
        check_bot_can(interaction, channel, SCREENING_NEEDS, "screen")
    await services(interaction).screening.set_channel_mode(
        guild_id_of(interaction), channel.id, chosen, interaction.user.id
    )
    await _answer(interaction, f"{channel.mention}: **{mode}**.")


# What screening a channel takes: reading its messages and hiding the ones it must.
SCREENING_NEEDS = {"view_channel": "View Channel", "manage_messages": "Manage Messages"}


@app_commands.command(name="queue")
@app_commands.describe(item="A review number: show that item with its buttons")
@moderator_only()
async def queue(interaction: Interaction, item: int | None = None) -> None:
    """List the review queue (pending first), or show one item with its buttons."""
    svc = services(interaction)
    if item is not None:
        await show_item(interaction, item)
        return
    items = await svc.screening.pending_reviews(guild_id_of(interaction), limit=QUEUE_LIMIT)
    total = f"{len(items)}+" if len(items) >= QUEUE_LIMIT else str(len(items))
    await Paginator.send(interaction, queue_pages(items, total))


async def show_item(interaction: Interaction, item_id: int) -> None:
    svc = services(interaction)
    item = await svc.screening.review_item(item_id, guild_id_of(interaction))
    embed, view = await desk_of(interaction.client).render(item, [])
    await interaction.response.send_message(
        embed=embed, view=view or discord.utils.MISSING, ephemeral=True
    )


COMMANDS: tuple[Subcommand, ...] = (queue,)
