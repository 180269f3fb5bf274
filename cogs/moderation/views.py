"""Confirmation before drastic moderation (kick, ban, tempban, purge): Confirm / Cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.errors import UserFacingError
from bot.moderation.model import Action
from cogs._checks import NotAllowed, ensure_can
from cogs._types import Interaction
from cogs._ui import Confirm

CONFIRM_SECONDS = 120


async def ask_to_confirm(
    interaction: Interaction,
    prompt: str,
    *,
    label: str,
    action: Callable[[Interaction], Awaitable[str]],
    permission_of: Action,
) -> None:
    """Show `prompt` privately with Confirm/Cancel; on Confirm run `action(button)` and show
    its text (`button` is the click, so the action can read the server as it is then).

    At the click the presser must still be a moderator holding the permission that
    `permission_of` (an action, e.g. "ban") needs: a role lost since the prompt counts.
    A refusal, or one raised while acting (say the member left meanwhile), replaces the
    prompt, so the buttons never stay behind on a question that has been answered.
    """

    async def on_confirm(button: Interaction) -> None:
        await button.response.defer()
        try:
            await ensure_can(button, permission_of, "Moderation buttons")
            text = await action(button)
        except (UserFacingError, NotAllowed) as refused:
            text = getattr(refused, "message", None) or str(refused)
        await button.edit_original_response(content=text, view=None)

    view = Confirm(
        owner_id=interaction.user.id,
        on_confirm=on_confirm,
        confirm_label=label,
        timeout=CONFIRM_SECONDS,
    )
    await view.ask(interaction, prompt)
