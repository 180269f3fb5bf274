"""What the emulated Discord knows: one guild with its roles, channels, members and messages.

Everything is kept as the JSON payloads Discord sends, so the REST routes and the gateway can
hand them to discord.py as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import discord

from bot.sandbox.emulator.kinds import THREAD_TYPES, ChannelType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.snowflakes import iso, make_snowflake

MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    read_message_history=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    add_reactions=True,
)
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | discord.Permissions(
    manage_messages=True,
    manage_threads=True,
    moderate_members=True,
    kick_members=True,
    ban_members=True,
    manage_events=True,  # movie nights' scheduled events (routes_events.py), anyone's
    create_events=True,
)
BOT_PERMISSIONS = MODERATOR_PERMISSIONS | discord.Permissions(
    manage_webhooks=True,
    manage_channels=True,
)


@dataclass
class UserState:
    payload: JSON
    dms_closed: bool = False


@dataclass
class World:
    """The guild and everything in it; build one with `World.default()` or by hand."""

    bot_user: JSON
    application_id: str
    guild: JSON
    roles: dict[str, JSON] = field(default_factory=dict)
    channels: dict[str, JSON] = field(default_factory=dict)
    users: dict[str, UserState] = field(default_factory=dict)
    members: dict[str, JSON] = field(default_factory=dict)
    messages: dict[str, dict[str, JSON]] = field(default_factory=dict)  # channel -> id -> msg
    ephemeral: dict[str, JSON] = field(default_factory=dict)
    webhooks: dict[str, JSON] = field(default_factory=dict)
    bans: dict[str, JSON] = field(default_factory=dict)
    commands: dict[str | None, list[JSON]] = field(default_factory=dict)  # guild id|None
    dm_channels: dict[str, JSON] = field(default_factory=dict)  # user id -> channel

    # --- building -----------------------------------------------------------------------
    @classmethod
    def default(cls) -> World:
        """A film club guild: text channels, a forum, moderators and ordinary members."""
        bot_user = _user("FilmBot", bot=True)
        world = cls(bot_user=bot_user, application_id=make_snowflake(), guild={})
        gid = make_snowflake()
        world.guild = {"id": gid, "name": "Film Club", "owner_id": None}
        world.add_role("@everyone", discord.Permissions.none(), role_id=gid, position=0)
        world.add_role("Member", MEMBER_PERMISSIONS, position=1)
        world.add_role("Moderator", MODERATOR_PERMISSIONS, position=5)
        world.add_role("FilmBot", BOT_PERMISSIONS, position=8, managed=True)
        world.add_role("Admin", discord.Permissions(administrator=True), position=10)
        world.add_member(bot_user, ["FilmBot"])
        owner = world.add_user("Olive", ["Admin"])
        world.guild["owner_id"] = owner
        world.add_user("Mona", ["Moderator", "Member"])
        for name in ("Alice", "Bob", "Carol", "Dave"):
            world.add_user(name, ["Member"])
        world.users[world.user_id("Carol")].dms_closed = True
        for name in ("general", "film-talk", "mod-alerts", "mod-log"):
            world.add_channel(name, ChannelType.TEXT)
        tags = ("Drama", "Science Fiction", "Romance", "Comedy", "Horror")
        world.add_channel(
            "film-forum", ChannelType.FORUM, available_tags=[_forum_tag(t) for t in tags]
        )
        return world

    def add_role(
        self,
        name: str,
        permissions: discord.Permissions,
        *,
        role_id: str | None = None,
        position: int = 1,
        managed: bool = False,
    ) -> str:
        role_id = role_id or make_snowflake()
        self.roles[role_id] = {
            "id": role_id,
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "position": position,
            "permissions": str(permissions.value),
            "managed": managed,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
            "tags": {"bot_id": self.bot_user["id"]} if managed else {},
        }
        return role_id

    def add_user(self, name: str, role_names: list[str] | None = None, *, bot: bool = False) -> str:
        """A new member of the guild, with the named roles; returns the user id."""
        user = _user(name, bot=bot)
        self.add_member(user, role_names or ["Member"])
        return str(user["id"])

    def add_member(self, user: JSON, role_names: list[str]) -> None:
        self.users[user["id"]] = UserState(user)
        self.members[user["id"]] = {
            "user": user,
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [self.role_id(n) for n in role_names],
            "joined_at": iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "premium_since": None,
        }

    def add_channel(self, name: str, kind: int = ChannelType.TEXT, **extra: object) -> str:
        channel_id = make_snowflake()
        self.channels[channel_id] = {
            "id": channel_id,
            "type": kind,
            "guild_id": self.guild["id"],
            "name": name,
            "position": len(self.channels),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "default_auto_archive_duration": 1440,
            "flags": 0,
            **extra,
        }
        self.messages[channel_id] = {}
        return channel_id

    def deny_bot(self, channel_id: str, **permissions: bool) -> None:
        """Add a channel overwrite that denies the bot's role the named permissions."""
        deny = discord.Permissions(**permissions)
        self.channels[channel_id]["permission_overwrites"].append(
            {"id": self.role_id("FilmBot"), "type": 0, "allow": "0", "deny": str(deny.value)}
        )

    # --- lookups ------------------------------------------------------------------------
    def role_id(self, name: str) -> str:
        for role in self.roles.values():
            if role["name"] == name:
                return str(role["id"])
        raise KeyError(f"no role called {name!r}")

    def user_id(self, name: str) -> str:
        for state in self.users.values():
            if state.payload["username"] == name.lower() or state.payload["global_name"] == name:
                return str(state.payload["id"])
        raise KeyError(f"no user called {name!r}")

    def channel_id(self, name: str) -> str:
        for channel in self.channels.values():
            if channel["name"] == name:
                return str(channel["id"])
        raise KeyError(f"no channel called {name!r}")

    def is_thread(self, channel_id: str) -> bool:
        return self.channels.get(channel_id, {}).get("type") in THREAD_TYPES

    def find_message(self, message_id: str) -> JSON | None:
        for messages in self.messages.values():
            if message_id in messages:
                return messages[message_id]
        return self.ephemeral.get(message_id)

    # --- permissions --------------------------------------------------------------------
    def permissions(self, user_id: str, channel_id: str | None = None) -> discord.Permissions:
        """Effective permissions of a member, in a channel when given (threads use the parent)."""
        member = self.members.get(user_id)
        if member is None:
            return discord.Permissions.none()
        if self.guild["owner_id"] == user_id:
            return discord.Permissions.all()
        role_ids = [self.guild["id"], *member["roles"]]
        value = 0
        for role_id in role_ids:
            value |= int(self.roles[role_id]["permissions"])
        perms = discord.Permissions(value)
        if perms.administrator:
            return discord.Permissions.all()
        channel = self.channels.get(channel_id or "")
        if channel and channel["type"] in THREAD_TYPES:
            channel = self.channels.get(channel["parent_id"])
        if channel:
            value = _apply_overwrites(value, channel["permission_overwrites"], role_ids, user_id)
        return discord.Permissions(value)

    def top_role_position(self, user_id: str) -> int:
        member = self.members.get(user_id)
        if not member:
            return 0
        return max((self.roles[r]["position"] for r in member["roles"]), default=0)

    # --- payloads -----------------------------------------------------------------------
    def guild_payload(self) -> JSON:
        """GUILD_CREATE data: everything discord.py caches at start-up."""
        members = list(self.members.values())
        return {
            **self.guild,
            **_fixed_guild_fields(),
            "roles": list(self.roles.values()),
            "members": members,
            "member_count": len(members),
            "large": False,
            "unavailable": False,
            "channels": [c for c in self.channels.values() if c["type"] not in THREAD_TYPES],
            "threads": [
                c
                for c in self.channels.values()
                if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
            ],
            "joined_at": iso(),
        }

    def member_with_permissions(self, user_id: str, channel_id: str) -> JSON:
        member = dict(self.members[user_id])
        member["permissions"] = str(self.permissions(user_id, channel_id).value)
        return member

    def author_fields(self, user_id: str) -> JSON:
        """`author` and `member` as they appear on a guild message."""
        member = {k: v for k, v in self.members[user_id].items() if k != "user"}
        return {"author": self.users[user_id].payload, "member": member}


def _fixed_guild_fields() -> JSON:
    """The guild's fields that discord.py reads and the emulator never changes (a fresh copy)."""
    return {
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "features": [],
        "emojis": [],
        "stickers": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "max_members": 500000,
        "vanity_url_code": None,
        "premium_progress_bar_enabled": False,
        "application_id": None,
    }


def _forum_tag(name: str) -> JSON:
    return {
        "id": make_snowflake(),
        "name": name,
        "moderated": False,
        "emoji_id": None,
        "emoji_name": None,
    }


def _user(name: str, *, bot: bool = False) -> JSON:
    return {
        "id": make_snowflake(),
        "username": name.lower(),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def _apply_overwrites(value: int, overwrites: list[JSON], role_ids: list[str], user_id: str) -> int:
    everyone = [o for o in overwrites if o["id"] == role_ids[0]]
    roles = [o for o in overwrites if o["type"] == 0 and o["id"] in role_ids[1:]]
    members = [o for o in overwrites if o["type"] == 1 and o["id"] == user_id]
    for group in (everyone, roles, members):
        deny = allow = 0
        for overwrite in group:
            deny |= int(overwrite["deny"])
            allow |= int(overwrite["allow"])
        value = (value & ~deny) | allow
    return value


def message_time(message: JSON) -> datetime:
    return datetime.fromisoformat(message["timestamp"])
