"""Channel webhooks: create, list, execute under another name, edit and delete their messages.

Interaction follow-ups share the /webhooks/{application id}/{token} path; those are passed on to
routes_interactions.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from bot.sandbox.emulator import routes_interactions as interactions
from bot.sandbox.emulator.kinds import ChannelType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiRequest, router, unknown
from bot.sandbox.emulator.routes_messages import channel_or_404, edit_checked, require
from bot.sandbox.emulator.routes_threads import create_forum_post
from bot.sandbox.emulator.rules import (
    Violation,
    check_webhook_count,
    check_webhook_name,
    visible,
)
from bot.sandbox.emulator.rules_messages import check_message
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


@router.route("POST", "/channels/{channel_id}/webhooks")
async def create_webhook(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    channel_or_404(emu, channel_id)
    require(emu, channel_id, "manage_webhooks")
    name = api.json().get("name") or ""
    check_webhook_name(name)
    check_webhook_count(
        sum(1 for w in emu.world.webhooks.values() if w["channel_id"] == channel_id)
    )
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
async def channel_webhooks(emu: Emulator, api: ApiRequest, channel_id: str) -> list[JSON]:
    require(emu, channel_id, "manage_webhooks")
    return [w for w in emu.world.webhooks.values() if w["channel_id"] == channel_id]


@router.route("GET", "/webhooks/{webhook_id}")
async def get_webhook(emu: Emulator, api: ApiRequest, webhook_id: str) -> JSON:
    return _webhook(emu, webhook_id)


def _webhook(emu: Emulator, webhook_id: str, token: str | None = None) -> JSON:
    webhook = emu.world.webhooks.get(webhook_id)
    if webhook is None or (token is not None and token != webhook["token"]):
        raise unknown("Webhook", 10015)
    return webhook


@router.route("POST", "/webhooks/{webhook_id}/{token}")
async def execute(emu: Emulator, api: ApiRequest, webhook_id: str, token: str) -> JSON | None:
    if webhook_id == emu.world.application_id:
        return await interactions.followup(emu, api, token)
    webhook = _webhook(emu, webhook_id, token)
    body = api.json()
    check_webhook_name(body.get("username"), "username")
    check_message(body, api.files, creating=True)
    author = _webhook_author(webhook, body)
    extra = {"webhook_id": webhook_id, "_avatar_url": body.get("avatar_url")}
    target = _target(emu, webhook, api)
    if target is None:  # a new forum post named by thread_name
        post = {"name": body.get("thread_name"), "applied_tags": body.get("applied_tags")}
        created = await create_forum_post(
            emu,
            emu.world.channels[webhook["channel_id"]],
            {**post, "message": body},
            api.files,
            webhook_id,
            author={"author": author, **extra},
        )
        message: JSON = created["message"]
    else:
        message = await emu.store.create(
            target, {"author": author}, body, files=api.files, extra=extra
        )
    return message if api.query.get("wait") in ("true", "True", "1") else None


def _webhook_author(webhook: JSON, body: JSON) -> JSON:
    """The author of a webhook message: the webhook, under the name the request gave."""
    return {
        "id": webhook["id"],
        "username": visible(body.get("username") or webhook["name"]),
        "avatar": None,
        "discriminator": "0000",
        "bot": True,
        "global_name": None,
    }


def _target(emu: Emulator, webhook: JSON, api: ApiRequest) -> str | None:
    """The channel a webhook message goes to; None for a new forum post (`thread_name`).

    docs: resources/webhook "Execute Webhook": thread_id "Send a message to the specified thread
    within a webhook's channel"; thread_name "Name of thread to create (requires the webhook
    channel to be a forum or media channel)"; JSON error 220001 "Webhooks posted to forum
    channels must have a thread_name or thread_id".
    """
    channel_id = api.query.get("thread_id") or webhook["channel_id"]
    thread = emu.world.channels.get(channel_id)
    if thread is None or (
        channel_id != webhook["channel_id"] and thread.get("parent_id") != webhook["channel_id"]
    ):
        raise unknown("Channel", 10003)
    if thread["type"] == ChannelType.FORUM:
        if api.json().get("thread_name"):
            return None
        raise Violation(
            400, 220001, "Webhooks posted to forum channels must have a thread_name or thread_id"
        )
    return channel_id


@router.route("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}")
async def edit_webhook_message(
    emu: Emulator, api: ApiRequest, webhook_id: str, token: str, message_id: str
) -> JSON:
    if webhook_id == emu.world.application_id:
        return await interactions.edit_response(emu, api, token, message_id)
    _webhook(emu, webhook_id, token)
    message = emu.world.find_message(message_id)
    if message is None or message.get("webhook_id") != webhook_id:
        raise unknown("Message", 10008)
    return await edit_checked(emu, message, api)


@router.route("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}")
async def get_webhook_message(
    emu: Emulator, api: ApiRequest, webhook_id: str, token: str, message_id: str
) -> JSON:
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
