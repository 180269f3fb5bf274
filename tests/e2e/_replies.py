"""Helpers shared by the reply-chain end-to-end tests (not a test module)."""

from __future__ import annotations

import asyncio
import json

import discord

from bot.replies.model import StoredMessage
from bot.replies.render import INDENT


async def open_discussion(bot, emu, name: str = "Never Let Me Go (2010)") -> str:
    """A thread in #film-talk registered as a film discussion (as /discuss would)."""
    channel = bot.get_channel(int(emu.world.channel_id("film-talk")))
    thread = await channel.create_thread(name=name, type=discord.ChannelType.public_thread)
    await bot.services.discussions.open(
        guild_id=channel.guild.id,
        channel_id=channel.id,
        thread_id=thread.id,
        film_id=1,
        film_label=name,
        spoiler_policy="allowed",
        created_by=int(emu.world.user_id("Olive")),
        auto_archive_minutes=1440,
    )
    return str(thread.id)


async def settled(bot, emu) -> None:
    """Every event the emulator sent so far has reached the bot and is in the reply store."""
    while bot.ws.sequence < emu.gateway.sequence:  # frames still on their way: let them in
        await asyncio.sleep(0)
    await asyncio.sleep(0)  # the handlers just scheduled for the last frame start
    await bot.get_cog("ReplyCapturing").settled()


async def stored(bot, emu, thread: str) -> list[StoredMessage]:
    await settled(bot, emu)
    return await bot.services.replies.thread_messages(int(thread))


def outline_lines(text: str) -> list[tuple[int, str]]:
    """(indent level, line) for each header line of an outline (the lines with a jump link)."""
    lines = []
    for line in text.splitlines():
        if "[jump](" in line and "continue this thread" not in line:
            level = len(line) - len(line.lstrip(INDENT))
            lines.append((level, line.strip(INDENT)))
    return lines


def attachment_json(emu, message: dict) -> object:
    """The JSON file attached to a message the bot sent."""
    (attachment,) = message["attachments"]
    return json.loads(emu.store.files[attachment["id"]].data)


def nested_ids(comments: list[dict]) -> list:
    """[id, [replies...]] for each comment of an export, nested the same way."""
    return [[int(c["id"]), nested_ids(c["replies"])] for c in comments]


async def finished(backfill) -> str:
    """The last text of a /thread backfill reply (it is edited as the backfill goes)."""
    await backfill.wait(lambda r: (r.original or {}).get("content", "").startswith("Done."))
    return backfill.original["content"]


async def edited_and_deleted(start_bot, settings, emu) -> tuple[str, dict, dict]:
    """A bot run that stores two comments in a discussion; returns (thread, to edit, to delete)."""
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        edited = await emu.post("Alice", thread, "Ruth is cruel")
        deleted = await emu.post("Bob", thread, "Hailsham was a lie")
        await settled(bot, emu)
    return thread, edited, deleted


NEWER = 205  # more stored messages after the old ones than the old reconciliation window (200)


async def old_edited_and_deleted(start_bot, settings, emu) -> tuple[str, dict, dict]:
    """Like `edited_and_deleted`, then NEWER comments posted while the bot was down and
    stored by the next start's catch-up, so the two comments are old."""
    thread, edited, deleted = await edited_and_deleted(start_bot, settings, emu)
    for number in range(NEWER):
        await emu.post("Carol", thread, f"Later comment {number}")
    async with start_bot(settings) as bot:
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert len(report.new) == NEWER
        assert len(await stored(bot, emu, thread)) == NEWER + 2
    return thread, edited, deleted
