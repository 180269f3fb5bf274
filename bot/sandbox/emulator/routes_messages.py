"""Channel messages: send, fetch, history, edit, delete, bulk delete; typing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.sandbox.emulator.rest import ApiError, ApiRequest, missing_permissions, router, unknown
from bot.sandbox.emulator.routes_core import dm_recipient
from bot.sandbox.emulator.snowflakes import snowflake_time

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


def poll_fields(body: dict, files: list[dict]) -> dict | None:
    from bot.sandbox.emulator.routes_polls import poll_fields as fields  # imports this module

    return fields(body, files)


BULK_DELETE_MAX_AGE = timedelta(days=14)


def require(emu: Emulator, channel_id: str | None, *names: str) -> None:
    """403 Missing Permissions unless the bot has every named permission in the channel."""
    perms = emu.world.permissions(emu.world.bot_user["id"], channel_id)
    if not all(getattr(perms, name) for name in names):
        raise missing_permissions()


def channel_or_404(emu: Emulator, channel_id: str) -> dict:
    channel = emu.world.channels.get(channel_id)
    if channel is None:
        for dm in emu.world.dm_channels.values():
            if dm["id"] == channel_id:
                return dm
        raise unknown("Channel", 10003)
    return channel


def message_or_404(emu: Emulator, channel_id: str, message_id: str) -> dict:
    message = emu.world.messages.get(channel_id, {}).get(message_id)
    if message is None:
        raise unknown("Message", 10008)
    return message


@router.route("POST", "/channels/{channel_id}/messages")
async def send_message(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    channel = channel_or_404(emu, channel_id)
    recipient = dm_recipient(emu, channel_id)
    if recipient is not None:
        if emu.world.users[recipient].dms_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        author = {"author": emu.world.bot_user}
    else:
        in_thread = emu.world.is_thread(channel_id)
        require(emu, channel_id, "send_messages_in_threads" if in_thread else "send_messages")
        if channel.get("thread_metadata", {}).get("locked"):
            require(emu, channel_id, "manage_threads")
        author = emu.world.author_fields(emu.world.bot_user["id"])
    body = api.json()
    content = body.get("content") or ""
    if len(content) > 2000:
        raise ApiError(400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.")
    _check_embeds(body.get("embeds") or [])
    poll = poll_fields(body, api.files)  # native polls: routes_polls.py
    return await emu.store.create(channel_id, author, body, files=api.files, extra=poll)


def _check_embeds(embeds: list[dict]) -> None:
    """Reject embeds over Discord's limits, as the real API does."""
    if len(embeds) > 10:
        raise ApiError(400, 50035, "Invalid Form Body: embeds: Must be 10 or fewer in length.")
    total = 0
    for embed in embeds:
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            if len(embed.get(key) or "") > limit:
                raise ApiError(400, 50035, f"Invalid Form Body: embeds.{key} over {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise ApiError(400, 50035, "Invalid Form Body: embeds.fields over 25")
        for field in fields:
            if len(field.get("name") or "") > 256 or len(field.get("value") or "") > 1024:
                raise ApiError(400, 50035, "Invalid Form Body: embeds.fields too long")
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
    if total > 6000:
        raise ApiError(400, 50035, "Invalid Form Body: embeds: total over 6000 characters")


@router.route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> dict:
    return message_or_404(emu, channel_id, message_id)


@router.route("GET", "/channels/{channel_id}/messages")
async def history(emu: Emulator, api: ApiRequest, channel_id: str) -> list[dict]:
    """Newest first, as Discord returns them; honours limit, before and after."""
    channel_or_404(emu, channel_id)
    require(emu, channel_id, "read_message_history")
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
async def edit_message(emu: Emulator, api: ApiRequest, channel_id: str, message_id: str) -> dict:
    message = message_or_404(emu, channel_id, message_id)
    if message["author"]["id"] != emu.world.bot_user["id"]:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    return await emu.store.edit(message, api.json(), files=api.files)


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
    if not 2 <= len(ids) <= 100:
        raise ApiError(400, 50035, "Invalid Form Body: messages: must be 2 to 100 ids")
    now = datetime.now(UTC)
    if any(now - snowflake_time(i) > BULK_DELETE_MAX_AGE for i in ids):
        raise ApiError(400, 50034, "You can only bulk delete messages that are under 14 days old.")
    await emu.store.bulk_delete(channel_id, ids)


@router.route("POST", "/channels/{channel_id}/typing")
async def typing(emu: Emulator, api: ApiRequest, channel_id: str) -> None:
    return None
