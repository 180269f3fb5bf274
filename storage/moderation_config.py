"""Per-guild moderation settings and escalation ladder, read fresh on every use.

Nothing is cached, so a change made with `/mod config` or `/mod ladder` applies to the next
action without a restart. A guild that never changed anything gets the defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

import aiosqlite

from bot.moderation.model import Action, LadderStep, ModConfig
from storage.db import transaction

log = logging.getLogger(__name__)

_SETTABLE_COLUMNS = frozenset(
    {"log_channel_id", "alert_channel_id", "appeal_text", "discussion_starter_role_id"}
)


class ModConfigRepository:
    """Moderator roles, channels, appeal text and the ladder of each guild."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get_config(self, guild_id: int) -> ModConfig:
        """The guild's settings; defaults for a guild that never set any."""
        async with self._conn.execute(
            "SELECT * FROM mod_config WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        roles = await self._role_ids(guild_id)
        if row is None:
            return ModConfig(guild_id=guild_id, moderator_role_ids=roles)
        return ModConfig(
            guild_id=guild_id,
            moderator_role_ids=roles,
            log_channel_id=row["log_channel_id"],
            alert_channel_id=row["alert_channel_id"],
            appeal_text=row["appeal_text"],
            discussion_starter_role_id=row["discussion_starter_role_id"],
            ladder_customised=bool(row["ladder_customised"]),
        )

    async def set_log_channel(self, guild_id: int, channel_id: int | None, by: int) -> ModConfig:
        """Where cases and amendments are posted (None: nowhere)."""
        return await self._set(guild_id, "log_channel_id", channel_id, by)

    async def set_alert_channel(self, guild_id: int, channel_id: int | None, by: int) -> ModConfig:
        """Where the review queue's alerts go (None: nowhere)."""
        return await self._set(guild_id, "alert_channel_id", channel_id, by)

    async def set_appeal_text(self, guild_id: int, text: str | None, by: int) -> ModConfig:
        """How a member can appeal (checked by the core: bot.moderation.model); None: none."""
        return await self._set(guild_id, "appeal_text", text, by)

    async def set_discussion_starter_role(
        self, guild_id: int, role_id: int | None, by: int
    ) -> ModConfig:
        """The role allowed to start film discussions (None: anyone)."""
        return await self._set(guild_id, "discussion_starter_role_id", role_id, by)

    async def set_moderator_roles(
        self, guild_id: int, role_ids: Iterable[int], by: int
    ) -> ModConfig:
        """Replace the moderator roles (empty: fall back to Discord's moderation permission)."""
        async with transaction(self._conn):
            await self._ensure_row(guild_id, by)
            await self._conn.execute("DELETE FROM mod_roles WHERE guild_id = ?", (guild_id,))
            await self._conn.executemany(
                "INSERT INTO mod_roles (guild_id, role_id) VALUES (?, ?)",
                [(guild_id, role_id) for role_id in sorted(set(role_ids))],
            )
        return await self.get_config(guild_id)

    async def get_ladder(self, guild_id: int, default: Sequence[LadderStep]) -> list[LadderStep]:
        """The guild's ladder steps by warning count; `default` until it was customised."""
        config = await self.get_config(guild_id)
        if not config.ladder_customised:
            return sorted(default, key=lambda step: step.warnings)
        async with self._conn.execute(
            "SELECT * FROM mod_ladder_steps WHERE guild_id = ? ORDER BY warnings", (guild_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [_step_from_row(row) for row in rows]

    async def set_ladder(
        self, guild_id: int, steps: Sequence[LadderStep], by: int
    ) -> list[LadderStep]:
        """Replace the guild's ladder (validated by bot.moderation.ladder); empty turns it off."""
        async with transaction(self._conn):
            await self._ensure_row(guild_id, by)
            await self._conn.execute(
                "UPDATE mod_config SET ladder_customised = 1 WHERE guild_id = ?", (guild_id,)
            )
            await self._conn.execute("DELETE FROM mod_ladder_steps WHERE guild_id = ?", (guild_id,))
            await self._conn.executemany(
                "INSERT INTO mod_ladder_steps (guild_id, warnings, window_seconds, action,"
                " duration_seconds) VALUES (?, ?, ?, ?, ?)",
                [_step_to_row(guild_id, step) for step in steps],
            )
        log.info("guild %s ladder set to %d steps by %s", guild_id, len(steps), by)
        return await self.get_ladder(guild_id, ())

    async def reset_ladder(self, guild_id: int, by: int) -> None:
        """Go back to the default ladder."""
        async with transaction(self._conn):
            await self._ensure_row(guild_id, by)
            await self._conn.execute(
                "UPDATE mod_config SET ladder_customised = 0 WHERE guild_id = ?", (guild_id,)
            )
            await self._conn.execute("DELETE FROM mod_ladder_steps WHERE guild_id = ?", (guild_id,))

    async def _set(self, guild_id: int, column: str, value: object, by: int) -> ModConfig:
        if column not in _SETTABLE_COLUMNS:
            raise ValueError(f"not a settable column: {column}")
        async with transaction(self._conn):
            await self._ensure_row(guild_id, by)
            await self._conn.execute(
                f"UPDATE mod_config SET {column} = ?, updated_by = ?,"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE guild_id = ?",
                (value, by, guild_id),
            )
        return await self.get_config(guild_id)

    async def _ensure_row(self, guild_id: int, by: int) -> None:
        await self._conn.execute(
            "INSERT INTO mod_config (guild_id, updated_by) VALUES (?, ?)"
            " ON CONFLICT(guild_id) DO NOTHING",
            (guild_id, by),
        )

    async def _role_ids(self, guild_id: int) -> tuple[int, ...]:
        async with self._conn.execute(
            "SELECT role_id FROM mod_roles WHERE guild_id = ? ORDER BY role_id", (guild_id,)
        ) as cursor:
            return tuple(row["role_id"] for row in await cursor.fetchall())


def _step_from_row(row: aiosqlite.Row) -> LadderStep:
    duration = row["duration_seconds"]
    return LadderStep(
        warnings=row["warnings"],
        window=timedelta(seconds=row["window_seconds"]),
        action=Action(row["action"]),
        duration=None if duration is None else timedelta(seconds=duration),
    )


def _step_to_row(guild_id: int, step: LadderStep) -> tuple[int, int, int, str, int | None]:
    duration = None if step.duration is None else int(step.duration.total_seconds())
    return (guild_id, step.warnings, int(step.window.total_seconds()), step.action, duration)
