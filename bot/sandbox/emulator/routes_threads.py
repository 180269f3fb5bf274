"""Channels and threads: fetch, edit (slowmode, archive, lock), create threads and forum posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.emulator.rest import ApiError, ApiRequest, router
from bot.sandbox.emulator.routes_messages import channel_or_404, message_or_404, require
from bot.sandbox.emulator.snowflakes import iso, make_snowflake
from bot.sandbox.emulator.world import FORUM, PUBLIC_THREAD, THREAD_TYPES

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
THREAD_FIELDS = ("name", "rate_limit_per_user", "applied_tags")
METADATA_FIELDS = ("archived", "locked", "auto_archive_duration", "invitable")


@router.route("GET", "/channels/{channel_id}")
async def get_channel(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    return channel_or_404(emu, channel_id)


@router.route("PATCH", "/channels/{channel_id}")
async def edit_channel(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    channel = channel_or_404(emu, channel_id)
    body = api.json()
    if channel["type"] in THREAD_TYPES:
        require(emu, channel_id, "manage_threads")
        for key in THREAD_FIELDS:
            if key in body:
                channel[key] = body[key]
        _update_metadata(channel, body)
        await emu.gateway.dispatch("THREAD_UPDATE", channel)
    else:
        require(emu, channel_id, "manage_channels")
        for key in (
            "name",
            "topic",
            "rate_limit_per_user",
            "nsfw",
            "default_auto_archive_duration",
        ):
            if key in body:
                channel[key] = body[key]
        await emu.gateway.dispatch("CHANNEL_UPDATE", channel)
    await emu.recorder.notify()
    return channel


def _update_metadata(thread: dict, body: dict) -> None:
    metadata = thread["thread_metadata"]
    if "auto_archive_duration" in body and body["auto_archive_duration"] not in ARCHIVE_DURATIONS:
        raise ApiError(400, 50035, "Invalid Form Body: auto_archive_duration")
    for key in METADATA_FIELDS:
        if key in body:
            metadata[key] = body[key]
    if "archived" in body:
        metadata["archive_timestamp"] = iso()


def new_thread(
    emu: Emulator, parent: dict, body: dict, *, owner_id: str, thread_id: str | None = None
) -> dict:
    """A thread payload under `parent`, registered in the world (not yet dispatched)."""
    duration = body.get("auto_archive_duration") or parent.get(
        "default_auto_archive_duration", 1440
    )
    if duration not in ARCHIVE_DURATIONS:
        raise ApiError(400, 50035, "Invalid Form Body: auto_archive_duration")
    name = (body.get("name") or "").strip()
    if not 1 <= len(name) <= 100:
        raise ApiError(400, 50035, "Invalid Form Body: name: Must be between 1 and 100 in length.")
    thread_id = thread_id or make_snowflake()
    thread = {
        "id": thread_id,
        "guild_id": emu.world.guild["id"],
        "parent_id": parent["id"],
        "owner_id": owner_id,
        "name": name,
        "type": body.get("type") or PUBLIC_THREAD,
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "rate_limit_per_user": body.get("rate_limit_per_user") or 0,
        "flags": 0,
        "applied_tags": [str(t) for t in body.get("applied_tags") or []],
        "permission_overwrites": [],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": duration,
            "archive_timestamp": iso(),
            "locked": False,
            "invitable": body.get("invitable", True),
            "create_timestamp": iso(),
        },
    }
    emu.world.channels[thread_id] = thread
    emu.world.messages[thread_id] = {}
    return thread


@router.route("POST", "/channels/{channel_id}/threads")
async def create_thread(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    parent = channel_or_404(emu, channel_id)
    body = api.json()
    bot_id = emu.world.bot_user["id"]
    if parent["type"] == FORUM:
        require(emu, channel_id, "send_messages")
        if not (body.get("message") or {}).get("content") and not (body.get("message") or {}).get(
            "embeds"
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")
        thread = new_thread(emu, parent, body, owner_id=bot_id)
        await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        starter = await emu.store.create(
            thread["id"],
            emu.world.author_fields(bot_id),
            body["message"],
            files=api.files,
            extra={"id": thread["id"]},
        )
        return {**thread, "message": starter}
    require(emu, channel_id, "create_public_threads")
    thread = new_thread(emu, parent, body, owner_id=bot_id)
    await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return thread


@router.route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(
    emu: Emulator, api: ApiRequest, channel_id: str, message_id: str
) -> dict:
    parent = channel_or_404(emu, channel_id)
    message = message_or_404(emu, channel_id, message_id)
    require(emu, channel_id, "create_public_threads")
    thread = new_thread(
        emu, parent, api.json(), owner_id=emu.world.bot_user["id"], thread_id=message_id
    )
    message["thread"] = thread
    await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return thread


@router.route("PUT", "/channels/{channel_id}/thread-members/@me")
async def join_thread(emu: Emulator, api: ApiRequest, channel_id: str) -> None:
    channel_or_404(emu, channel_id)


@router.route("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(emu: Emulator, api: ApiRequest, guild_id: str) -> dict:
    threads = [
        c
        for c in emu.world.channels.values()
        if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
    ]
    return {"threads": threads, "members": []}


@router.route("GET", "/channels/{channel_id}/threads/archived/public")
async def archived_threads(emu: Emulator, api: ApiRequest, channel_id: str) -> dict:
    threads = [
        c
        for c in emu.world.channels.values()
        if c.get("parent_id") == channel_id and c["thread_metadata"]["archived"]
    ]
    return {"threads": threads, "members": [], "has_more": False}
