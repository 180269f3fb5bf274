"""What members do in the emulated guild: post, reply, edit, delete, run commands, click.

Each action sends the bot the same gateway event Discord would. Commands are built from the
schema the bot synced, so a misspelt option fails here just as Discord would refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.interactions import InteractionRecord, component_ids
from bot.sandbox.emulator.kinds import (
    NESTING,
    CommandType,
    ComponentType,
    InteractionType,
    OptionType,
)
from bot.sandbox.emulator.payloads import JSON, OptionValue
from bot.sandbox.emulator.rules_options import check_option_value
from bot.sandbox.emulator.snowflakes import make_snowflake

if TYPE_CHECKING:
    from bot.moderation.clock import Clock
    from bot.sandbox.emulator.gateway import Gateway
    from bot.sandbox.emulator.messages import MessageStore
    from bot.sandbox.emulator.recorder import Recorder
    from bot.sandbox.emulator.world import World

Asker = tuple[str, str]  # who runs a command (user id) and where (channel id)


class CommandNotFound(LookupError):
    """A test or script named a command or option the bot did not register."""


class MemberActions:
    """Mixed into Emulator: the verbs of tests and of the sandbox prompt."""

    # Set by Emulator.__init__; the actions only read them.
    world: World
    store: MessageStore
    recorder: Recorder
    gateway: Gateway
    clock: Clock
    interactions: dict[str, InteractionRecord]

    # --- messages -------------------------------------------------------------------------
    async def post(
        self,
        author: str,
        channel: str,
        content: str = "",
        *,
        reply_to: JSON | str | None = None,
        attachments: list[str] | None = None,
        at: datetime | None = None,
    ) -> JSON:
        """A member posts (optionally replying to a message); returns the message payload."""
        user_id, channel_id = self.resolve_user(author), self.resolve_channel(channel)
        until = self.world.members[user_id].get("communication_disabled_until")
        if until and datetime.fromisoformat(until) > datetime.now(UTC):
            raise PermissionError(f"{author} is timed out and cannot post")
        body: JSON = {"content": content}
        if reply_to is not None:
            parent_id = reply_to["id"] if isinstance(reply_to, dict) else str(reply_to)
            body["message_reference"] = {"message_id": parent_id, "channel_id": channel_id}
        files = [{"filename": name, "data": b"(attachment)"} for name in attachments or []]
        return await self.store.create(
            channel_id, self.world.author_fields(user_id), body, files=files, at=at
        )

    async def edit(self, message: JSON, content: str) -> JSON:
        """The author edits their message."""
        return await self.store.edit(message, {"content": content})

    async def delete(self, message: JSON) -> None:
        """The author deletes their message."""
        await self.store.delete(message["channel_id"], message["id"])

    # --- application commands ----------------------------------------------------------
    async def slash(
        self, user: str, command: str, where: str = "general", **options: OptionValue
    ) -> InteractionRecord:
        """Run `/command sub` with options, as `user` in channel `where`."""
        data = self._command_data(user, command, options, focused=None, where=where)
        return await self._interact(user, where, InteractionType.APP_COMMAND, data)

    async def autocomplete(
        self,
        user: str,
        command: str,
        focused: str,
        where: str = "general",
        **options: OptionValue,
    ) -> list[JSON]:
        """Type into option `focused`; returns the choices the bot offered."""
        data = self._command_data(user, command, options, focused=focused, where=where)
        record = await self._interact(user, where, InteractionType.AUTOCOMPLETE, data)
        return await record.autocomplete_choices()

    async def context_menu(
        self, user: str, name: str, target: JSON | str, where: str | None = None
    ) -> InteractionRecord:
        """Use a message context menu (target = message) or user menu (target = user)."""
        if isinstance(target, dict):
            command = self._find_command(name, CommandType.MESSAGE_MENU)
            target = self.world.find_message(target["id"]) or target
            data = {
                "name": name,
                "type": CommandType.MESSAGE_MENU,
                "target_id": target["id"],
                "resolved": {"messages": {target["id"]: target}},
            }
            where = where or target["channel_id"]
        else:
            command = self._find_command(name, CommandType.USER_MENU)
            target_id = self.resolve_user(target)
            data = {
                "name": name,
                "type": CommandType.USER_MENU,
                "target_id": target_id,
                "resolved": self._resolved_user(target_id, where or "general"),
            }
        data.update(_identity(command))
        return await self._interact(user, where or "general", InteractionType.APP_COMMAND, data)

    # --- components and modals -----------------------------------------------------------
    async def click(
        self,
        user: str,
        message: JSON,
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
        data = {"custom_id": custom_id, "component_type": ComponentType.BUTTON}
        return await self._interact(
            user, message["channel_id"], InteractionType.COMPONENT, data, message=message
        )

    async def choose(
        self, user: str, message: JSON, custom_id: str, values: list[str]
    ) -> InteractionRecord:
        """Pick values in a select menu."""
        message = self.world.find_message(message["id"]) or message
        data = {
            "custom_id": custom_id,
            "component_type": ComponentType.STRING_SELECT,
            "values": values,
        }
        return await self._interact(
            user, message["channel_id"], InteractionType.COMPONENT, data, message=message
        )

    async def submit_modal(
        self, user: str, shown: InteractionRecord, values: dict[str, str]
    ) -> InteractionRecord:
        """Fill in and submit the modal the bot showed in answer to `shown`."""
        modal = await shown.modal_shown()
        data = {"custom_id": modal["custom_id"], "components": _filled(modal, values)}
        message = shown.payload.get("message")
        return await self._interact(
            user, shown.channel_id, InteractionType.MODAL_SUBMIT, data, message=message
        )

    # --- looking around ------------------------------------------------------------------
    def resolve_user(self, name_or_id: str) -> str:
        return name_or_id if name_or_id in self.world.users else self.world.user_id(name_or_id)

    def resolve_channel(self, name_or_id: str) -> str:
        if name_or_id in self.world.channels or any(
            c["id"] == name_or_id for c in self.world.dm_channels.values()
        ):
            return name_or_id
        return self.world.channel_id(name_or_id)

    def messages_in(self, channel: str) -> list[JSON]:
        """The channel's messages, oldest first."""
        messages = self.world.messages.get(self.resolve_channel(channel), {})
        return sorted(messages.values(), key=lambda m: int(m["id"]))

    def dms(self, user: str) -> list[JSON]:
        """Direct messages the bot sent to a member, oldest first."""
        channel = self.world.dm_channels.get(self.resolve_user(user))
        return self.messages_in(channel["id"]) if channel else []

    def pings(self, message: JSON) -> set[str]:
        """Who a message really notified: {"everyone", "user:ID", "role:ID"}."""
        return self.store.pings.get(message["id"], set())

    async def wait_for_message(
        self,
        channel: str | None = None,
        *,
        predicate: Callable[[JSON], object] | None = None,
        by_bot: bool = True,
        timeout: float = 10.0,
    ) -> JSON:
        """The first message (in `channel`, or anywhere) matching, sent by the bot or a webhook."""

        def find() -> JSON | None:
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
        self, user: str, channel: str, kind: int, data: JSON, message: JSON | None = None
    ) -> InteractionRecord:
        user_id, channel_id = self.resolve_user(user), self.resolve_channel(channel)
        payload = self._interaction_payload(user_id, channel_id, kind, data)
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            self.recorder, payload["id"], payload["token"], kind, user_id, channel_id, payload
        )
        record.created_at = self.clock.now()
        self.interactions[record.id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _interaction_payload(self, user_id: str, channel_id: str, kind: int, data: JSON) -> JSON:
        """INTERACTION_CREATE data: who, where, and what the bot may do there."""
        world = self.world
        return {
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
            "attachment_size_limit": limits.ATTACHMENT_SIZE,
        }

    def _find_command(self, name: str, kind: int) -> JSON:
        for scope in (self.world.guild["id"], None):
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command["type"] == kind:
                    return command
        known = sorted({c["name"] for cs in self.world.commands.values() for c in cs})
        raise CommandNotFound(f"the bot has no command {name!r} (synced: {', '.join(known)})")

    def _command_data(
        self,
        user: str,
        path: str,
        values: dict[str, OptionValue],
        focused: str | None,
        where: str = "general",
    ) -> JSON:
        """The interaction's `data` (`user` runs it in `where`); a value Discord would refuse
        raises 400/50035 (not on autocomplete: the other options hold what was typed so far)."""
        names = path.split()
        command = self._find_command(names[0], CommandType.SLASH)
        data: JSON = {"name": command["name"], "type": CommandType.SLASH, **_identity(command)}
        schema, container = command, data
        for name in names[1:]:
            schema = _option(schema, name, NESTING)
            node = {"name": name, "type": schema["type"], "options": []}
            container.setdefault("options", []).append(node)
            container = node
        resolved: dict[str, JSON] = {}
        asker, leaves = (self.resolve_user(user), self.resolve_channel(where)), []
        for key, value in values.items():
            option = _option(schema, key, None)
            if focused == key:  # what the member is still typing: plain text, nothing resolved
                leaves.append(
                    {"name": key, "type": option["type"], "value": value, "focused": True}
                )
            else:
                leaves.append(self._leaf(option, value, resolved, asker, focused is None))
        _check_required(schema, values, path, focused is not None)
        container["options"] = leaves
        if resolved:
            data["resolved"] = resolved
        return data

    def _leaf(
        self, option: JSON, value: OptionValue, resolved: JSON, asker: Asker, checked: bool
    ) -> JSON:
        """One submitted option as Discord sends it; refused (400/50035) when `checked` and
        its value is one Discord's client would not submit."""
        kind = option["type"]
        sent = self._resolve(kind, value, resolved, asker)
        if checked:
            channel = self.world.channels.get(str(sent)) if kind == OptionType.CHANNEL else None
            check_option_value(option, sent, channel)
        return {"name": option["name"], "type": kind, "value": sent}

    def _resolve(self, kind: int, value: OptionValue, resolved: JSON, asker: Asker) -> OptionValue:
        """A user, channel, role or file named by an option: its id, with the object added to
        `resolved` as Discord sends it (a channel with the invoking member's permissions in it,
        a member with theirs in the channel the command was run in); other values as they are."""
        invoker, where = asker
        text = str(value)
        mentioned_role = kind == OptionType.MENTIONABLE and text in self.world.roles
        if kind in (OptionType.USER, OptionType.MENTIONABLE) and not mentioned_role:
            user_id = self.resolve_user(text)
            for part, entries in self._resolved_user(user_id, where).items():
                resolved.setdefault(part, {}).update(entries)
            return user_id
        if kind == OptionType.CHANNEL:
            channel_id = self.resolve_channel(text)
            permissions = self.world.permissions(invoker, channel_id)
            resolved.setdefault("channels", {})[channel_id] = {
                **self.world.channels[channel_id],
                "permissions": str(permissions.value),
            }
            return channel_id
        if kind == OptionType.ROLE or mentioned_role:
            role_id = text if text in self.world.roles else self.world.role_id(text)
            resolved.setdefault("roles", {})[role_id] = self.world.roles[role_id]
            return role_id
        if kind == OptionType.ATTACHMENT:  # a file name; its bytes are a placeholder
            (attachment,) = self.store.attachments([{"filename": text, "data": b"(file)"}], {})
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return str(attachment["id"])
        return value

    def _resolved_user(self, user_id: str, channel: str) -> JSON:
        resolved: dict[str, JSON] = {"users": {user_id: self.world.users[user_id].payload}}
        if user_id in self.world.members:
            member = self.world.member_with_permissions(user_id, self.resolve_channel(channel))
            resolved["members"] = {user_id: {k: v for k, v in member.items() if k != "user"}}
        return resolved


def _identity(command: JSON) -> JSON:
    """The command's id, and its guild when it was registered for one guild only."""
    identity = {"id": command["id"]}
    if command.get("guild_id"):
        identity["guild_id"] = command["guild_id"]
    return identity


def _option(schema: JSON, name: str, kinds: tuple[int, ...] | None) -> JSON:
    options: list[JSON] = schema.get("options") or []
    for option in options:
        if option["name"] == name and (kinds is None or option["type"] in kinds):
            return option
    valid = [o["name"] for o in options]
    raise CommandNotFound(f"/{schema['name']} has no option {name!r} (it has: {', '.join(valid)})")


def _check_required(schema: JSON, values: JSON, path: str, partial: bool) -> None:
    if partial:
        return
    for option in schema.get("options") or []:
        if option.get("required") and option["name"] not in values:
            raise CommandNotFound(f"/{path} needs option {option['name']!r}")


def _button_by_label(message: JSON, label: str | None) -> str:
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if component.get("label") == label:
                return str(component.get("custom_id", ""))
    raise LookupError(f"no button labelled {label!r}")


def _filled(modal: JSON, values: dict[str, str]) -> list[JSON]:
    """The modal's components as Discord submits them, with the user's values filled in."""
    rows = []
    for row in modal.get("components") or []:
        if row.get("type") == ComponentType.LABEL:  # a label wrapping one component
            rows.append(
                {"type": ComponentType.LABEL, "component": _answer(row["component"], values)}
            )
            continue
        answers = [_answer(c, values) for c in row.get("components") or []]
        rows.append({"type": ComponentType.ACTION_ROW, "components": answers})
    return rows


def _answer(component: JSON, values: dict[str, str]) -> JSON:
    """One submitted component: its type, custom_id and the value typed into it."""
    custom_id = component["custom_id"]
    return {"type": component["type"], "custom_id": custom_id, "value": values.get(custom_id, "")}
