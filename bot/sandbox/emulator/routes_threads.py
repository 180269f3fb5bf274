"""Channels and threads: fetch, edit (slowmode, archive, lock), create threads and forum posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.kinds import THREAD_TYPES, ChannelType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiRequest, router
from bot.sandbox.emulator.routes_messages import channel_or_404, message_or_404, require
from bot.sandbox.emulator.rules import (
    check_forum_tags,
    check_not_archived,
    check_thread_type,
    form_error,
)
from bot.sandbox.emulator.rules_messages import check_message
from bot.sandbox.emulator.snowflakes import iso, make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

THREAD_FIELDS = ("name", "rate_limit_per_user", "applied_tags")
*_shorter, _longest = limits.THREAD_ARCHIVE_MINUTES
ARCHIVE_DURATIONS_TEXT = f"must be {', '.join(map(str, _shorter))} or {_longest}"
METADATA_FIELDS = ("archived", "locked", "auto_archive_duration", "invitable")


@router.route("GET", "/channels/{channel_id}")
async def get_channel(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    return channel_or_404(emu, channel_id)


@router.route("PATCH", "/channels/{channel_id}")
async def edit_channel(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    channel = channel_or_404(emu, channel_id)
    body = api.json()
    if channel["type"] in THREAD_TYPES:
        _require_thread_edit(emu, channel, body)
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


def _require_thread_edit(emu: Emulator, thread: JSON, body: JSON) -> None:
    """docs: resources/channel "Modify Channel" (thread): "When setting archived to false, when
    locked is also false, only the SEND_MESSAGES permission is required. Otherwise, requires the
    MANAGE_THREADS permission." An archived thread accepts only that unarchiving edit (50083)."""
    metadata = thread["thread_metadata"]
    unarchiving = body.get("archived") is False and metadata["archived"]
    if not unarchiving:
        check_not_archived(thread)
    only_unarchiving = set(body) <= {"archived", "locked", "auto_archive_duration"}
    if unarchiving and only_unarchiving and not metadata.get("locked") and not body.get("locked"):
        require(emu, thread["id"], "send_messages")
        return
    require(emu, thread["id"], "manage_threads")


def _update_metadata(thread: JSON, body: JSON) -> None:
    metadata = thread["thread_metadata"]
    if (
        "auto_archive_duration" in body
        and body["auto_archive_duration"] not in limits.THREAD_ARCHIVE_MINUTES
    ):
        raise form_error("auto_archive_duration", ARCHIVE_DURATIONS_TEXT)
    for key in METADATA_FIELDS:
        if key in body:
            metadata[key] = body[key]
    if "archived" in body:
        metadata["archive_timestamp"] = iso()


def new_thread(
    emu: Emulator, parent: JSON, body: JSON, *, owner_id: str, thread_id: str | None = None
) -> JSON:
    """A thread payload under `parent`, registered in the world (not yet dispatched)."""
    duration = body.get("auto_archive_duration") or parent.get(
        "default_auto_archive_duration", 1440
    )
    if duration not in limits.THREAD_ARCHIVE_MINUTES:
        raise form_error("auto_archive_duration", ARCHIVE_DURATIONS_TEXT)
    name = (body.get("name") or "").strip()
    if not 1 <= len(name) <= limits.THREAD_NAME:
        raise form_error("name", f"Must be between 1 and {limits.THREAD_NAME} in length.")
    thread_id = thread_id or make_snowflake()
    thread = _thread_payload(emu, parent, body, thread_id, owner_id, name, duration)
    emu.world.channels[thread_id] = thread
    emu.world.messages[thread_id] = {}
    return thread


def _thread_payload(
    emu: Emulator,
    parent: JSON,
    body: JSON,
    thread_id: str,
    owner_id: str,
    name: str,
    duration: int,
) -> JSON:
    return {
        "id": thread_id,
        "guild_id": emu.world.guild["id"],
        "parent_id": parent["id"],
        "owner_id": owner_id,
        "name": name,
        "type": body.get("type") or _default_type(parent),
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


def _default_type(parent: JSON) -> int:
    return (
        ChannelType.ANNOUNCEMENT_THREAD
        if parent["type"] == ChannelType.ANNOUNCEMENT
        else ChannelType.PUBLIC_THREAD
    )


@router.route("POST", "/channels/{channel_id}/threads")
async def create_thread(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    parent = channel_or_404(emu, channel_id)
    body = api.json()
    if parent["type"] == ChannelType.FORUM:
        return await create_forum_post(emu, parent, body, api.files, emu.world.bot_user["id"])
    require(emu, channel_id, "view_channel", "create_public_threads")
    check_thread_type(parent, body.get("type") or ChannelType.PRIVATE_THREAD, from_message=False)
    thread = new_thread(emu, parent, body, owner_id=emu.world.bot_user["id"])
    await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return thread


async def create_forum_post(
    emu: Emulator,
    forum: JSON,
    body: JSON,
    files: list[JSON],
    author_id: str,
    author: JSON | None = None,
) -> JSON:
    """A forum post: the thread and its starter message (the bot's, or a webhook's `author`).

    docs: resources/channel "Start Thread in Forum or Media Channel": "Creates a new thread in
    a forum or a media channel, and sends a message within the created thread"; message "contents
    of the first message in the forum/media thread" (the message rules apply to it).
    """
    require(emu, forum["id"], "view_channel", "send_messages")
    message = body.get("message") or {}
    check_message(message, files, creating=True)
    can_moderate = emu.world.permissions(emu.world.bot_user["id"], forum["id"]).manage_threads
    applied = [str(t) for t in body.get("applied_tags") or []]
    check_forum_tags(forum, applied, can_moderate=can_moderate)
    thread = new_thread(emu, forum, body, owner_id=author_id)
    await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    starter = await emu.store.create(
        thread["id"],
        author or emu.world.author_fields(author_id),
        message,
        files=files,
        extra={"id": thread["id"]},
    )
    return {**thread, "message": starter}


@router.route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(
    emu: Emulator, api: ApiRequest, channel_id: str, message_id: str
) -> JSON:
    """docs: "Start Thread from Message": on a GUILD_ANNOUNCEMENT channel it creates an
    ANNOUNCEMENT_THREAD, on a GUILD_TEXT channel a PUBLIC_THREAD."""
    parent = channel_or_404(emu, channel_id)
    message = message_or_404(emu, channel_id, message_id)
    require(emu, channel_id, "view_channel", "create_public_threads")
    body = {**api.json(), "type": _default_type(parent)}
    thread = new_thread(emu, parent, body, owner_id=emu.world.bot_user["id"], thread_id=message_id)
    message["thread"] = thread
    await emu.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return thread


@router.route("DELETE", "/channels/{channel_id}")
async def delete_channel(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    """docs: resources/channel "Delete/Close Channel": "Requires the MANAGE_CHANNELS permission
    for the guild, or MANAGE_THREADS if the channel is a thread"; fires Channel Delete (Thread
    Delete for threads) and returns the channel."""
    channel = channel_or_404(emu, channel_id)
    thread = channel["type"] in THREAD_TYPES
    require(emu, channel_id, "manage_threads" if thread else "manage_channels")
    emu.world.channels.pop(channel_id)
    emu.world.messages.pop(channel_id, None)
    if thread:
        payload = {k: channel[k] for k in ("id", "guild_id", "parent_id", "type")}
        await emu.gateway.dispatch("THREAD_DELETE", payload)
    else:
        await emu.gateway.dispatch("CHANNEL_DELETE", channel)
    await emu.recorder.notify()
    return channel


@router.route("PUT", "/channels/{channel_id}/thread-members/@me")
async def join_thread(emu: Emulator, api: ApiRequest, channel_id: str) -> None:
    channel_or_404(emu, channel_id)


@router.route("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(emu: Emulator, api: ApiRequest, guild_id: str) -> JSON:
    threads = [
        c
        for c in emu.world.channels.values()
        if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
    ]
    return {"threads": threads, "members": []}


@router.route("GET", "/channels/{channel_id}/threads/archived/public")
async def archived_threads(emu: Emulator, api: ApiRequest, channel_id: str) -> JSON:
    threads = [
        c
        for c in emu.world.channels.values()
        if c.get("parent_id") == channel_id and c["thread_metadata"]["archived"]
    ]
    return {"threads": threads, "members": [], "has_more": False}
