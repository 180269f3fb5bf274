"""Per-guild screening settings: scope, exempt roles, channel modes and thresholds."""

from __future__ import annotations

import aiosqlite

from bot.screening.model import (
    SERVER_WIDE,
    ChannelMode,
    ChannelModeRow,
    PolicyRecords,
    PolicyRow,
    Scope,
    ThresholdRow,
)
from storage.db import transaction, write
from storage.screening import NOW_SQL


class ScreeningPolicyRepository:
    """Reads and changes the screening settings of guilds."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def load(self, guild_id: int) -> PolicyRecords:
        """All settings of a guild; a guild never configured gets the defaults (no rows)."""
        async with self._conn.execute(
            "SELECT * FROM screening_policies WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        policy = (
            PolicyRow(
                row["guild_id"],
                bool(row["enabled"]),
                Scope(row["scope"]),
                row["updated_by"],
                row["updated_at"],
            )
            if row is not None
            else PolicyRow(guild_id, True, Scope.THREADS, None, None)
        )
        return PolicyRecords(
            policy,
            frozenset(await self._column("screening_exempt_roles", "role_id", guild_id)),
            tuple(await self._channel_modes(guild_id)),
            tuple(await self._thresholds(guild_id)),
        )

    async def set_scope(self, guild_id: int, scope: Scope, moderator_id: int) -> None:
        await self._upsert_policy(guild_id, "scope", scope, moderator_id)

    async def set_enabled(self, guild_id: int, enabled: bool, moderator_id: int) -> None:
        await self._upsert_policy(guild_id, "enabled", int(enabled), moderator_id)

    async def set_channel_mode(
        self, guild_id: int, channel_id: int, mode: ChannelMode | None, moderator_id: int
    ) -> None:
        """Screen or exempt a channel; None returns it to the server's scope."""
        if mode is None:
            await write(
                self._conn,
                "DELETE FROM screening_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
        else:
            await write(
                self._conn,
                "INSERT INTO screening_channels (guild_id, channel_id, mode, updated_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET "
                f"mode = excluded.mode, updated_by = excluded.updated_by, updated_at = {NOW_SQL}",
                (guild_id, channel_id, mode, moderator_id),
            )

    async def set_role_exempt(
        self, guild_id: int, role_id: int, exempt: bool, moderator_id: int
    ) -> None:
        if exempt:
            await write(
                self._conn,
                "INSERT OR IGNORE INTO screening_exempt_roles (guild_id, role_id, added_by) "
                "VALUES (?, ?, ?)",
                (guild_id, role_id, moderator_id),
            )
        else:
            await write(
                self._conn,
                "DELETE FROM screening_exempt_roles WHERE guild_id = ? AND role_id = ?",
                (guild_id, role_id),
            )

    async def set_thresholds(
        self,
        guild_id: int,
        label: str,
        flag: float | None,
        hide: float | None,
        moderator_id: int,
        channel_id: int = SERVER_WIDE,
    ) -> None:
        """Set a label's thresholds for the server (or one channel); None means never."""
        await write(
            self._conn,
            "INSERT INTO screening_thresholds (guild_id, channel_id, label, flag, hide, "
            "updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id, label) "
            "DO UPDATE SET flag = excluded.flag, hide = excluded.hide, "
            f"updated_by = excluded.updated_by, updated_at = {NOW_SQL}",
            (guild_id, channel_id, label, flag, hide, moderator_id),
        )

    async def reset_thresholds(
        self, guild_id: int, label: str | None = None, channel_id: int = SERVER_WIDE
    ) -> int:
        """Back to the inherited thresholds (one label or all); returns rows removed."""
        sql = "DELETE FROM screening_thresholds WHERE guild_id = ? AND channel_id = ?"
        params: tuple[object, ...] = (guild_id, channel_id)
        if label is not None:
            sql += " AND label = ?"
            params += (label,)
        async with transaction(self._conn):
            cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def _upsert_policy(self, guild_id: int, column: str, value: object, by: int) -> None:
        await write(
            self._conn,
            f"INSERT INTO screening_policies (guild_id, {column}, updated_by) VALUES (?, ?, ?) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
            f"updated_by = excluded.updated_by, updated_at = {NOW_SQL}",
            (guild_id, value, by),
        )

    async def _column(self, table: str, column: str, guild_id: int) -> list[int]:
        async with self._conn.execute(
            f"SELECT {column} FROM {table} WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            return [int(row[0]) for row in await cursor.fetchall()]

    async def _channel_modes(self, guild_id: int) -> list[ChannelModeRow]:
        async with self._conn.execute(
            "SELECT channel_id, mode FROM screening_channels WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            return [
                ChannelModeRow(row["channel_id"], ChannelMode(row["mode"]))
                for row in await cursor.fetchall()
            ]

    async def _thresholds(self, guild_id: int) -> list[ThresholdRow]:
        async with self._conn.execute(
            "SELECT channel_id, label, flag, hide FROM screening_thresholds WHERE guild_id = ? "
            "ORDER BY channel_id, label",
            (guild_id,),
        ) as cursor:
            return [ThresholdRow(**dict(row)) for row in await cursor.fetchall()]
