"""The guild, its members, timeouts, kicks and bans, with Discord's hierarchy rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiRequest, missing_permissions, router, unknown
from bot.sandbox.emulator.routes_messages import require
from bot.sandbox.emulator.rules import form_error
from bot.sandbox.emulator.snowflakes import snowflake_time

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

MAX_TIMEOUT = timedelta(days=limits.TIMEOUT_MAX_DAYS)


def member_or_404(emu: Emulator, user_id: str) -> JSON:
    member = emu.world.members.get(user_id)
    if member is None:
        raise unknown("Member", 10007)
    return member


def require_above(emu: Emulator, user_id: str, permission: str) -> None:
    """The bot needs the permission and a top role above the target's; nobody acts on the owner."""
    require(emu, None, permission)
    world = emu.world
    if user_id == world.guild["owner_id"]:
        raise missing_permissions()
    if user_id in world.members and (
        world.top_role_position(user_id) >= world.top_role_position(world.bot_user["id"])
    ):
        raise missing_permissions()


def check_timeout_end(emu: Emulator, end: datetime) -> None:
    """docs: resources/guild "Modify Guild Member": communication_disabled_until "when the
    user's timeout will expire and the user will be able to communicate in the guild again (up
    to 28 days in the future)" - measured when the request arrives, with no slack."""
    if end - emu.now() > MAX_TIMEOUT:
        raise form_error(
            "communication_disabled_until",
            f"timeout cannot be longer than {limits.TIMEOUT_MAX_DAYS} days",
        )


@router.route("GET", "/guilds/{guild_id}")
async def get_guild(emu: Emulator, api: ApiRequest, guild_id: str) -> JSON:
    return emu.world.guild_payload()


@router.route("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> JSON:
    return member_or_404(emu, user_id)


@router.route("GET", "/guilds/{guild_id}/members")
async def list_members(emu: Emulator, api: ApiRequest, guild_id: str) -> list[JSON]:
    return list(emu.world.members.values())


@router.route("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> JSON:
    member = member_or_404(emu, user_id)
    body = api.json()
    if "communication_disabled_until" in body:
        require_above(emu, user_id, "moderate_members")
        if emu.world.permissions(user_id).administrator:
            raise missing_permissions()
        until = body["communication_disabled_until"]
        if until is not None:
            check_timeout_end(emu, datetime.fromisoformat(until))
        member["communication_disabled_until"] = until
    if "nick" in body:
        member["nick"] = body["nick"]
    if "roles" in body:
        require_above(emu, user_id, "manage_roles")
        member["roles"] = [str(r) for r in body["roles"]]
    await emu.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member, "guild_id": emu.world.guild["id"]})
    await emu.recorder.notify()
    return member


@router.route("DELETE", "/guilds/{guild_id}/members/{user_id}")
async def kick(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> None:
    member_or_404(emu, user_id)
    require_above(emu, user_id, "kick_members")
    await _remove_member(emu, user_id)


async def _remove_member(emu: Emulator, user_id: str) -> None:
    member = emu.world.members.pop(user_id, None)
    if member is not None:
        await emu.gateway.dispatch(
            "GUILD_MEMBER_REMOVE",
            {
                "guild_id": emu.world.guild["id"],
                "user": member["user"],
            },
        )
    await emu.recorder.notify()


@router.route("PUT", "/guilds/{guild_id}/bans/{user_id}")
async def ban(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> None:
    if user_id not in emu.world.users:
        raise unknown("User", 10013)
    require_above(emu, user_id, "ban_members")
    # discord.py sends it as a query parameter; the API documents a JSON field: accept both.
    seconds = int(
        api.json().get("delete_message_seconds") or api.query.get("delete_message_seconds") or 0
    )
    if not 0 <= seconds <= limits.BAN_DELETE_MAX_SECONDS:
        raise form_error(
            "delete_message_seconds", f"must be between 0 and {limits.BAN_DELETE_MAX_SECONDS}"
        )
    user = emu.world.users[user_id].payload
    emu.world.bans[user_id] = {"user": user, "reason": api.reason}
    await _delete_recent_messages(emu, user_id, seconds)
    await emu.gateway.dispatch("GUILD_BAN_ADD", {"guild_id": emu.world.guild["id"], "user": user})
    await _remove_member(emu, user_id)


async def _delete_recent_messages(emu: Emulator, user_id: str, seconds: int) -> None:
    if not seconds:
        return
    since = datetime.now(UTC) - timedelta(seconds=seconds)
    for channel_id, messages in list(emu.world.messages.items()):
        doomed = [
            m["id"]
            for m in messages.values()
            if m["author"]["id"] == user_id and snowflake_time(m["id"]) >= since
        ]
        for message_id in doomed:
            await emu.store.delete(channel_id, message_id)


@router.route("DELETE", "/guilds/{guild_id}/bans/{user_id}")
async def unban(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> None:
    require(emu, None, "ban_members")
    entry = emu.world.bans.pop(user_id, None)
    if entry is None:
        raise unknown("Ban", 10026)
    await emu.gateway.dispatch(
        "GUILD_BAN_REMOVE", {"guild_id": emu.world.guild["id"], "user": entry["user"]}
    )
    await emu.recorder.notify()


@router.route("GET", "/guilds/{guild_id}/bans/{user_id}")
async def get_ban(emu: Emulator, api: ApiRequest, guild_id: str, user_id: str) -> JSON:
    entry = emu.world.bans.get(user_id)
    if entry is None:
        raise unknown("Ban", 10026)
    return entry


@router.route("GET", "/guilds/{guild_id}/roles")
async def list_roles(emu: Emulator, api: ApiRequest, guild_id: str) -> list[JSON]:
    return list(emu.world.roles.values())
