"""What members do in the emulated guild: post, reply, edit, delete, run commands, click.

Each action sends the bot the same gateway event Discord would. Commands are built from the
schema the bot synced, so a misspelt option fails here just as Discord would refuse it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.sandbox.emulator.interactions import InteractionRecord, component_ids
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

APP_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUBCOMMAND, GROUP = 1, 2
USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT = 6, 7, 8, 9, 11
SLASH, USER_MENU, MESSAGE_MENU = 1, 2, 3


class CommandNotFound(LookupError):
    """A test or script named a command or option the bot did not register."""


class MemberActions:
    """Mixed into Emulator: the verbs of tests and of the sandbox prompt."""

    # --- messages -------------------------------------------------------------------------
    async def post(
        self: Emulator,
        author: str,
        channel: str,
        content: str = "",
        *,
        reply_to: dict | str | None = None,
        attachments: list[str] | None = None,
        at: datetime | None = None,
    ) -> dict:
        """A member posts (optionally replying to a message); returns the message payload."""
        user_id, channel_id = self.resolve_user(author), self.resolve_channel(channel)
        until = self.world.members[user_id].get("communication_disabled_until")
        if until and datetime.fromisoformat(until) > datetime.now(UTC):
            raise PermissionError(f"{author} is timed out and cannot post")
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            parent_id = reply_to["id"] if isinstance(reply_to, dict) else str(reply_to)
            body["message_reference"] = {"message_id": parent_id, "channel_id": channel_id}
        files = [{"filename": name, "data": b"(attachment)"} for name in attachments or []]
        return await self.store.create(
            channel_id, self.world.author_fields(user_id), body, files=files, at=at
        )

    async def edit(self: Emulator, message: dict, content: str) -> dict:
        """The author edits their message."""
        return await self.store.edit(message, {"content": content})

    async def delete(self: Emulator, message: dict) -> None:
        """The author deletes their message."""
        await self.store.delete(message["channel_id"], message["id"])

    # --- application commands ----------------------------------------------------------
    async def slash(
        self: Emulator, user: str, command: str, where: str = "general", **options: Any
    ) -> InteractionRecord:
        """Run `/command sub` with options, as `user` in channel `where`."""
        data = self._command_data(command, options, focused=None)
        return await self._interact(user, where, APP_COMMAND, data)

    async def autocomplete(
        self: Emulator,
        user: str,
        command: str,
        focused: str,
        where: str = "general",
        **options: Any,
    ) -> list[dict]:
        """Type into option `focused`; returns the choices the bot offered."""
        data = self._command_data(command, options, focused=focused)
        record = await self._interact(user, where, AUTOCOMPLETE, data)
        return await record.autocomplete_choices()

    async def context_menu(
        self: Emulator, user: str, name: str, target: dict | str, where: str | None = None
    ) -> InteractionRecord:
        """Use a message context menu (target = message) or user menu (target = user)."""
        if isinstance(target, dict):
            command = self._find_command(name, MESSAGE_MENU)
            target = self.world.find_message(target["id"]) or target
            data = {
                "name": name,
                "type": MESSAGE_MENU,
                "target_id": target["id"],
                "resolved": {"messages": {target["id"]: target}},
            }
            where = where or target["channel_id"]
        else:
            command = self._find_command(name, USER_MENU)
            target_id = self.resolve_user(target)
            data = {
                "name": name,
                "type": USER_MENU,
                "target_id": target_id,
                "resolved": self._resolved_user(target_id, where or "general"),
            }
        data.update(_identity(command))
        return await self._interact(user, where or "general", APP_COMMAND, data)

    # --- components and modals -----------------------------------------------------------
    async def click(
        self: Emulator,
        user: str,
        message: dict,
        custom_id: str | None = None,
        *,
        label: str | None = None,
    ) -> InteractionRecord:
        """Click a button, found by custom_id or by its label."""
        message = self.world.find_message(message["id"]) or message
        custom_id = custom_id or _button_by_label(message, label)
        if custom_id not in component_ids(message):
            raise LookupError(
                f"no component {custom_id!r} on that message: {component_ids(message)}"
            )
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(user, message["channel_id"], COMPONENT, data, message=message)

    async def choose(
        self: Emulator, user: str, message: dict, custom_id: str, values: list[str]
    ) -> InteractionRecord:
        """Pick values in a select menu."""
        message = self.world.find_message(message["id"]) or message
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._interact(user, message["channel_id"], COMPONENT, data, message=message)

    async def submit_modal(
        self: Emulator, user: str, shown: InteractionRecord, values: dict[str, str]
    ) -> InteractionRecord:
        """Fill in and submit the modal the bot showed in answer to `shown`."""
        modal = await shown.modal_shown()
        data = {"custom_id": modal["custom_id"], "components": _filled(modal, values)}
        message = shown.payload.get("message")
        return await self._interact(user, shown.channel_id, MODAL_SUBMIT, data, message=message)

    # --- looking around ------------------------------------------------------------------
    def resolve_user(self: Emulator, name_or_id: str) -> str:
        return name_or_id if name_or_id in self.world.users else self.world.user_id(name_or_id)

    def resolve_channel(self: Emulator, name_or_id: str) -> str:
        if name_or_id in self.world.channels or any(
            c["id"] == name_or_id for c in self.world.dm_channels.values()
        ):
            return name_or_id
        return self.world.channel_id(name_or_id)

    def messages_in(self: Emulator, channel: str) -> list[dict]:
        """The channel's messages, oldest first."""
        messages = self.world.messages.get(self.resolve_channel(channel), {})
        return sorted(messages.values(), key=lambda m: int(m["id"]))

    def dms(self: Emulator, user: str) -> list[dict]:
        """Direct messages the bot sent to a member, oldest first."""
        channel = self.world.dm_channels.get(self.resolve_user(user))
        return self.messages_in(channel["id"]) if channel else []

    def pings(self: Emulator, message: dict) -> set[str]:
        """Who a message really notified: {"everyone", "user:ID", "role:ID"}."""
        return self.store.pings.get(message["id"], set())

    async def wait_for_message(
        self: Emulator,
        channel: str | None = None,
        *,
        predicate: Any = None,
        by_bot: bool = True,
        timeout: float = 10.0,
    ) -> dict:
        """The first message (in `channel`, or anywhere) matching, sent by the bot or a webhook."""

        def find() -> dict | None:
            channels = [self.resolve_channel(channel)] if channel else list(self.world.messages)
            for channel_id in channels:
                for message in sorted(
                    self.world.messages.get(channel_id, {}).values(), key=lambda m: int(m["id"])
                ):
                    mine = message["author"].get("bot") or message.get("webhook_id")
                    if (not by_bot or mine) and (predicate is None or predicate(message)):
                        return message
            return None

        return await self.recorder.wait_until(find, timeout)

    # --- plumbing -------------------------------------------------------------------------
    async def _interact(
        self: Emulator, user: str, channel: str, kind: int, data: dict, message: dict | None = None
    ) -> InteractionRecord:
        user_id, channel_id = self.resolve_user(user), self.resolve_channel(channel)
        world = self.world
        payload = {
            "id": make_snowflake(),
            "application_id": world.application_id,
            "type": kind,
            "token": f"token-{make_snowflake()}",
            "version": 1,
            "data": data,
            "guild_id": world.guild["id"],
            "channel_id": channel_id,
            "channel": world.channels[channel_id],
            "member": world.member_with_permissions(user_id, channel_id),
            "app_permissions": str(world.permissions(world.bot_user["id"], channel_id).value),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": world.guild["id"]},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            self, payload["id"], payload["token"], kind, user_id, channel_id, payload
        )
        record.created_at = self.now()
        self.interactions[record.id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _find_command(self: Emulator, name: str, kind: int) -> dict:
        for scope in (self.world.guild["id"], None):
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command["type"] == kind:
                    return command
        known = sorted({c["name"] for cs in self.world.commands.values() for c in cs})
        raise CommandNotFound(f"the bot has no command {name!r} (synced: {', '.join(known)})")

    def _command_data(
        self: Emulator, path: str, values: dict[str, Any], focused: str | None
    ) -> dict:
        names = path.split()
        command = self._find_command(names[0], SLASH)
        data: dict[str, Any] = {"name": command["name"], "type": SLASH, **_identity(command)}
        schema, container = command, data
        for name in names[1:]:
            schema = _option(schema, name, (SUBCOMMAND, GROUP))
            node = {"name": name, "type": schema["type"], "options": []}
            container.setdefault("options", []).append(node)
            container = node
        resolved: dict[str, dict] = {}
        leaves = [
            self._leaf(schema, key, value, resolved, focused == key)
            for key, value in values.items()
        ]
        _check_required(schema, values, path, focused is not None)
        container["options"] = leaves
        if resolved:
            data["resolved"] = resolved
        return data

    def _leaf(
        self: Emulator, schema: dict, key: str, value: Any, resolved: dict, focused: bool
    ) -> dict:
        option = _option(schema, key, None)
        kind = option["type"]
        mentioned_role = kind == MENTIONABLE and str(value) in self.world.roles
        if kind in (USER, MENTIONABLE) and not focused and not mentioned_role:
            value = self.resolve_user(str(value))
            for part, entries in self._resolved_user(value, "general").items():
                resolved.setdefault(part, {}).update(entries)
        elif kind == CHANNEL and not focused:
            value = self.resolve_channel(str(value))
            channel = self.world.channels[value]
            resolved.setdefault("channels", {})[value] = {
                **channel,
                "permissions": str(self.world.permissions(self.world.bot_user["id"], value).value),
            }
        elif (kind == ROLE or mentioned_role) and not focused:
            value = self.world.role_id(str(value)) if str(value) not in self.world.roles else value
            resolved.setdefault("roles", {})[value] = self.world.roles[value]
        elif kind == ATTACHMENT and not focused:  # a file name; its bytes are a placeholder
            (attachment,) = self.store._attachments(
                [{"filename": str(value), "data": b"(file)"}], {}
            )
            value = attachment["id"]
            resolved.setdefault("attachments", {})[value] = attachment
        leaf = {"name": key, "type": kind, "value": value}
        if focused:
            leaf["focused"] = True
        return leaf

    def _resolved_user(self: Emulator, user_id: str, channel: str) -> dict:
        resolved: dict[str, dict] = {"users": {user_id: self.world.users[user_id].payload}}
        if user_id in self.world.members:
            member = self.world.member_with_permissions(user_id, self.resolve_channel(channel))
            resolved["members"] = {user_id: {k: v for k, v in member.items() if k != "user"}}
        return resolved


def _identity(command: dict) -> dict:
    """The command's id, and its guild when it was registered for one guild only."""
    identity = {"id": command["id"]}
    if command.get("guild_id"):
        identity["guild_id"] = command["guild_id"]
    return identity


def _option(schema: dict, name: str, kinds: tuple[int, ...] | None) -> dict:
    for option in schema.get("options") or []:
        if option["name"] == name and (kinds is None or option["type"] in kinds):
            return option
    valid = [o["name"] for o in schema.get("options") or []]
    raise CommandNotFound(f"/{schema['name']} has no option {name!r} (it has: {', '.join(valid)})")


def _check_required(schema: dict, values: dict, path: str, partial: bool) -> None:
    if partial:
        return
    for option in schema.get("options") or []:
        if option.get("required") and option["name"] not in values:
            raise CommandNotFound(f"/{path} needs option {option['name']!r}")


def _button_by_label(message: dict, label: str | None) -> str:
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if component.get("label") == label:
                return component.get("custom_id", "")
    raise LookupError(f"no button labelled {label!r}")


def _filled(modal: dict, values: dict[str, str]) -> list[dict]:
    """The modal's components as Discord submits them, with the user's values filled in."""
    rows = []
    for row in modal.get("components") or []:
        if row.get("type") == 18:  # label wrapping one component
            inner = row["component"]
            rows.append(
                {
                    "type": 18,
                    "component": {
                        "type": inner["type"],
                        "custom_id": inner["custom_id"],
                        "value": values.get(inner["custom_id"], ""),
                    },
                }
            )
            continue
        rows.append(
            {
                "type": 1,
                "components": [
                    {
                        "type": c["type"],
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], ""),
                    }
                    for c in row.get("components") or []
                ],
            }
        )
    return rows
