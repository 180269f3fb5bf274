"""/thread fed what a careless moderator or a hostile member would: a clear refusal, nothing
stored."""

from __future__ import annotations

import discord


async def test_an_id_too_large_for_discord_is_an_unknown_message(emu, bot):
    await (await emu.slash("Mona", "thread track", where="film-talk")).reply()
    for who, command in (("Alice", "thread tree"), ("Mona", "thread original")):
        answer = await emu.slash(who, command, where="film-talk", message="9" * 20)
        assert f"No message has the id {'9' * 20}." in await answer.text()
        assert await answer.is_ephemeral()
    pasted = await emu.slash("Alice", "thread tree", where="film-talk", message="@everyone")
    text = await pasted.text()
    assert "is not a message" in text and emu.pings(await pasted.reply()) == set()


async def test_a_channel_the_bot_cannot_read_is_not_tracked(emu, start_bot, settings):
    denied = str(discord.Permissions(read_message_history=True).value)
    channel = emu.world.channels[emu.world.channel_id("film-talk")]
    channel["permission_overwrites"].append(
        {"id": emu.world.role_id("FilmBot"), "type": 0, "allow": "0", "deny": denied}
    )
    async with start_bot(settings) as bot:
        answer = await emu.slash("Mona", "thread track", where="general", channel="film-talk")
        text = await answer.text()
        assert "I cannot keep the replies of <#" in text and "Read Message History" in text
        async with bot.services.conn.execute("SELECT COUNT(*) FROM reply_tracked_channels") as rows:
            assert (await rows.fetchone())[0] == 0
