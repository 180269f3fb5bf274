"""The review alert's buttons: Approve, Remove, Warn, Timeout 1h.

They are DynamicItems whose custom_id carries the action and the review item's number
(`screening:review:approve:12`), registered when the cog loads, so the buttons of an alert
posted before a restart keep working. Only moderators may press them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import discord

from bot.moderation.model import Action
from cogs._checks import NotAllowed, ensure_can


class ReviewAction(StrEnum):
    """The four buttons (their value is part of the button's custom_id)."""

    APPROVE = "approve"
    REMOVE = "remove"
    WARN = "warn"
    TIMEOUT = "timeout"


ACTIONS = {
    ReviewAction.APPROVE: ("Approve", discord.ButtonStyle.success),
    ReviewAction.REMOVE: ("Remove", discord.ButtonStyle.danger),
    ReviewAction.WARN: ("Warn", discord.ButtonStyle.secondary),
    ReviewAction.TIMEOUT: ("Timeout 1h", discord.ButtonStyle.secondary),
}
# The moderation action (bot/moderation/rules.py) whose Discord permission each button needs.
PERMISSION_OF = {
    ReviewAction.APPROVE: Action.RESTORE_MESSAGE,
    ReviewAction.REMOVE: Action.REMOVE_MESSAGE,
    ReviewAction.WARN: Action.WARN,
    ReviewAction.TIMEOUT: Action.TIMEOUT,
}


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"screening:review:(?P<action>approve|remove|warn|timeout):(?P<item>\d+)",
):
    """One of the four decisions on one review item."""

    def __init__(self, action: ReviewAction, item_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"screening:review:{action}:{item_id}"
            )
        )
        self.action = action
        self.item_id = item_id

    # discord.py hands a DynamicItem's hooks an interaction of any client: Interaction[Any].
    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(ReviewAction(match["action"]), int(match["item"]))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        try:
            # checked at the click: a moderator who lost the role or permission is refused
            await ensure_can(interaction, PERMISSION_OF[self.action], "Review buttons")
        except NotAllowed as refused:
            await interaction.response.send_message(str(refused), ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        from cogs.screening.review import decide  # the decisions use the desk, built later

        try:
            await decide(interaction, self.action, self.item_id)
        except Exception as error:  # discord.py only logs a DynamicItem's errors
            await interaction.client.report_error(interaction, error)


def review_view(item_id: int) -> discord.ui.View:
    """The four buttons of an open item (a view without timeout: they never expire)."""
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(ReviewButton(action, item_id))
    return view
