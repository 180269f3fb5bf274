"""Tempbans end on time, and an expiry missed while the bot was offline is applied at start-up."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e._moderation import confirm, guild_id, manual_clock, use_log_channel, wait_for_log


async def tempban(emu, member: str, duration: str) -> None:
    record = await emu.slash("Mona", "mod tempban", member=member, duration=duration, reason="Raid")
    await (await confirm(emu, "Mona", record, "Ban")).reply()


async def test_tempban_ends_on_time_and_not_before(emu, start_bot, settings):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await use_log_channel(bot, emu)
        await tempban(emu, "Bob", "1d")
        bob = emu.world.user_id("Bob")
        clock.advance(timedelta(hours=23, minutes=59))
        await bot.services.expiry.wait_idle()
        assert bob in emu.world.bans
        clock.advance(timedelta(minutes=1))
        await bot.services.expiry.wait_idle()
        assert bob not in emu.world.bans
        [unban] = emu.recorder.find("DELETE", rf"/guilds/\d+/bans/{bob}$")
        assert unban.status == 204
        entry = await wait_for_log(emu, "Case #1 · Temporary ban ended** (expired)")
        assert f"Bob (`{bob}`) is unbanned." in entry


async def test_expiry_missed_while_offline_is_applied_at_start(emu, start_bot, settings):
    clock = manual_clock()

    async with start_bot(settings, clock=clock) as bot:
        await use_log_channel(bot, emu)
        await tempban(emu, "Bob", "1d")
        await tempban(emu, "Dave", "1w")
    bob, dave = emu.world.user_id("Bob"), emu.world.user_id("Dave")
    clock.advance(timedelta(days=2))  # the bot is offline when Bob's ban ends
    assert bob in emu.world.bans
    async with start_bot(settings, clock=clock) as bot:
        await bot.services.expiry.wait_idle()
        assert bob not in emu.world.bans and dave in emu.world.bans
        bob_case = await bot.services.moderation.case(guild_id(emu), 1)
        dave_case = await bot.services.moderation.case(guild_id(emu), 2)
        assert (bob_case.active, bob_case.end_reason) == (False, "expired")
        assert dave_case.active and bot.services.expiry.next_expiry == dave_case.expires_at
        await wait_for_log(emu, "Case #1 · Temporary ban ended** (expired)")


async def test_a_ban_lifted_by_hand_meanwhile_still_ends_the_case(emu, start_bot, settings):
    clock = manual_clock()
    async with start_bot(settings, clock=clock) as bot:
        await tempban(emu, "Bob", "1h")
        del emu.world.bans[emu.world.user_id("Bob")]  # someone unbanned Bob in Discord's UI
        clock.advance(timedelta(hours=2))
        await bot.services.expiry.wait_idle()
        case = await bot.services.moderation.case(guild_id(emu), 1)
        assert (case.active, case.end_reason) == (False, "expired")
