"""Discord's numbered kinds, one place each: channel, message, command, option, interaction,
callback, component and scheduled-event types, and the message flags the emulator reads.

They are IntEnums, so payloads holding them serialise to Discord's plain numbers and compare
equal to the numbers discord.py sends.
"""

from enum import IntEnum


class ChannelType(IntEnum):
    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    FORUM = 15


THREAD_TYPES = (
    ChannelType.ANNOUNCEMENT_THREAD,
    ChannelType.PUBLIC_THREAD,
    ChannelType.PRIVATE_THREAD,
)


class MessageType(IntEnum):
    DEFAULT = 0
    REPLY = 19


class CommandType(IntEnum):
    SLASH = 1
    USER_MENU = 2
    MESSAGE_MENU = 3


class OptionType(IntEnum):
    SUBCOMMAND = 1
    GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


NESTING = (OptionType.SUBCOMMAND, OptionType.GROUP)


class InteractionType(IntEnum):
    PING = 1
    APP_COMMAND = 2
    COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType(IntEnum):
    PONG = 1
    MESSAGE = 4
    DEFERRED_MESSAGE = 5
    DEFERRED_UPDATE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE = 8
    MODAL = 9


class ComponentType(IntEnum):
    ACTION_ROW = 1
    BUTTON = 2
    STRING_SELECT = 3
    TEXT_INPUT = 4
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8
    TEXT_DISPLAY = 10
    LABEL = 18


SELECTS = (
    ComponentType.STRING_SELECT,
    ComponentType.USER_SELECT,
    ComponentType.ROLE_SELECT,
    ComponentType.MENTIONABLE_SELECT,
    ComponentType.CHANNEL_SELECT,
)


class EntityType(IntEnum):
    """Where a scheduled event happens."""

    STAGE = 1
    VOICE = 2
    EXTERNAL = 3


class EventStatus(IntEnum):
    """A scheduled event's status."""

    SCHEDULED = 1
    ACTIVE = 2
    COMPLETED = 3
    CANCELLED = 4


# Message flags: plain ints, since they are combined and masked bit by bit.
EPHEMERAL = 1 << 6
LOADING = 1 << 7  # the "thinking..." message of a deferred interaction
