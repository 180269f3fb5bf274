"""The option values Discord accepts in a slash command, checked against the synced schema.

Discord's client does not let a member submit a value outside an option's constraints, and
Discord's API refuses a forged interaction that carries one, so the bot never receives such a
value. `emu.slash` refuses it the same way (400/50035) instead of handing it to the bot.
"""

from __future__ import annotations

from bot import limits
from bot.sandbox.emulator.kinds import OptionType
from bot.sandbox.emulator.payloads import JSON, OptionValue
from bot.sandbox.emulator.rules import form_error

NUMERIC = (OptionType.INTEGER, OptionType.NUMBER)


def check_option_value(option: JSON, value: OptionValue, channel: JSON | None = None) -> None:
    """Refuse `value` for `option` when Discord would (`channel`: the channel an option of type
    CHANNEL names).

    docs: interactions/application-commands "Application Command Option Structure": `choices`
    "Choices for the user to pick from"; `channel_types` "The channels shown will be restricted
    to these types"; `min_value`/`max_value` "the minimum/maximum value permitted";
    `min_length`/`max_length` "the minimum allowed length (minimum of 0, maximum of 6000)" /
    "the maximum allowed length (minimum of 1, maximum of 6000)".
    """
    field = f"options.{option['name']}"
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        listed = ", ".join(repr(choice["value"]) for choice in choices)
        raise form_error(field, f"Value must be one of {listed}, not {value!r}.")
    kind = option["type"]
    if kind in NUMERIC:
        _check_number(field, option, value)
    elif kind == OptionType.STRING:
        _check_length(field, option, str(value))
    elif kind == OptionType.CHANNEL and channel is not None:
        allowed = option.get("channel_types")
        if allowed and channel["type"] not in allowed:
            raise form_error(
                field, f"Channel type {channel['type']} is not one of {sorted(allowed)}."
            )


def _check_number(field: str, option: JSON, value: OptionValue) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return  # text that is not a number: left to the bot's own conversion
    low, high = option.get("min_value"), option.get("max_value")
    if low is not None and value < low:
        raise form_error(field, f"Value must be greater than or equal to {low}.")
    if high is not None and value > high:
        raise form_error(field, f"Value must be less than or equal to {high}.")


def _check_length(field: str, option: JSON, value: str) -> None:
    low = option.get("min_length") or 0
    high = option.get("max_length") or limits.STRING_OPTION
    if len(value) < low:
        raise form_error(field, f"Must be {low} or more in length.")
    if len(value) > high:
        raise form_error(field, f"Must be {high} or fewer in length.")
