"""Creating, editing and deleting messages, with the gateway events Discord would send.

Also works out who a message would really ping, honouring `allowed_mentions` as Discord does,
so tests can assert that the bot never pings anyone it was not asked to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.sandbox.emulator.kinds import EPHEMERAL, MessageType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.snowflakes import iso, make_snowflake

if TYPE_CHECKING:
    from datetime import datetime

    from bot.sandbox.emulator.server import Emulator

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(everyone|here)")


@dataclass
class SentFile:
    attachment_id: str
    filename: str
    data: bytes


@dataclass
class MessageStore:
    emu: Emulator
    pings: dict[str, set[str]] = field(default_factory=dict)
    deleted: dict[str, JSON] = field(default_factory=dict)
    files: dict[str, SentFile] = field(default_factory=dict)
    # Called with ("create" | "edit" | "delete", message): the sandbox prints its transcript from these.
    listeners: list[Callable[[str, JSON], None]] = field(default_factory=list)

    def _tell(self, kind: str, message: JSON) -> None:
        for listener in self.listeners:
            listener(kind, message)

    async def create(
        self,
        channel_id: str,
        author: JSON,
        body: JSON,
        *,
        files: list[JSON] | None = None,
        extra: JSON | None = None,
        at: datetime | None = None,
        dispatch: bool = True,
    ) -> JSON:
        """Store a message as Discord would and send MESSAGE_CREATE (ephemeral ones are kept
        aside and never dispatched)."""
        world = self.emu.world
        message = self._new_message(channel_id, author, body, files or [], extra or {}, at)
        if channel_id in world.channels and world.channels[channel_id].get("guild_id"):
            message["guild_id"] = world.guild["id"]
        self._attach_reference(message, body.get("message_reference"))
        self._apply_mentions(message, body.get("allowed_mentions"))
        if int(body.get("flags") or 0) & EPHEMERAL:
            world.ephemeral[message["id"]] = message
            self._tell("create", message)
            return message
        world.messages.setdefault(channel_id, {})[message["id"]] = message
        self._count_in_channel(channel_id, message)
        self._tell("create", message)
        if dispatch:
            await self.emu.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    def _new_message(
        self,
        channel_id: str,
        author: JSON,
        body: JSON,
        files: list[JSON],
        extra: JSON,
        at: datetime | None,
    ) -> JSON:
        return {
            "id": make_snowflake(at),
            "channel_id": channel_id,
            "type": MessageType.DEFAULT,
            "content": body.get("content") or "",
            "timestamp": iso(at),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments(files, body),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "flags": int(body.get("flags") or 0),
            **author,
            **extra,
        }

    def _count_in_channel(self, channel_id: str, message: JSON) -> None:
        """The channel's last message, and a thread's message count and the message's position."""
        channel = self.emu.world.channels.get(channel_id)
        if channel is None:
            return
        channel["last_message_id"] = message["id"]
        if "message_count" in channel:
            message["position"] = channel["message_count"]
            channel["message_count"] += 1
            channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1

    async def edit(self, message: JSON, body: JSON, *, files: list[JSON] | None = None) -> JSON:
        """Apply an edit (content, embeds, components, flags) and send MESSAGE_UPDATE."""
        empty = {"content": "", "embeds": [], "components": [], "flags": message["flags"]}
        for key, cleared in empty.items():
            if key in body:  # null clears a field, as on Discord
                message[key] = cleared if body[key] is None else body[key]
        if files or "attachments" in body:
            message["attachments"] = self.attachments(files or [], body)
        message["edited_timestamp"] = iso()
        if "allowed_mentions" in body or "content" in body:
            self._apply_mentions(message, body.get("allowed_mentions"))
        self._tell("edit", message)
        if not message["flags"] & EPHEMERAL:
            await self.emu.gateway.dispatch("MESSAGE_UPDATE", message)
        await self.emu.recorder.notify()
        return message

    async def delete(self, channel_id: str, message_id: str) -> JSON:
        """Remove a message and send MESSAGE_DELETE; the emulator keeps a copy for tests."""
        message = self.emu.world.messages.get(channel_id, {}).pop(message_id, None)
        if message is None:
            message = self.emu.world.ephemeral.pop(message_id, None)
            if message is None:
                from bot.sandbox.emulator.rest import unknown

                raise unknown("Message", 10008)
            return message
        self.deleted[message_id] = message
        self._forget_references(message_id)
        self._tell("delete", message)
        payload = {"id": message_id, "channel_id": channel_id}
        if "guild_id" in message:
            payload["guild_id"] = message["guild_id"]
        await self.emu.gateway.dispatch("MESSAGE_DELETE", payload)
        await self.emu.recorder.notify()
        return message

    async def bulk_delete(self, channel_id: str, message_ids: list[str]) -> None:
        channel_messages = self.emu.world.messages.get(channel_id, {})
        for message_id in message_ids:
            message = channel_messages.pop(message_id, None)
            if message is not None:
                self.deleted[message_id] = message
                self._forget_references(message_id)
                self._tell("delete", message)
        await self.emu.gateway.dispatch(
            "MESSAGE_DELETE_BULK",
            {
                "ids": message_ids,
                "channel_id": channel_id,
                "guild_id": self.emu.world.guild["id"],
            },
        )
        await self.emu.recorder.notify()

    # --- details --------------------------------------------------------------------------
    def _attach_reference(self, message: JSON, reference: JSON | None) -> None:
        if not reference or not reference.get("message_id"):
            return
        parent_id = str(reference["message_id"])
        parent = self.emu.world.find_message(parent_id)
        message["type"] = MessageType.REPLY
        message["message_reference"] = {
            "type": 0,
            "message_id": parent_id,
            "channel_id": str(reference.get("channel_id") or message["channel_id"]),
            "guild_id": self.emu.world.guild["id"],
        }
        message["referenced_message"] = _without_reference(parent) if parent else None

    def _forget_references(self, message_id: str) -> None:
        # Discord reports a deleted parent as null; discord.py turns that into DeletedReferencedMessage.
        for channel_messages in self.emu.world.messages.values():
            for message in channel_messages.values():
                ref = message.get("referenced_message")
                if ref and ref.get("id") == message_id:
                    message["referenced_message"] = None

    def _apply_mentions(self, message: JSON, allowed: JSON | None) -> None:
        content = message["content"]
        users = set(USER_MENTION.findall(content))
        roles = set(ROLE_MENTION.findall(content))
        everyone = bool(EVERYONE.search(content))
        pings: set[str] = set()
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        allowed_users = set(map(str, (allowed or {}).get("users", [])))
        allowed_roles = set(map(str, (allowed or {}).get("roles", [])))
        pings |= {f"user:{u}" for u in users if "users" in parse or u in allowed_users}
        pings |= {f"role:{r}" for r in roles if "roles" in parse or r in allowed_roles}
        if everyone and "everyone" in parse:
            pings.add("everyone")
        parent = message.get("referenced_message")
        replied_user = True if allowed is None else bool(allowed.get("replied_user", False))
        if parent and replied_user:
            pings.add(f"user:{parent['author']['id']}")
        world = self.emu.world
        message["mentions"] = [
            world.users[p[5:]].payload
            for p in pings
            if p.startswith("user:") and p[5:] in world.users
        ]
        message["mention_roles"] = [p[5:] for p in pings if p.startswith("role:")]
        message["mention_everyone"] = "everyone" in pings
        self.pings[message["id"]] = pings

    def attachments(self, files: list[JSON], body: JSON) -> list[JSON]:
        attachments = []
        for index, file in enumerate(files):
            attachment_id = make_snowflake()
            self.files[attachment_id] = SentFile(attachment_id, file["filename"], file["data"])
            attachments.append(
                {
                    "id": attachment_id,
                    "filename": file["filename"],
                    "size": len(file["data"]),
                    "url": f"https://cdn.example.invalid/attachments/{attachment_id}/{file['filename']}",
                    "proxy_url": f"https://media.example.invalid/{attachment_id}/{file['filename']}",
                    "content_type": _guess_type(file["filename"]),
                    "description": _describe(body, index),
                }
            )
        return attachments


def _without_reference(message: JSON) -> JSON:
    return {k: v for k, v in message.items() if k != "referenced_message"}


def _guess_type(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()
    return {
        "html": "text/html",
        "json": "application/json",
        "md": "text/markdown",
        "txt": "text/plain",
        "png": "image/png",
    }.get(ext, "application/octet-stream")


def _describe(body: JSON, index: int) -> str | None:
    """The description the body's `attachments` give file number `index`."""
    for attachment in body.get("attachments") or []:
        if str(attachment.get("id")) == str(index):
            description = attachment.get("description")
            return None if description is None else str(description)
    return None
