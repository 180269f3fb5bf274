"""The review alert's buttons: Approve, Remove, Warn, Timeout 1h.

They are DynamicItems whose custom_id carries the action and the review item's number
(`screening:review:approve:12`), registered when the cog loads, so the buttons of an alert
posted before a restart keep working. Only moderators may press them.
"""

from __future__ import annotations

import discord

from bot.errors import UserFacingError
from bot.moderation.rules import check_moderator
from cogs.moderation.checks import granted

ACTIONS = {
    "approve": ("Approve", discord.ButtonStyle.success),
    "remove": ("Remove", discord.ButtonStyle.danger),
    "warn": ("Warn", discord.ButtonStyle.secondary),
    "timeout": ("Timeout 1h", discord.ButtonStyle.secondary),
}


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"screening:review:(?P<action>approve|remove|warn|timeout):(?P<item>\d+)",
):
    """One of the four decisions on one review item."""

    def __init__(self, action: str, item_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"screening:review:{action}:{item_id}"
            )
        )
        self.action = action
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match
    ) -> ReviewButton:
        return cls(match["action"], int(match["item"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        try:
            await ensure_moderator(interaction)
        except UserFacingError as refused:
            await interaction.response.send_message(refused.message, ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        from cogs.screening.review import decide  # the decisions use the desk, built later

        try:
            await decide(interaction, self.action, self.item_id)
        except Exception as error:  # discord.py only logs a DynamicItem's errors
            await interaction.client.report_error(interaction, error)  # type: ignore[attr-defined]


def review_view(item_id: int) -> discord.ui.View:
    """The four buttons of an open item (a view without timeout: they never expire)."""
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(ReviewButton(action, item_id))
    return view


async def ensure_moderator(interaction: discord.Interaction) -> None:
    """The /mod group's check for buttons: moderator roles, or Timeout Members."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise UserFacingError("Reviews can only be decided inside the server.")
    services = interaction.client.services  # type: ignore[attr-defined]
    config = await services.mod_config.get_config(interaction.guild.id)
    check_moderator(
        config=config,
        role_ids=[role.id for role in interaction.user.roles],
        permissions=granted(interaction.permissions),
        is_owner=interaction.user.id == interaction.guild.owner_id,
    )
