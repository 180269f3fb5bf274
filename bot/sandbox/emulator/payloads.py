"""The one type of the emulator's data: a Discord JSON object, kept as Discord sends it.

The world, the REST routes and the gateway pass these dicts to discord.py unchanged, so they
stay plain dicts rather than classes (their keys are Discord's field names).
"""

from typing import Any, TypeAlias

JSON: TypeAlias = dict[str, Any]
"""A JSON object as Discord's API sends and receives it (a message, a channel, a member...)."""

JSONBody: TypeAlias = JSON | list[JSON] | None
"""A request's or a response's body: an object, a list of objects, or none at all."""

OptionValue: TypeAlias = str | int | float | bool
"""A slash command option's value as Discord sends it (users, channels and roles by id)."""
