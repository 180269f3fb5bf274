"""Users, the application, DMs and application commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.emulator.kinds import ChannelType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiRequest, router, unknown
from bot.sandbox.emulator.rules_commands import check_commands
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


@router.route("GET", "/users/@me")
async def current_user(emu: Emulator, api: ApiRequest) -> JSON:
    return emu.world.bot_user


@router.route("GET", "/users/{user_id}")
async def get_user(emu: Emulator, api: ApiRequest, user_id: str) -> JSON:
    state = emu.world.users.get(user_id)
    if state is None:
        raise unknown("User", 10013)
    return state.payload


@router.route("GET", "/oauth2/applications/@me")
async def application_info(emu: Emulator, api: ApiRequest) -> JSON:
    owner = emu.world.users[emu.world.guild["owner_id"]].payload
    return {
        "id": emu.world.application_id,
        "name": "FilmBot",
        "icon": None,
        "description": "A film club bot (emulated)",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "summary": "",
        "verify_key": "00",
        "team": None,
        "flags": 0,
        "tags": [],
        "bot": emu.world.bot_user,
    }


@router.route("POST", "/users/@me/channels")
async def open_dm(emu: Emulator, api: ApiRequest) -> JSON:
    recipient = str(api.json().get("recipient_id"))
    state = emu.world.users.get(recipient)
    if state is None:
        raise unknown("User", 10013)
    channel = emu.world.dm_channels.get(recipient)
    if channel is None:
        channel = {
            "id": make_snowflake(),
            "type": ChannelType.DM,
            "recipients": [state.payload],
            "last_message_id": None,
            "flags": 0,
        }
        emu.world.dm_channels[recipient] = channel
        emu.world.messages[channel["id"]] = {}
    return channel


def dm_recipient(emu: Emulator, channel_id: str) -> str | None:
    for user_id, channel in emu.world.dm_channels.items():
        if channel["id"] == channel_id:
            return user_id
    return None


# --- application commands -------------------------------------------------------------------
def _store_commands(emu: Emulator, guild_id: str | None, payloads: list[JSON]) -> list[JSON]:
    stored = []
    previous = {c["name"]: c for c in emu.world.commands.get(guild_id, [])}
    for payload in payloads:
        command_id = previous.get(payload["name"], {}).get("id") or make_snowflake()
        stored.append(
            {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **payload,
                "id": command_id,
                "application_id": emu.world.application_id,
                "version": make_snowflake(),
                **({"guild_id": guild_id} if guild_id else {}),
            }
        )
    check_commands(stored)
    emu.world.commands[guild_id] = stored
    return stored


@router.route("PUT", "/applications/{app_id}/commands")
async def sync_global(emu: Emulator, api: ApiRequest, app_id: str) -> list[JSON]:
    return _store_commands(emu, None, api.json_list())


@router.route("PUT", "/applications/{app_id}/guilds/{guild_id}/commands")
async def sync_guild(emu: Emulator, api: ApiRequest, app_id: str, guild_id: str) -> list[JSON]:
    return _store_commands(emu, guild_id, api.json_list())


@router.route("GET", "/applications/{app_id}/commands")
async def list_global(emu: Emulator, api: ApiRequest, app_id: str) -> list[JSON]:
    return emu.world.commands.get(None, [])


@router.route("GET", "/applications/{app_id}/guilds/{guild_id}/commands")
async def list_guild(emu: Emulator, api: ApiRequest, app_id: str, guild_id: str) -> list[JSON]:
    return emu.world.commands.get(guild_id, [])
