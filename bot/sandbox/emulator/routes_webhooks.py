"""Channel webhooks: create, list, execute under another name, edit and delete their messages.

Interaction follow-ups share the /webhooks/{application id}/{token} path; those are passed on to
routes_interactions.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from bot.sandbox.emulator import routes_interactions as interactions
from bot.sandbox.emulator.rest import ApiError, ApiRequest, router, unknown
from bot.sandbox.emulator.routes_messages import channel_or_404, require
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


@router.route("POST", "/channels/{channel_id}/webhooks")
async def create_webhook(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    channel_or_404(emu, channel_id)
    require(emu, channel_id, "manage_webhooks")
    name = api.json().get("name") or ""
    if not 1 <= len(name) <= 80 or "discord" in name.lower():
        raise ApiError(400, 50035, "Invalid Form Body: name")
    webhook_id = make_snowflake()
    webhook = {
        "id": webhook_id,
        "type": 1,
        "guild_id": emu.world.guild["id"],
        "channel_id": channel_id,
        "name": name,
        "avatar": None,
        "token": secrets.token_urlsafe(24),
        "application_id": emu.world.application_id,
        "user": emu.world.bot_user,
    }
    emu.world.webhooks[webhook_id] = webhook
    await emu.gateway.dispatch(
        "WEBHOOKS_UPDATE", {"guild_id": emu.world.guild["id"], "channel_id": channel_id}
    )
    return webhook


@router.route("GET", "/channels/{channel_id}/webhooks")
async def channel_webhooks(emu: Emulator, api: ApiRequest, channel_id: str) -> list[dict]:
    require(emu, channel_id, "manage_webhooks")
    return [w for w in emu.world.webhooks.values() if w["channel_id"] == channel_id]


@router.route("GET", "/webhooks/{webhook_id}")
async def get_webhook(emu: Emulator, api: ApiRequest, webhook_id: str) -> dict:
    return _webhook(emu, webhook_id)


def _webhook(emu: Emulator, webhook_id: str, token: str | None = None) -> dict:
    webhook = emu.world.webhooks.get(webhook_id)
    if webhook is None or (token is not None and token != webhook["token"]):
        raise unknown("Webhook", 10015)
    return webhook


@router.route("POST", "/webhooks/{webhook_id}/{token}")
async def execute(emu: Emulator, api: ApiRequest, webhook_id: str, token: str) -> dict | None:
    if webhook_id == emu.world.application_id:
        return await interactions.followup(emu, api, token)
    webhook = _webhook(emu, webhook_id, token)
    channel_id = api.query.get("thread_id") or webhook["channel_id"]
    thread = emu.world.channels.get(channel_id)
    if thread is None or (
        channel_id != webhook["channel_id"] and thread.get("parent_id") != webhook["channel_id"]
    ):
        raise unknown("Channel", 10003)
    body = api.json()
    refuse_bad_username(body.get("username"))
    if len(body.get("content") or "") > 2000:
        raise ApiError(400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.")
    author = {
        "id": webhook_id,
        "username": (body.get("username") or webhook["name"])[:80],
        "avatar": None,
        "discriminator": "0000",
        "bot": True,
        "global_name": None,
    }
    message = await emu.store.create(
        channel_id,
        {"author": author},
        body,
        files=api.files,
        extra={"webhook_id": webhook_id, "_avatar_url": body.get("avatar_url")},
    )
    return message if api.query.get("wait") in ("true", "True", "1") else None


def refuse_bad_username(name: str | None) -> None:
    """Discord's rules for the name a webhook posts under (400, 50035, as Discord answers)."""
    if name is None:
        return
    lowered = name.lower()
    if not 1 <= len(name) <= 80 or "clyde" in lowered or "discord" in lowered:
        raise ApiError(400, 50035, "Invalid Form Body: username")
    if lowered in ("everyone", "here"):
        raise ApiError(400, 50035, "Invalid Form Body: username")


@router.route("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}")
async def edit_webhook_message(
    emu: Emulator, api: ApiRequest, webhook_id: str, token: str, message_id: str
) -> dict:
    if webhook_id == emu.world.application_id:
        return await interactions.edit_response(emu, api, token, message_id)
    _webhook(emu, webhook_id, token)
    message = emu.world.find_message(message_id)
    if message is None or message.get("webhook_id") != webhook_id:
        raise unknown("Message", 10008)
    return await emu.store.edit(message, api.json(), files=api.files)


@router.route("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}")
async def get_webhook_message(
    emu: Emulator, api: ApiRequest, webhook_id: str, token: str, message_id: str
) -> dict:
    if webhook_id == emu.world.application_id:
        return interactions.get_response(emu, token, message_id)
    message = emu.world.find_message(message_id)
    if message is None:
        raise unknown("Message", 10008)
    return message


@router.route("DELETE", "/webhooks/{webhook_id}/{token}/messages/{message_id}")
async def delete_webhook_message(
    emu: Emulator, api: ApiRequest, webhook_id: str, token: str, message_id: str
) -> None:
    if webhook_id == emu.world.application_id:
        return await interactions.delete_response(emu, token, message_id)
    _webhook(emu, webhook_id, token)
    message = emu.world.find_message(message_id)
    if message is None:
        raise unknown("Message", 10008)
    await emu.store.delete(message["channel_id"], message_id)
    return None
