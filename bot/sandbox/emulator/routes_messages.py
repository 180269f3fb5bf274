"""Channel messages: send, fetch, history, edit, delete, bulk delete; typing."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.kinds import EPHEMERAL
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiError, ApiRequest, missing_permissions, router, unknown
from bot.sandbox.emulator.routes_core import dm_recipient
from bot.sandbox.emulator.rules import Violation, check_not_archived, form_error
from bot.sandbox.emulator.rules_messages import check_edit_not_empty, check_message
from bot.sandbox.emulator.snowflakes import snowflake_time

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


def poll_fields(body: JSON, files: list[JSON]) -> JSON | None:
    from bot.sandbox.emulator.routes_polls import poll_fields as fields  # imports this module

    return fields(body, files)


BULK_DELETE_MAX_AGE = timedelta(days=limits.BULK_DELETE_MAX_AGE_DAYS)
EDITABLE = ("content", "embeds", "components", "attachments", "poll")


def require(emu: Emulator, channel_id: str | None, *names: str) -> None:
    """403 Missing Permissions unless the bot has every named permission in the channel."""
    perms = emu.world.permissions(emu.world.bot_user["id"], channel_id)
    if not all(getattr(perms, name) for name in names):
        raise missing_permissions()


def channel_or_404(emu: Emulator, channel_id: str) -> JSON:
    channel = emu.world.channels.get(channel_id)
    if channel is None:
        for dm in emu.world.dm_channels.values():
            if dm["id"] == channel_id:
                return dm
        raise unknown("Channel", 10003)
    return channel


def message_or_404(emu: Emulator, channel_id: str, message_id: str) -> JSON:
    message = emu.world.messages.get(channel_id, {}).get(message_id)
    if message is None:
        raise unknown("Message", 10008)
    return message


@router.route("POST", "/channels/{channel_id}/messages")
async def send_message(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    channel = channel_or_404(emu, channel_id)
    body = api.json()
    check_message(body, api.files, creating=True)
    recipient = dm_recipient(emu, channel_id)
    if recipient is not None:
        check_can_dm(emu, recipient)
        author = {"author": emu.world.bot_user}
    else:
        in_thread = emu.world.is_thread(channel_id)
        require(emu, channel_id, "view_channel")
        require(emu, channel_id, "send_messages_in_threads" if in_thread else "send_messages")
        metadata = channel.get("thread_metadata") or {}
        if metadata.get("locked"):
            require(emu, channel_id, "manage_threads")
        if api.files:
            require(emu, channel_id, "attach_files")
        body = _without_embeds_unless_allowed(emu, channel_id, body)
        if metadata.get("archived"):  # a message to an unlocked archived thread unarchives it
            metadata["archived"] = False
            await emu.gateway.dispatch("THREAD_UPDATE", channel)
        author = emu.world.author_fields(emu.world.bot_user["id"])
    poll = poll_fields(body, api.files)  # native polls: routes_polls.py
    return await emu.store.create(channel_id, author, body, files=api.files, extra=poll)


def check_can_dm(emu: Emulator, user_id: str) -> None:
    """DMs reach only users who share a server with the bot and accept DMs; never bots.

    docs: topics/opcodes-and-status-codes 50007 "Cannot send messages to this user";
    resources/user "Create DM": "You should not use this endpoint to DM everyone in a server
    about something. DMs should generally be initiated by a user action"; a bot can only DM
    users it shares a guild with, and bots cannot DM other bots.
    """
    state = emu.world.users[user_id]
    if state.dms_closed or state.payload.get("bot") or user_id not in emu.world.members:
        raise ApiError(403, 50007, "Cannot send messages to this user")


def _without_embeds_unless_allowed(emu: Emulator, channel_id: str, body: JSON) -> JSON:
    """Without Embed Links a bot's embeds are dropped, and an embed-only message refused
    (discord/discord-api-docs#2601; permissions "EMBED_LINKS: Links sent by users with this
    permission will be auto-embedded")."""
    if (
        not body.get("embeds")
        or emu.world.permissions(emu.world.bot_user["id"], channel_id).embed_links
    ):
        return body
    if not body.get("content"):
        raise missing_permissions()
    return {**body, "embeds": []}


@router.route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> JSON:
    """docs: resources/message "Get Channel Message": "If operating on a guild channel, this
    endpoint requires the READ_MESSAGE_HISTORY permission to be present on the current user"."""
    if channel_id in emu.world.channels:
        require(emu, channel_id, "view_channel", "read_message_history")
    return message_or_404(emu, channel_id, message_id)


@router.route("GET", "/channels/{channel_id}/messages")
async def history(emu: Emulator, api: ApiRequest, channel_id: str) -> list[JSON]:
    """Newest first, as Discord returns them; honours limit, before and after."""
    channel_or_404(emu, channel_id)
    require(emu, channel_id, "view_channel", "read_message_history")
    messages = sorted(emu.world.messages.get(channel_id, {}).values(), key=lambda m: int(m["id"]))
    if "before" in api.query:
        messages = [m for m in messages if int(m["id"]) < int(api.query["before"])]
    if "after" in api.query:
        messages = [m for m in messages if int(m["id"]) > int(api.query["after"])]
        limit = int(api.query.get("limit", 50))
        return list(reversed(messages[:limit]))
    limit = int(api.query.get("limit", 50))
    return list(reversed(messages[-limit:]))


@router.route("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> JSON:
    message = message_or_404(emu, channel_id, message_id)
    if message["author"]["id"] != emu.world.bot_user["id"]:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    return await edit_checked(emu, message, api)


async def edit_checked(emu: Emulator, message: JSON, api: ApiRequest) -> JSON:
    """An edit on any route: the body's limits, not in an archived thread, never left empty."""
    body = api.json()
    check_message(body, api.files, creating=False)
    if not int(message.get("flags") or 0) & EPHEMERAL:
        check_not_archived(emu.world.channels.get(message["channel_id"], {}))
    after = {key: body[key] if key in body else message.get(key) for key in EDITABLE}
    if not (api.files or "attachments" in body):
        after["attachments"] = message.get("attachments")
    check_edit_not_empty(after)
    return await emu.store.edit(message, body, files=api.files)


@router.route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> None:
    message = message_or_404(emu, channel_id, message_id)
    if message["author"]["id"] != emu.world.bot_user["id"]:
        require(emu, channel_id, "manage_messages")
    await emu.store.delete(channel_id, message_id)


@router.route("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(emu: Emulator, api: ApiRequest, channel_id: str) -> None:
    require(emu, channel_id, "manage_messages")
    ids = [str(i) for i in api.json().get("messages", [])]
    if not 2 <= len(ids) <= limits.BULK_DELETE_MAX_MESSAGES:
        raise form_error("messages", f"must be 2 to {limits.BULK_DELETE_MAX_MESSAGES} ids")
    if len(set(ids)) != len(ids):  # docs: "Any message IDs given that do not exist or are
        raise form_error("messages", "duplicate message ids")  # invalid will count ... duplicates
    now = emu.now()
    if any(now - snowflake_time(i) > BULK_DELETE_MAX_AGE for i in ids):
        raise Violation(
            400,
            50034,
            "You can only bulk delete messages that are under"
            f" {limits.BULK_DELETE_MAX_AGE_DAYS} days old.",
        )
    await emu.store.bulk_delete(channel_id, ids)


@router.route("POST", "/channels/{channel_id}/typing")
async def typing(emu: Emulator, api: ApiRequest, channel_id: str) -> None:
    return None
