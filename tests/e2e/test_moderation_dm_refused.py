"""A moderation DM Discord fails to deliver (a 5xx while opening the DM): the action goes on,
recorded as "not told", and the moderator gets the usual answer, not an unexplained error."""

from __future__ import annotations

from bot.moderation.model import DmStatus
from tests.e2e._moderation import cases_of, use_log_channel, wait_for_log


async def test_a_warning_whose_dm_discord_fails_is_recorded_as_not_told(emu, bot):
    await use_log_channel(bot, emu)
    emu.inject_error("POST", r"/users/@me/channels$", 503)
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    text = await record.text()
    assert text.startswith("Case #1: **Bob** was warned.") and "not told" in text
    assert emu.dms("Bob") == []
    [case] = await cases_of(bot, emu, "Bob")
    assert case.active and case.dm_status == DmStatus.CLOSED
    await wait_for_log(emu, "Case #1 · Warning")
