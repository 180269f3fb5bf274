"""Application command sync: what a bulk overwrite may hold.

docs: interactions/application-commands "Application Command Naming": "CHAT_INPUT command names
and command option names must match the following regex ^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]
{1,32}$ ... If there is a lowercase variant of any letters used, you must use those";
"Application Command Object": description "1-100 character description for CHAT_INPUT commands,
empty string for USER and MESSAGE commands"; options "max of 25"; "Application Command Option
Structure": choices "max 25", "Required options must be listed before optional options";
"Subcommands and Subcommand Groups": "you can only nest subcommands within a group one level
deep"; "Registering a Command": "An app can have the following number of commands: 100 global
CHAT_INPUT commands, 5 global USER commands, 5 global MESSAGE commands" ... "the combined sum
of characters (name, description, and value properties) of a command, its options (including
subcommands and groups), and choices must not exceed 8000".
"""

from __future__ import annotations

import regex

from bot import limits
from bot.sandbox.emulator.kinds import NESTING, CommandType, OptionType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rules import form_error

# The documented regex, verbatim: {1,32} is limits.COMMAND_NAME.
NAME = regex.compile(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
CAPS = {
    CommandType.SLASH: limits.GLOBAL_COMMANDS,
    CommandType.USER_MENU: limits.CONTEXT_MENU_COMMANDS,
    CommandType.MESSAGE_MENU: limits.CONTEXT_MENU_COMMANDS,
}


def check_commands(commands: list[JSON]) -> None:
    """Every rule above, for one bulk overwrite (global or one guild's)."""
    seen: set[tuple[int, str]] = set()
    for command in commands:
        kind = command.get("type", CommandType.SLASH)
        key = (kind, command["name"])
        if key in seen:
            raise form_error("name", f"duplicate command {command['name']}")
        seen.add(key)
        if kind == CommandType.SLASH:
            _check_slash(command)
        elif not 1 <= len(command["name"]) <= limits.COMMAND_NAME or command.get("description"):
            raise form_error(
                "name", f"context menus: 1-{limits.COMMAND_NAME} characters and no description"
            )
    for kind, cap in CAPS.items():
        if sum(1 for c in commands if c.get("type", CommandType.SLASH) == kind) > cap:
            raise form_error("commands", f"at most {cap} commands of type {kind}")


def _check_slash(command: JSON) -> None:
    _check_named(command, f"/{command['name']}")
    size = _check_options(command, command.get("options") or [], depth=0)
    size += len(command["name"]) + len(command.get("description") or "")
    if size > limits.COMMAND_CHARACTERS:
        raise form_error(
            command["name"], f"over {limits.COMMAND_CHARACTERS} characters in all ({size})"
        )


def _check_named(item: JSON, where: str) -> None:
    name = item.get("name") or ""
    if not NAME.match(name) or name != name.lower():
        raise form_error(
            f"{where}.name", f"must be 1-{limits.COMMAND_NAME} lowercase letters, digits, - or _"
        )
    if not 1 <= len(item.get("description") or "") <= limits.COMMAND_DESCRIPTION:
        raise form_error(
            f"{where}.description",
            f"Must be between 1 and {limits.COMMAND_DESCRIPTION} in length.",
        )


def _check_options(parent: JSON, options: list[JSON], depth: int) -> int:
    """Checks one level of options; returns their character count (names, descriptions,
    choices)."""
    where = parent["name"]
    if len(options) > limits.COMMAND_OPTIONS:
        raise form_error(
            f"{where}.options", f"Must be {limits.COMMAND_OPTIONS} or fewer in length."
        )
    if len({o["name"] for o in options}) != len(options):
        raise form_error(f"{where}.options", "option names must be unique")
    nested = [o for o in options if o["type"] in NESTING]
    if nested and len(nested) != len(options):
        raise form_error(f"{where}.options", "subcommands cannot sit beside plain options")
    size, optional_seen = 0, False
    for option in options:
        _check_named(option, f"{where}.{option['name']}")
        size += len(option["name"]) + len(option.get("description") or "")
        if option["type"] in NESTING:
            _check_nesting(parent, option, depth)
            size += _check_options(option, option.get("options") or [], depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                raise form_error(f"{where}.options", "required options must come first")
        else:
            optional_seen = True
        size += _check_choices(option)
    return size


def _check_nesting(parent: JSON, option: JSON, depth: int) -> None:
    """A command holds subcommands or groups; a group holds subcommands; nothing deeper."""
    allowed = {0: NESTING, 1: (OptionType.SUBCOMMAND,)}.get(depth, ())
    if option["type"] not in allowed or (depth == 1 and parent.get("type") != OptionType.GROUP):
        raise form_error(f"{parent['name']}.{option['name']}", "subcommands nest one level deep")


def _check_choices(option: JSON) -> int:
    choices = option.get("choices") or []
    if len(choices) > limits.COMMAND_CHOICES:
        raise form_error(
            f"{option['name']}.choices", f"Must be {limits.COMMAND_CHOICES} or fewer in length."
        )
    if choices and option.get("autocomplete"):
        raise form_error(f"{option['name']}.autocomplete", "cannot be set with choices")
    size = 0
    for choice in choices:
        name, value = choice.get("name") or "", choice.get("value")
        if not _choice_fits(name, value):
            raise form_error(
                f"{option['name']}.choices",
                f"name 1-{limits.CHOICE_NAME}, string value up to {limits.CHOICE_VALUE}",
            )
        size += len(name) + len(str(value))
    return size


def _choice_fits(name: str, value: object) -> bool:
    """A choice's name is 1-100 characters; a string value at most 100."""
    too_long = isinstance(value, str) and len(value) > limits.CHOICE_VALUE
    return 1 <= len(name) <= limits.CHOICE_NAME and not too_long
