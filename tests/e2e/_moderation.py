"""Helpers shared by the moderation end-to-end tests (not a test module)."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.moderation.clock import ManualClock
from bot.moderation.model import Case


def guild_id(emu) -> int:
    return int(emu.world.guild["id"])


def user_id(emu, name: str) -> int:
    return int(emu.world.user_id(name))


async def use_log_channel(bot, emu, channel: str = "mod-log") -> None:
    """Point the guild's mod log at `channel` (the config command has its own test)."""
    await bot.services.moderation.config.set_log_channel(
        guild_id(emu), int(emu.world.channel_id(channel)), user_id(emu, "Olive")
    )


def log_entries(emu) -> list[str]:
    """The mod-log channel's messages, oldest first, after checking none of them pinged."""
    messages = emu.messages_in("mod-log")
    assert all(emu.pings(message) == set() for message in messages)
    return [message["content"] for message in messages]


async def wait_for_log(emu, fragment: str) -> str:
    message = await emu.wait_for_message("mod-log", predicate=lambda m: fragment in m["content"])
    assert emu.pings(message) == set()
    return message["content"]


async def cases_of(bot, emu, name: str) -> list[Case]:
    """Every case about a member, oldest first (through the service, not the command)."""
    moderation = bot.services.moderation
    first = await moderation.history(guild_id(emu), user_id(emu, name))
    cases = list(first.cases)
    for page in range(2, first.page_count + 1):
        cases += (await moderation.history(guild_id(emu), user_id(emu, name), page=page)).cases
    return sorted(cases, key=lambda case: case.number)


async def all_cases(bot) -> list[tuple]:
    async with bot.services.conn.execute(
        "SELECT number, type, member_id FROM mod_cases ORDER BY number"
    ) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def confirm(emu, user: str, record, label: str):
    """Click `label` on the confirmation prompt answering `record`; returns the click record."""
    prompt = await record.reply()
    assert await record.is_ephemeral()
    return await emu.click(user, prompt, label=label)


def manual_clock() -> ManualClock:
    """A clock the test moves; it starts at the real time because Discord (the emulator)
    compares timeouts and message ages with the real time."""
    return ManualClock(datetime.now(UTC))


def dm_texts(emu, name: str) -> list[str]:
    return [message["content"] for message in emu.dms(name)]


async def make_thread(bot, emu, name: str = "Gattaca (1997)", *, discussion: bool = True) -> str:
    """A thread under #general, linked to a film as /discuss start would (unless told not to)."""
    channel = bot.get_channel(int(emu.world.channel_id("general")))
    thread = await channel.create_thread(name=name, type=discord.ChannelType.public_thread)
    if discussion:
        await bot.services.discussions.open(
            guild_id=guild_id(emu),
            channel_id=channel.id,
            thread_id=thread.id,
            film_id=1,
            film_label=name,
            spoiler_policy="allowed",
            created_by=user_id(emu, "Mona"),
            auto_archive_minutes=1440,
        )
    return str(thread.id)
