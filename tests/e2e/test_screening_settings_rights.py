"""Screening settings typed by hostile or under-privileged moderators: the refusal quotes the
typed text harmlessly, and a change that makes the bot delete more members' messages needs
Manage Messages as well as Manage Server. A refusal changes nothing."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox.emulator.world import MEMBER_PERMISSIONS
from tests.e2e._screening import ephemeral_answer, guild_id, ready

NEEDS_MANAGE_MESSAGES = "Only members with the **Manage Messages** permission can"


@pytest.fixture
async def manager(emu, start_bot, settings):
    """Dave: Manage Server and Timeout Members (so a moderator), but not Manage Messages."""
    role = emu.world.add_role(
        "Settings keeper",
        MEMBER_PERMISSIONS | discord.Permissions(manage_guild=True, moderate_members=True),
        position=4,
    )
    emu.world.members[emu.world.user_id("Dave")]["roles"].append(role)
    async with start_bot(settings) as bot:
        await ready(bot)
        yield bot


async def policy_now(bot, emu):
    bot.services.screening._policy_cache.clear()
    return await bot.services.screening.policy(guild_id(emu))


async def test_a_typed_threshold_is_quoted_short_one_line_and_inert(emu, bot):
    await ready(bot)
    before = await policy_now(bot, emu)
    alice = "<@" + emu.world.user_id("Alice") + ">"
    hostile = "||spoiler|| " + alice + " @everyone `x`\n" + "9" * 500
    for option in ("flag", "hide"):
        text = await ephemeral_answer(
            emu, "Olive", "mod screening threshold", label="insult", **{option: hostile}
        )
        assert f"The {option} threshold `" in text and "is not a number" in text
        quoted = text.split("`")[1]
        assert "\n" not in quoted and len(quoted) <= 90 and "@everyone" not in quoted
        assert alice not in quoted and "9" * 100 not in text
    text = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="insult", hide="||7||"
    )
    assert "`||7||`" in text  # inside a code span: no spoiler bar renders
    text = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="insult", hide="5 @here"
    )
    assert "not a number" in text and "@here" not in text.replace("@\u200bhere", "")
    assert await policy_now(bot, emu) == before


async def test_a_hide_threshold_needs_manage_messages(emu, manager):
    bot = manager
    before = await policy_now(bot, emu)
    text = await ephemeral_answer(
        emu, "Dave", "mod screening threshold", label="insult", hide="0.8"
    )
    assert text.startswith(NEEDS_MANAGE_MESSAGES + " set a hide threshold")
    assert "delete members' messages" in text
    assert await policy_now(bot, emu) == before
    # what does not make the bot delete more stays open to Manage Server
    for loosening in ({"flag": "0.5"}, {"hide": "never"}):
        text = await ephemeral_answer(
            emu, "Dave", "mod screening threshold", label="insult", **loosening
        )
        assert "Thresholds for **insult** set." in text
    # a member with Manage Messages (the owner) can set it
    done = await ephemeral_answer(
        emu, "Olive", "mod screening threshold", label="insult", hide="0.95"
    )
    assert "Thresholds for **insult** set." in done


async def test_widening_what_is_screened_needs_manage_messages(emu, manager):
    bot = manager
    before = await policy_now(bot, emu)
    for command, options in (
        ("mod screening scope", {"scope": "everywhere"}),
        ("mod screening channel", {"channel": "general", "mode": "screen"}),
    ):
        text = await ephemeral_answer(emu, "Dave", command, **options)
        assert text.startswith(NEEDS_MANAGE_MESSAGES), text
        assert "delete members' messages" in text
    assert await policy_now(bot, emu) == before
    text = await ephemeral_answer(emu, "Dave", "mod screening scope", scope="off")
    assert "Screening scope: **off**." in text
