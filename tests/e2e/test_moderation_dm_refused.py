"""A moderation DM Discord fails to deliver (a 5xx while opening the DM): the action goes on,
recorded as "not delivered: Discord error" (`failed`), not as closed DMs, and the moderator
reads which it was in the reply, the mod log and /mod case."""

from __future__ import annotations

from bot.moderation.model import DmStatus
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import cases_of, use_log_channel, wait_for_log


async def test_a_warning_whose_dm_discord_fails_is_recorded_as_not_delivered(emu, bot):
    await use_log_channel(bot, emu)
    busy = emu.inject_error("POST", r"/users/@me/channels$", 503)
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    text = await record.text()
    assert busy.remaining == 0
    assert text == (
        "Case #1: **Bob** was warned. Discord did not deliver the DM (a Discord error, not "
        "their settings), so they were not told; the case records this."
    )
    assert emu.dms("Bob") == []
    [case] = await cases_of(bot, emu, "Bob")
    assert case.active and case.dm_status == DmStatus.FAILED
    entry = await wait_for_log(emu, "Case #1 · Warning")
    assert "Member not told: Discord did not deliver the DM." in entry
    shown = await emu.slash("Mona", "mod case", number=1)
    assert "Not delivered: Discord error" in message_text(await shown.reply())


async def test_closed_dms_are_still_told_apart(emu, bot):
    await use_log_channel(bot, emu)
    record = await emu.slash("Mona", "mod warn", member="Carol", reason="Off-topic flood")
    assert "Their DMs are closed, so they were not told" in await record.text()
    [case] = await cases_of(bot, emu, "Carol")
    assert case.dm_status == DmStatus.CLOSED
    entry = await wait_for_log(emu, "Case #1 · Warning")
    assert "Member DMs closed, not told." in entry
    shown = await emu.slash("Mona", "mod case", number=1)
    assert "Not sent: DMs closed" in message_text(await shown.reply())
