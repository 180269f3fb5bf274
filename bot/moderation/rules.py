"""Who may act on whom, and what the bot needs to be allowed to: pure functions on plain values.

Each check raises PermissionDenied (or InvalidInput) with a message a moderator reads as is,
and returns None when the action may go ahead. The cog gathers the plain facts (ids, top role
positions, permission names as discord.py spells them) and calls these before doing anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot import limits
from bot.errors import InvalidInput, PermissionDenied
from bot.moderation.model import Action, ModConfig

# The actions a moderator runs as /mod commands: the member actions first, then the channel's.
ACTIONS = (
    Action.WARN,
    Action.NOTE,
    Action.TIMEOUT,
    Action.UNTIMEOUT,
    Action.KICK,
    Action.BAN,
    Action.TEMPBAN,
    Action.UNBAN,
    Action.PURGE,
    Action.LOCK,
    Action.UNLOCK,
)

# How the action reads in "You can't ___.", with {who} the person acted on.
_VERBS = {
    "warn": "warn {who}",
    "note": "add a note about {who}",
    "timeout": "time {who} out",
    "untimeout": "lift the timeout on {who}",
    "kick": "kick {who}",
    "ban": "ban {who}",
    "tempban": "ban {who}",
    "unban": "unban {who}",
}
# Actions that need the member in the server (a ban or a note works with a bare user id).
_NEEDS_MEMBER = frozenset({"timeout", "untimeout", "kick"})
# Actions the bot performs on Discord, so its own top role must be above the target's.
_BOT_ACTS = frozenset({"timeout", "untimeout", "kick", "ban", "tempban"})

BOT_PERMISSIONS = {
    "warn": (),
    "note": (),
    "timeout": ("moderate_members",),
    "untimeout": ("moderate_members",),
    "kick": ("kick_members",),
    "ban": ("ban_members",),
    "tempban": ("ban_members",),
    "unban": ("ban_members",),
    "purge": ("manage_messages", "read_message_history"),
    "lock": ("manage_threads",),
    "unlock": ("manage_threads",),
}
# How the action reads in "I can't ___ here".
_BOT_DOES = {
    "timeout": "time members out",
    "untimeout": "remove timeouts",
    "kick": "kick members",
    "ban": "ban members",
    "tempban": "ban members",
    "unban": "unban members",
    "purge": "delete messages",
    "lock": "lock threads",
    "unlock": "unlock threads",
}
# Discord's names for permissions, as shown in Server Settings > Roles.
PERMISSION_NAMES = {
    "administrator": "Administrator",
    "moderate_members": "Timeout Members",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "manage_messages": "Manage Messages",
    "read_message_history": "Read Message History",
    "manage_threads": "Manage Threads",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "manage_guild": "Manage Server",
    "manage_channels": "Manage Channels",
    "manage_roles": "Manage Roles",
}
# What the moderator needs, besides a moderator role: the Discord permission the action uses
# (any one of those listed). /mod lock and unlock act on a thread, which Discord locks only for
# Manage Threads (Manage Channels / Manage Roles edit a channel's overwrites, not a thread).
_LOCKING = ("manage_threads",)
MODERATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **{action: BOT_PERMISSIONS[action] for action in ACTIONS[:8]},  # the member actions
    "purge": ("manage_messages",),
    "lock": _LOCKING,
    "unlock": _LOCKING,
    "remove-message": ("manage_messages",),  # the review desk's Remove
    "restore-message": ("manage_messages",),  # the review desk's Approve (re-posts it)
}
# How the action reads in "You need ... to ___."
_MODERATOR_DOES = {
    "timeout": "time members out",
    "untimeout": "lift timeouts",
    "kick": "kick members",
    "ban": "ban",
    "tempban": "ban",
    "unban": "unban",
    "purge": "delete messages",
    "lock": "lock threads",
    "unlock": "unlock threads",
    "remove-message": "remove messages",
    "restore-message": "restore messages",
}
MODERATION_PERMISSION = "moderate_members"  # the /mod group's default permission
BAN_DELETE_MAX_DAYS = limits.BAN_DELETE_MAX_SECONDS // (24 * 3600)
PURGE_MAX = 1000  # our choice: a bigger clean-up is a job for a channel clone


@dataclass(frozen=True)
class Person:
    """Someone an action involves. `top_role_position` is None when they are not a member."""

    id: int
    name: str
    top_role_position: int | None = 0
    administrator: bool = False  # Discord never lets anyone time an administrator out


def check_target(
    action: Action, *, moderator: Person, target: Person, bot: Person, owner_id: int
) -> None:
    """Refuse acting on oneself, the bot, the owner, someone absent or not below both of us."""
    verb = _VERBS[action]
    if target.id == moderator.id:
        raise PermissionDenied(f"You can't {verb.format(who='yourself')}.")
    if target.id == bot.id:
        raise PermissionDenied(f"I can't {verb.format(who='myself')}.")
    them = verb.format(who="them")
    if target.id == owner_id:
        raise PermissionDenied(f"{target.name} owns this server, so nobody can {them}.")
    if target.top_role_position is None:
        if action in _NEEDS_MEMBER:
            raise InvalidInput(
                f"{target.name} is not in this server (they may have left). Someone who is "
                "not a member can still be banned by id, warned or noted."
            )
        return
    _check_not_admin(action, target)
    if moderator.id != owner_id and not _below(target, moderator):
        raise PermissionDenied(
            f"{target.name}'s highest role is not below yours, so you can't {them}."
        )
    if action in _BOT_ACTS and not _below(target, bot):
        raise PermissionDenied(
            f"{target.name}'s highest role is not below mine, so I can't {them}: "
            "move my role above theirs in Server Settings > Roles."
        )


def check_automatic_target(action: Action, *, target: Person, bot: Person, owner_id: int) -> None:
    """For a step the bot takes by itself (a rule fired): never on the owner, itself, or above it."""
    them = _VERBS[action].format(who="them")
    if target.id in (owner_id, bot.id):
        raise PermissionDenied(f"A rule cannot {them}: {target.name} is the owner or the bot.")
    if target.top_role_position is None:
        if action in _NEEDS_MEMBER:
            raise InvalidInput(f"{target.name} is not in this server any more.")
        return
    _check_not_admin(action, target)
    if action in _BOT_ACTS and not _below(target, bot):
        raise PermissionDenied(
            f"{target.name}'s highest role is not below mine, so I can't {them}: "
            "move my role above theirs in Server Settings > Roles."
        )


def _check_not_admin(action: Action, target: Person) -> None:
    if action == "timeout" and target.administrator:
        raise PermissionDenied(
            f"{target.name} is an administrator, and Discord does not let anyone time out an "
            "administrator."
        )


def _below(target: Person, other: Person) -> bool:
    return (
        other.top_role_position is not None
        and target.top_role_position is not None
        and target.top_role_position < other.top_role_position
    )


def check_bot_permissions(action: Action, granted: Collection[str]) -> None:
    """PermissionDenied naming every permission the bot lacks for `action`."""
    if "administrator" in granted:
        return
    missing = [name for name in BOT_PERMISSIONS[action] if name not in granted]
    if not missing:
        return
    names = [f"**{PERMISSION_NAMES.get(name, name)}**" for name in missing]
    listed = " and ".join(names)
    noun = "permission" if len(names) == 1 else "permissions"
    raise PermissionDenied(
        f"I can't {_BOT_DOES[action]} here: I need the {listed} {noun}. "
        "Ask an admin to give it to my role (Server Settings > Roles)."
    )


def check_moderator(
    *,
    config: ModConfig,
    role_ids: Collection[int],
    permissions: Collection[str],
    is_owner: bool = False,
) -> None:
    """The run-time check behind the /mod group's default permissions.

    With moderator roles configured, one of them is needed; without, Discord's Timeout Members
    permission. The owner and administrators always pass.
    """
    if is_owner or "administrator" in permissions:
        return
    roles = set(config.moderator_role_ids) - {config.guild_id}  # @everyone never counts
    if roles:
        if set(role_ids) & roles:
            return
        raise PermissionDenied(
            "Only moderators can do this: you need one of this server's moderator roles "
            "(see /mod config)."
        )
    if MODERATION_PERMISSION in permissions:
        return
    raise PermissionDenied(
        f"Only moderators can do this: you need the "
        f"**{PERMISSION_NAMES[MODERATION_PERMISSION]}** permission."
    )


def check_moderator_permission(
    action: Action, permissions: Collection[str], *, is_owner: bool = False
) -> None:
    """PermissionDenied unless the moderator holds the Discord permission `action` uses.

    A moderator role lets someone use /mod at all; each action also needs what Discord would
    ask of them to do it by hand (ban needs Ban Members, purge Manage Messages, ...).
    """
    needed = MODERATOR_PERMISSIONS[action]
    if not needed or is_owner or "administrator" in permissions:
        return
    if any(name in permissions for name in needed):
        return
    names = " or ".join(f"**{PERMISSION_NAMES[name]}**" for name in needed)
    raise PermissionDenied(
        f"You need the {names} permission to {_MODERATOR_DOES[action]}, as well as a "
        "moderator role."
    )


def check_moderator_role(role_id: int, guild_id: int) -> None:
    """@everyone (whose id is the server's) can never be a moderator role: every member has it."""
    if role_id == guild_id:
        raise InvalidInput(
            "@everyone cannot be a moderator role: every member has it, so everyone could "
            "moderate. Pick (or create) a role only moderators have."
        )


def check_server_manager(*, permissions: Collection[str], is_owner: bool = False) -> None:
    """Changing moderation settings (roles, channels, ladder) needs Manage Server."""
    if is_owner or "administrator" in permissions or "manage_guild" in permissions:
        return
    raise PermissionDenied(
        "Only members with the **Manage Server** permission can change moderation settings; "
        "moderators can look at them."
    )


def check_can_make_bot_remove(
    what: str, *, permissions: Collection[str], is_owner: bool = False
) -> None:
    """A setting that makes the bot delete members' messages (a hide threshold, screening more
    channels) needs Manage Messages too: the bot must not do for someone what they can't."""
    if is_owner or "administrator" in permissions or "manage_messages" in permissions:
        return
    raise PermissionDenied(
        f"Only members with the **Manage Messages** permission can {what}: it makes me "
        "delete members' messages. Nothing was changed."
    )


def check_ban_delete_days(days: int) -> int:
    """How many days of the member's messages a ban deletes: 0 to 7."""
    if not 0 <= days <= BAN_DELETE_MAX_DAYS:
        raise InvalidInput(
            f"A ban can delete between 0 and {BAN_DELETE_MAX_DAYS} days of messages, not {days}."
        )
    return days


def check_purge_count(count: int) -> int:
    """How many recent messages a purge looks at: 1 to PURGE_MAX."""
    if not 1 <= count <= PURGE_MAX:
        raise InvalidInput(f"A purge looks at between 1 and {PURGE_MAX:,} messages, not {count:,}.")
    return count
