"""Members reacting to messages: the message's `reactions` list and the gateway events.

MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE carry what discord.py's RawReactionActionEvent
reads (message, channel, user, guild, emoji, type, burst); the message keeps Discord's
`reactions` array so a history read (the bot's catch-up) sees the counts too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.emulator.payloads import JSON

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

NORMAL = 0


async def react(emu: Emulator, user: str, message: JSON, emoji: str) -> None:
    """`user` adds `emoji` (a unicode emoji) to `message`; a second add by them is ignored."""
    await _change(emu, user, message, emoji, adding=True)


async def unreact(emu: Emulator, user: str, message: JSON, emoji: str) -> None:
    """`user` takes their `emoji` reaction off `message` (ignored if they had none)."""
    await _change(emu, user, message, emoji, adding=False)


async def _change(emu: Emulator, user: str, message: JSON, emoji: str, *, adding: bool) -> None:
    user_id = emu.resolve_user(user)
    stored = emu.world.find_message(message["id"]) or message
    who = emu.reactors.setdefault((stored["id"], emoji), set())
    if (user_id in who) == adding:
        return
    who.add(user_id) if adding else who.discard(user_id)
    _set_count(stored, emoji, len(who))
    event = {
        "user_id": user_id,
        "channel_id": stored["channel_id"],
        "message_id": stored["id"],
        "guild_id": emu.world.guild["id"],
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "type": NORMAL,
    }
    if adding:
        event["member"] = emu.world.members[user_id]
        event["message_author_id"] = stored["author"]["id"]
        event["burst_colors"] = []
    await emu.gateway.dispatch(
        "MESSAGE_REACTION_ADD" if adding else "MESSAGE_REACTION_REMOVE", event
    )
    await emu.recorder.notify()


def _set_count(message: JSON, emoji: str, count: int) -> None:
    reactions = [r for r in message.get("reactions") or [] if r["emoji"]["name"] != emoji]
    if count:
        reactions.append(
            {
                "emoji": {"id": None, "name": emoji},
                "count": count,
                "count_details": {"burst": 0, "normal": count},
                "burst_colors": [],
                "me": False,
                "me_burst": False,
                "burst_count": 0,
            }
        )
    message["reactions"] = reactions
