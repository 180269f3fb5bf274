"""Discord UI shared by every cog: embeds from core EmbedData, pages with buttons, confirmations.

Views report errors through the bot's one error path (an error id for the unexpected, the
message itself for a UserFacingError).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.render import EmbedData
from cogs._types import Interaction

Page = str | EmbedData
PAGE_TIMEOUT_SECONDS = 600

log = logging.getLogger(__name__)


def to_embed(data: EmbedData, colour: discord.Colour | None = None) -> discord.Embed:
    """A discord.Embed from core embed data (already within Discord's limits)."""
    embed = discord.Embed(
        title=data.title or None,
        description=data.description or None,
        colour=colour or discord.Colour.dark_teal(),
    )
    for field in data.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if data.footer:
        embed.set_footer(text=data.footer)
    if data.thumbnail_url:
        embed.set_thumbnail(url=data.thumbnail_url)
    return embed


def page_kwargs(page: Page) -> dict[str, Any]:
    """send/edit keyword arguments for one page (text or an embed)."""
    if isinstance(page, EmbedData):
        return {"content": None, "embed": to_embed(page)}
    return {"content": page, "embed": None}


class BaseView(discord.ui.View):
    """A view whose errors go through FilmBot.report_error, and that only its owner may use."""

    def __init__(
        self, *, owner_id: int | None = None, timeout: float | None = PAGE_TIMEOUT_SECONDS
    ):
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    # discord.py's View hands its hooks an interaction of any client: Interaction[Any] here.
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if self.owner_id is None or interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to someone else.", ephemeral=True
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await interaction.client.report_error(interaction, error)


class Paginator(BaseView):
    """Previous / Next buttons over pages; only the person who asked can turn them."""

    timeout_seconds: float = PAGE_TIMEOUT_SECONDS

    def __init__(self, pages: Sequence[Page], *, owner_id: int) -> None:
        super().__init__(owner_id=owner_id, timeout=self.timeout_seconds)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.pages = list(pages)
        self.index = 0
        self._edit: Callable[..., Awaitable[object]] | None = None
        self._update_buttons()

    @classmethod
    async def send(
        cls, interaction: Interaction, pages: Sequence[Page], *, ephemeral: bool = True
    ) -> None:
        """Answer the interaction with the first page (and buttons only if there are more)."""
        view = cls(pages, owner_id=interaction.user.id) if len(pages) > 1 else discord.utils.MISSING
        kwargs = {k: v for k, v in page_kwargs(pages[0]).items() if v is not None}
        if interaction.response.is_done():
            sent = await interaction.followup.send(
                **kwargs, view=view, ephemeral=ephemeral, wait=True
            )
            edit: Callable[..., Awaitable[object]] = sent.edit
        else:
            await interaction.response.send_message(**kwargs, view=view, ephemeral=ephemeral)
            edit = interaction.edit_original_response
        if view is not discord.utils.MISSING:
            view._edit = edit

    async def on_timeout(self) -> None:
        """Take the buttons away once they stop answering (the page stays as it is)."""
        if self._edit is None:
            return
        try:
            await self._edit(view=None)
        except discord.HTTPException as error:  # dismissed, deleted, or the token expired
            log.info("could not remove the buttons of an expired page view: %s", error)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    async def _show(self, interaction: Interaction) -> None:
        self._update_buttons()
        await interaction.response.edit_message(**page_kwargs(self.pages[self.index]), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Paginator]
    ) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Paginator]
    ) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Paginator]
    ) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)


Action = Callable[[Interaction], Awaitable[None]]


TIMED_OUT = "Not confirmed in time: nothing was done."
ALREADY_ANSWERED = "This was already answered; nothing more was done."


class Confirm(BaseView):
    """Confirm / Cancel before a drastic action; `on_confirm` answers the button interaction."""

    def __init__(
        self,
        *,
        owner_id: int,
        on_confirm: Action,
        confirm_label: str = "Confirm",
        timeout: float = 120,
    ) -> None:
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.on_confirm = on_confirm
        self.confirm.label = confirm_label
        self._asked: Interaction | None = None
        self._answered = False  # set before any await: a double-click's second press sees it

    async def ask(self, interaction: Interaction, prompt: str) -> None:
        """Show `prompt` with the buttons, privately, to whoever ran the command."""
        self._asked = interaction
        await interaction.response.send_message(prompt, view=self, ephemeral=True)

    async def on_timeout(self) -> None:
        """Nobody answered: say so and take the buttons away, so none is pressed later."""
        if self._asked is None:
            return
        try:
            await self._asked.edit_original_response(content=TIMED_OUT, embed=None, view=None)
        except discord.HTTPException as error:  # the prompt was dismissed meanwhile
            log.info("could not close an unanswered confirmation: %s", error)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Confirm]
    ) -> None:
        if await self._already_answered(interaction):
            return
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Confirm]
    ) -> None:
        if await self._already_answered(interaction):
            return
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled: nothing was done.", embed=None, view=None
        )

    async def _already_answered(self, interaction: discord.Interaction[Any]) -> bool:
        """True (and says so) for a press after the first: both presses of a double-click
        reach the bot before the first one has taken the buttons away."""
        if not self._answered:
            self._answered = True
            return False
        await interaction.response.send_message(ALREADY_ANSWERED, ephemeral=True)
        return True
