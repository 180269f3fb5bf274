"""Confirmation before drastic moderation (kick, ban, tempban, purge): Confirm / Cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.errors import UserFacingError
from cogs._ui import Confirm

CONFIRM_SECONDS = 120


async def ask_to_confirm(
    interaction: discord.Interaction,
    prompt: str,
    *,
    label: str,
    action: Callable[[], Awaitable[str]],
) -> None:
    """Show `prompt` privately with Confirm/Cancel; on Confirm run `action` and show its text.

    A refusal raised while acting (say the member left meanwhile) replaces the prompt, so
    the buttons never stay behind on a question that has been answered.
    """

    async def on_confirm(button: discord.Interaction) -> None:
        await button.response.defer()
        try:
            text = await action()
        except UserFacingError as refused:
            text = refused.message
        await button.edit_original_response(content=text, view=None)

    view = Confirm(
        owner_id=interaction.user.id,
        on_confirm=on_confirm,
        confirm_label=label,
        timeout=CONFIRM_SECONDS,
    )
    await view.ask(interaction, prompt)
