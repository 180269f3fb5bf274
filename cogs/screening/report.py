"""The "Report message" context menu: any member sends a message to the review queue.

A modal asks why; reports are limited per member (bot/screening/service.py). The reporter's
name is not shown to the author; the alert shows how many members reported the message.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.errors import InvalidInput
from bot.screening.model import IncomingMessage
from bot.screening.service import REPORT_REASON_MAX
from cogs._types import FilmBot, Interaction
from cogs.messages import context_of
from cogs.screening.events import desk_of, incoming_message


class ReportModal(discord.ui.Modal, title="Report message"):
    """Why the member reports the message."""

    reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
        label="Why should moderators look at it?",
        custom_id="reason",
        style=discord.TextStyle.paragraph,
        max_length=min(REPORT_REASON_MAX, limits.MODAL_TEXT_INPUT),
    )

    def __init__(self, message: IncomingMessage) -> None:
        super().__init__()
        self.message = message

    # discord.py hands a Modal's hooks an interaction of any client: Interaction[Any].
    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        client: FilmBot = interaction.client
        await interaction.response.defer(ephemeral=True, thinking=True)  # the alert is REST work
        if not await _still_there(client, self.message):
            await interaction.followup.send(GONE, ephemeral=True)
            return
        _, item = await client.services.screening.report_message(
            self.message, interaction.user.id, self.reason.value
        )
        await desk_of(client).raise_alert(item, [])  # journaled: a crash is finished later
        await interaction.followup.send(
            f"Thank you: the moderators will look at it (review #{item.id}). "
            "The author is not told who reported it.",
            ephemeral=True,
        )

    async def on_error(  # type: ignore[override]  # as discord.py's Modal: no item argument
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await interaction.client.report_error(interaction, error)


GONE = (
    "That message was deleted before your report was sent, so there is nothing left for the "
    "moderators to review. Nothing was reported."
)


async def _still_there(client: FilmBot, message: IncomingMessage) -> bool:
    """Re-read the message from Discord at submit: the form may stay open for minutes. What the
    bot stored of a deleted message stays for moderators; only no new item is opened."""
    channel = client.get_partial_messageable(message.channel_id, guild_id=message.guild_id)
    try:
        await channel.fetch_message(message.message_id)
    except discord.NotFound:
        return False
    except discord.Forbidden:  # the bot can't re-read history here: report what the menu saw
        return True
    return True


@app_commands.context_menu(name="Report message")
@app_commands.guild_only()
async def report_message(interaction: Interaction, message: discord.Message) -> None:
    """Send a member's message to the moderators' review queue, with a reason."""
    if message.author.bot or message.webhook_id is not None:
        raise InvalidInput("Only members' messages can be reported.")
    context = await context_of(interaction.client, message, message.channel)
    incoming = incoming_message(message, context.film_id, context.place.parent_id)
    await interaction.client.services.screening.check_can_report(incoming, interaction.user.id)
    await interaction.response.send_modal(ReportModal(incoming))
