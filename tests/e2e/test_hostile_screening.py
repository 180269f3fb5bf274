"""/mod screening and "Report message" fed what a careless admin or a hostile member would:
a clear refusal and nothing stored, or the text kept without its tricks."""

from __future__ import annotations

import discord

from bot import limits
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._screening import ready, report, use_alert_channel

RIGHT_TO_LEFT = "\u202e"


async def test_everyone_cannot_be_exempt_from_screening(emu, bot):
    await ready(bot)
    answer = await emu.slash("Olive", "mod screening exempt-role", role="@everyone")
    assert "@everyone cannot be exempt" in await answer.text() and await answer.is_ephemeral()
    assert emu.pings(await answer.reply()) == set()
    policy = await bot.services.screening.policy(int(emu.world.guild["id"]))
    assert policy.exempt_roles == frozenset()


async def test_a_channel_the_bot_cannot_see_is_not_set_to_screen(emu, start_bot, settings):
    hidden = str(discord.Permissions(view_channel=True).value)
    channel = emu.world.channels[emu.world.channel_id("general")]
    bot_role = emu.world.role_id("FilmBot")
    channel["permission_overwrites"].append(
        {"id": bot_role, "type": 0, "allow": "0", "deny": hidden}
    )
    async with start_bot(settings) as bot:
        await ready(bot)
        answer = await emu.slash("Olive", "mod screening channel", channel="general", mode="screen")
        text = await answer.text()
        assert "I cannot screen" in text and "View Channel" in text
        policy = await bot.services.screening.policy(int(emu.world.guild["id"]))
        assert dict(policy.channels) == {}


async def test_a_report_reason_loses_direction_overrides(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    target = await emu.post("Bob", "general", "buy cheap films at shady.example")
    answer = await report(emu, "Alice", target, f"spam {RIGHT_TO_LEFT}kcilc ot reven")
    assert "review #1" in await answer.text()
    alert = message_text(await emu.wait_for_message("mod-alerts"))
    assert "spam kcilc ot reven" in alert and RIGHT_TO_LEFT not in alert
    async with bot.services.conn.execute("SELECT reason FROM member_reports") as rows:
        assert [row[0] for row in await rows.fetchall()] == ["spam kcilc ot reven"]


async def test_a_4000_character_threshold_is_answered_within_discords_limit(emu, bot):
    """The refusal quotes what was typed; however long that is, the member gets an answer."""
    await ready(bot)
    guild_id = int(emu.world.guild["id"])
    before = await bot.services.screening.policy(guild_id)
    for option in ("flag", "hide"):
        answer = await emu.slash(
            "Olive", "mod screening threshold", label="toxicity", **{option: "9," * 2000}
        )
        text = await answer.text()
        assert text.startswith(f"The {option} threshold ") and len(text) <= limits.MESSAGE_CONTENT
        assert await answer.is_ephemeral()
    assert await bot.services.screening.policy(guild_id) == before
