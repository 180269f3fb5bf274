"""The escalation ladder through the emulator, with time moved by a manual clock (never slept)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import discord

from bot.moderation.model import CaseType, DmStatus
from tests.e2e._moderation import (
    cases_of,
    dm_texts,
    guild_id,
    manual_clock,
    use_log_channel,
    wait_for_log,
)


async def warn(emu, member: str, reason: str, by: str = "Mona") -> str:
    return await (await emu.slash(by, "mod warn", member=member, reason=reason)).text()


async def test_warnings_decay_and_the_third_recent_one_times_out(emu, start_bot, settings):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await use_log_channel(bot, emu)
        await warn(emu, "Bob", "one")  # day 0
        clock.advance(timedelta(days=4))
        await warn(emu, "Bob", "two")  # day 4
        clock.advance(timedelta(days=4))
        third = await warn(emu, "Bob", "three")  # day 8: "one" is outside the 7-day window
        assert third == "Case #3: **Bob** was warned. They were told by DM."
        clock.advance(timedelta(days=1))
        fourth = await warn(emu, "Bob", "four")  # day 9: two, three, four are recent
        assert fourth == (
            "Case #4: **Bob** was warned. They were told by DM.\n"
            "This warning reached the escalation ladder: automatic timeout for 1 hour "
            "(case #5, citing #2, #3, #4)."
        )
        step = (await cases_of(bot, emu, "Bob"))[-1]
        assert (step.number, step.type, step.cites) == (5, CaseType.AUTO_TIMEOUT, (2, 3, 4))
        assert step.moderator_id == bot.user.id and step.dm_status == DmStatus.SENT
        assert step.rule == "Escalation ladder: 3 warnings within 1 week -> timeout for 1 hour"
        until = emu.world.members[emu.world.user_id("Bob")]["communication_disabled_until"]
        assert datetime.fromisoformat(until) == clock.now() + timedelta(hours=1)
        assert (
            "timed out in **Film Club** for 1 hour. This was done automatically."
            in dm_texts(emu, "Bob")[-1]
        )
        entry = await wait_for_log(emu, "Case #5 · Automatic timeout** for 1 hour")
        assert "(automatic)" in entry and "Triggered by: #2, #3, #4" in entry

        clock.advance(timedelta(minutes=59))
        await bot.services.expiry.wait_idle()
        assert (await bot.services.moderation.case(guild_id(emu), 5)).active
        clock.advance(timedelta(minutes=1))
        await bot.services.expiry.wait_idle()
        ended = await bot.services.moderation.case(guild_id(emu), 5)
        assert (ended.active, ended.end_reason) == (False, "expired")
        await wait_for_log(emu, "Case #5 · Automatic timeout ended** (expired)")


async def test_the_same_warnings_never_fire_a_step_twice(emu, bot):
    texts = await asyncio.gather(*(warn(emu, "Bob", f"at once {i}") for i in range(3)))
    assert sum("escalation ladder" in text for text in texts) == 1
    types = [case.type for case in await cases_of(bot, emu, "Bob")]
    assert types.count(CaseType.WARN) == 3 and types.count(CaseType.AUTO_TIMEOUT) == 1
    assert "escalation" not in await warn(emu, "Bob", "a fourth")  # #1-#3 are used up


async def test_ladder_commands_change_it_at_once(emu, bot):
    record = await emu.slash("Mona", "mod ladder show")
    assert await record.text() == (
        "Escalation ladder (the default); only warnings inside each window count:\n"
        "• 3 warnings within 1 week -> timeout for 1 hour\n"
        "• 5 warnings within 30 days -> tempban for 1 day"
    )
    record = await emu.slash("Mona", "mod ladder set", warnings=2, within="1d", action="kick")
    assert (await record.text()).startswith("Only members with the **Manage Server** permission")
    record = await emu.slash(
        "Olive", "mod ladder set", warnings=2, within="1d", action="kick", duration="1h"
    )
    assert await record.text() == "A kick is not temporary: leave the duration out."
    record = await emu.slash("Olive", "mod ladder set", warnings=2, within="1d", action="kick")
    assert "customised for this server" in (text := await record.text())
    assert "• 2 warnings within 1 day -> kick" in text
    await warn(emu, "Dave", "first")
    second = await warn(emu, "Dave", "second")
    assert "escalation ladder: automatic kick (case #3, citing #1, #2)" in second
    assert emu.world.user_id("Dave") not in emu.world.members
    assert "You have been kicked from **Film Club**." in dm_texts(emu, "Dave")[-1]

    record = await emu.slash("Olive", "mod ladder off")
    assert "**off**" in await record.text()
    for i in range(4):
        assert "escalation" not in await warn(emu, "Bob", f"ladder off {i}")
    record = await emu.slash("Olive", "mod ladder remove", warnings=3)
    assert await record.text() == "The ladder has no step at 3 warnings."
    record = await emu.slash("Olive", "mod ladder reset")
    assert "(the default)" in await record.text()


async def test_a_step_discord_would_refuse_is_kept_voided(emu, start_bot, settings):
    veteran = emu.world.add_role("Veteran", discord.Permissions.none(), position=9)
    emu.world.members[emu.world.user_id("Carol")]["roles"].append(veteran)
    async with start_bot(settings) as bot:
        for i in range(2):
            await warn(emu, "Carol", f"warning {i}", by="Olive")
        third = await warn(emu, "Carol", "warning 2", by="Olive")
        assert (
            "The escalation ladder fired, but its case #4 was voided: Could not be applied: "
            in third
        )
        assert "Carol's highest role is not below mine" in third
        step = (await cases_of(bot, emu, "Carol"))[-1]
        assert step.type == CaseType.AUTO_TIMEOUT and step.voided and not step.active
        assert not emu.world.members[emu.world.user_id("Carol")]["communication_disabled_until"]
