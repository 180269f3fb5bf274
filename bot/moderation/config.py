"""A server's moderation settings and escalation ladder, as the cogs read and change them.

Reached as `services.moderation.config`. Nothing is cached: every read goes to the database,
so a change made with `/mod config` or `/mod ladder` applies to the next action.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.moderation.ladder import DEFAULT_LADDER
from bot.moderation.model import LadderStep, ModConfig, check_appeal_text
from bot.text import clean_typed
from storage.moderation_config import ModConfigRepository


class ModerationConfig:
    """Moderator roles, the log and alert channels, the appeal text and the ladder."""

    def __init__(self, repository: ModConfigRepository) -> None:
        self._repo = repository

    async def get(self, guild_id: int) -> ModConfig:
        """The server's settings; the defaults for a server that never set any."""
        return await self._repo.get_config(guild_id)

    async def ladder(self, guild_id: int) -> list[LadderStep]:
        """The server's ladder steps by warning count; the default ladder until customised."""
        return await self._repo.get_ladder(guild_id, DEFAULT_LADDER)

    async def set_ladder(
        self, guild_id: int, steps: Sequence[LadderStep], by: int
    ) -> list[LadderStep]:
        """Replace the ladder (steps checked by bot.moderation.ladder); empty turns it off."""
        return await self._repo.set_ladder(guild_id, steps, by)

    async def reset_ladder(self, guild_id: int, by: int) -> None:
        """Go back to the default ladder."""
        await self._repo.reset_ladder(guild_id, by)

    async def set_log_channel(self, guild_id: int, channel_id: int | None, by: int) -> ModConfig:
        """Where cases and amendments are posted (None: nowhere)."""
        return await self._repo.set_log_channel(guild_id, channel_id, by)

    async def set_alert_channel(self, guild_id: int, channel_id: int | None, by: int) -> ModConfig:
        """Where the review queue's alerts go (None: nowhere)."""
        return await self._repo.set_alert_channel(guild_id, channel_id, by)

    async def set_appeal_text(self, guild_id: int, text: str | None, by: int) -> ModConfig:
        """How a member can appeal, quoted in every DM; empty or None (or only hidden
        characters) removes it."""
        cleaned = check_appeal_text(clean_typed(text or ""))
        return await self._repo.set_appeal_text(guild_id, cleaned, by)

    async def set_moderator_roles(
        self, guild_id: int, role_ids: Iterable[int], by: int
    ) -> ModConfig:
        """Replace the moderator roles (empty: Discord's moderation permission decides)."""
        return await self._repo.set_moderator_roles(guild_id, role_ids, by)
