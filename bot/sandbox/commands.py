"""A typed slash command checked and converted the way Discord's client does it.

`/mod purge count:2 reason:"spoilers"` becomes the command path and options of the declared
types (an integer 2, not the text "2"). Whatever Discord's client would not send - a group
without its subcommand, an unknown or missing option, a value of the wrong type or out of
range - raises `CommandHint` with a one-line hint, and nothing reaches the bot.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.kinds import NESTING, THREAD_TYPES, ChannelType, OptionType
from bot.sandbox.emulator.payloads import JSON, OptionValue

if TYPE_CHECKING:
    from bot.sandbox.emulator import World

TRUE, FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
CHANNEL_KINDS = {
    ChannelType.TEXT: "text channel",
    ChannelType.VOICE: "voice channel",
    ChannelType.CATEGORY: "category",
    ChannelType.ANNOUNCEMENT: "announcement channel",
    ChannelType.ANNOUNCEMENT_THREAD: "thread",
    ChannelType.PUBLIC_THREAD: "thread",
    ChannelType.PRIVATE_THREAD: "thread",
    ChannelType.FORUM: "forum",
}


class CommandHint(ValueError):
    """Why Discord's client would not send this command, in one line."""


@dataclass
class TypedCommand:
    path: str  # "mod purge"
    options: dict[str, OptionValue] = field(default_factory=dict)
    schema: JSON = field(default_factory=dict)  # the subcommand's (or command's) schema


def parse_command(text: str, commands: list[JSON], world: World) -> TypedCommand:
    """Check and convert `text` (without the leading /) against the synced `commands`."""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise CommandHint(f"could not read that command ({error}): close your quotes") from None
    if not words:
        raise CommandHint("type a command after /, e.g. /about")
    typed, rest = _command_path(words, commands)
    for word in rest:
        _add_option(typed, word, world)
    _check_required(typed)
    return typed


def _command_path(words: list[str], commands: list[JSON]) -> tuple[TypedCommand, list[str]]:
    """The command and subcommands the first words name; the words left are its options."""
    slash = [c for c in commands if c.get("type", 1) == 1]
    schema = next((c for c in slash if c["name"] == words[0].lower()), None)
    if schema is None:
        names = ", ".join(sorted(f"/{c['name']}" for c in slash))
        raise CommandHint(f"there is no command /{words[0]}; the bot has: {names}")
    path, rest = [schema["name"]], words[1:]
    while _subcommands(schema):
        choices = _subcommands(schema)
        if not rest or ":" in rest[0]:
            listed = ", ".join(f"/{' '.join(path)} {c['name']}" for c in choices)
            raise CommandHint(f"/{' '.join(path)} needs a subcommand: {listed}")
        schema = next((c for c in choices if c["name"] == rest[0].lower()), None)
        if schema is None:
            listed = ", ".join(c["name"] for c in choices)
            raise CommandHint(f"/{' '.join(path)} has no subcommand {rest[0]!r}: try {listed}")
        path.append(schema["name"])
        rest = rest[1:]
    return TypedCommand(" ".join(path), schema=schema), rest


def _check_required(typed: TypedCommand) -> None:
    missing = [
        o["name"]
        for o in typed.schema.get("options") or []
        if o.get("required") and o["name"] not in typed.options
    ]
    if missing:
        needed = " ".join(f"{name}:…" for name in missing)
        raise CommandHint(f"/{typed.path} needs {', '.join(missing)}: add {needed}")


def _subcommands(schema: JSON) -> list[JSON]:
    return [o for o in schema.get("options") or [] if o["type"] in NESTING]


def _add_option(typed: TypedCommand, word: str, world: World) -> None:
    name, colon, value = word.partition(":")
    options = typed.schema.get("options") or []
    if not colon:
        raise CommandHint(f"{word!r} is not an option: write name:value ({_listing(options)})")
    option = next((o for o in options if o["name"] == name.lower()), None)
    if option is None:
        raise CommandHint(f"/{typed.path} has no option {name!r}; it has {_listing(options)}")
    if option["name"] in typed.options:
        raise CommandHint(f"{option['name']} is given twice")
    typed.options[option["name"]] = convert(option, value, world)


def _listing(options: list[JSON]) -> str:
    if not options:
        return "no options"
    return ", ".join(o["name"] + (" (required)" if o.get("required") else "") for o in options)


def convert(option: JSON, value: str, world: World) -> OptionValue:
    """The typed text as the option's declared type; CommandHint when it is not one."""
    name, kind = option["name"], option["type"]
    if option.get("choices"):
        return _choice(option, value)
    if kind in (OptionType.INTEGER, OptionType.NUMBER):
        return _number(option, value)
    if kind == OptionType.BOOLEAN:
        if value.lower() in TRUE + FALSE:
            return value.lower() in TRUE
        raise CommandHint(f"{name} must be true or false, not {value!r}")
    if kind in (OptionType.USER, OptionType.MENTIONABLE):
        return _user_or_role(option, value, world)
    if kind == OptionType.CHANNEL:
        return _channel(option, value, world)
    if kind == OptionType.ROLE:
        return _role(name, value, world)
    if kind == OptionType.ATTACHMENT:
        if not value:
            raise CommandHint(f"{name} needs a file name, e.g. {name}:notes.txt")
        return value
    return _text(option, value)


def _choice(option: JSON, value: str) -> OptionValue:
    for choice in option["choices"]:
        if value.lower() in (str(choice["value"]).lower(), choice["name"].lower()):
            chosen: OptionValue = choice["value"]
            return chosen
    listed = ", ".join(str(c["name"]) for c in option["choices"])
    raise CommandHint(f"{option['name']} must be one of: {listed} (not {value!r})")


def _number(option: JSON, value: str) -> int | float:
    name, whole = option["name"], option["type"] == OptionType.INTEGER
    try:
        number: int | float = int(value) if whole else float(value)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise CommandHint(f"{name} must be {kind}, not {value!r}") from None
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None and number < low) or (high is not None and number > high):
        span = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        raise CommandHint(f"{name} must be {span}, not {value}")
    return number


def _text(option: JSON, value: str) -> str:
    low, high = option.get("min_length") or 0, option.get("max_length") or limits.STRING_OPTION
    if not low <= len(value) <= high:
        raise CommandHint(f"{option['name']} must be {low}-{high} characters, not {len(value)}")
    return value


def _user_or_role(option: JSON, value: str, world: World) -> str:
    wanted = value.lstrip("@")
    for user_id, state in world.users.items():
        names = (user_id, state.payload["username"], (state.payload["global_name"] or "").lower())
        if wanted.lower() in names:
            return user_id
    if option["type"] == OptionType.MENTIONABLE:
        return _role(option["name"], value, world)
    members = ", ".join(m["user"]["global_name"] for m in world.members.values())
    raise CommandHint(f"{option['name']} must be a member, e.g. {members} (not {value!r})")


def _channel(option: JSON, value: str, world: World) -> str:
    wanted = value.lstrip("#")
    channel = next((c for c in world.channels.values() if wanted in (c["id"], c["name"])), None)
    if channel is None:
        names = ", ".join(
            c["name"] for c in world.channels.values() if c["type"] not in THREAD_TYPES
        )
        raise CommandHint(f"{option['name']} must be a channel: {names} (not {value!r})")
    allowed = option.get("channel_types")
    if allowed and channel["type"] not in allowed:
        kinds = sorted({CHANNEL_KINDS.get(k, str(k)) for k in allowed})
        is_kind = CHANNEL_KINDS.get(channel["type"], "channel")
        raise CommandHint(
            f"{option['name']} must be a {' or '.join(kinds)}; #{channel['name']} is a {is_kind}"
        )
    return str(channel["id"])


def _role(name: str, value: str, world: World) -> str:
    wanted = value.lstrip("@")
    for role in world.roles.values():
        if wanted in (role["id"], role["name"]) or wanted.lower() == role["name"].lower():
            return str(role["id"])
    roles = ", ".join(r["name"] for r in world.roles.values() if r["name"] != "@everyone")
    raise CommandHint(f"{name} must be a role: {roles} (not {value!r})")
