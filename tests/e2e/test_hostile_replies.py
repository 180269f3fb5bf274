"""/thread fed what a careless moderator or a hostile member would: a clear refusal, nothing
stored."""

from __future__ import annotations

import discord

from bot.sandbox.emulator.interactions import message_text


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


async def test_without_read_message_history_the_tree_and_export_are_refused(
    emu, start_bot, settings
):
    """Discord shows such a member only what is posted while they look; the bot must not hand
    them the channel's past as a tree or a file."""
    no_history = str(discord.Permissions(read_message_history=True).value)
    channel = emu.world.channels[emu.world.channel_id("film-talk")]
    channel["permission_overwrites"].append(
        {"id": emu.world.user_id("Alice"), "type": 1, "allow": "0", "deny": no_history}
    )
    async with start_bot(settings):
        await (await emu.slash("Mona", "thread track", where="film-talk")).reply()
        await emu.post("Bob", "film-talk", "The twist was told to me before I saw it")
        refusal = (
            "You need the **Read Message History** permission in this channel to see what was "
            "posted before; Discord would not show it to you either."
        )
        for command, options in (("thread tree", {}), ("thread export", {"format": "json"})):
            record = await emu.slash("Alice", command, where="film-talk", **options)
            reply = await record.reply()
            assert message_text(reply) == refusal, command
            assert await record.is_ephemeral() and not reply["attachments"]
        allowed = await emu.slash("Bob", "thread tree", where="film-talk")
        assert "The twist was told to me" in await allowed.text()


async def test_a_moderator_cannot_have_a_channel_kept_that_they_cannot_read(
    emu, start_bot, settings
):
    secret = emu.world.add_channel("staff-room")
    mona = emu.world.user_id("Mona")
    for channel, denied in ((secret, "view_channel"), ("film-talk", "read_message_history")):
        overwrites = emu.world.channels[emu.resolve_channel(channel)]
        value = str(discord.Permissions(**{denied: True}).value)
        overwrites["permission_overwrites"].append(
            {"id": mona, "type": 1, "allow": "0", "deny": value}
        )
    async with start_bot(settings) as bot:
        answer = await emu.slash("Mona", "thread track", channel="staff-room")
        assert await answer.text() == (
            f"You can't see <#{secret}>, so you can't have the replies kept there. "
            "Nothing was changed."
        )
        answer = await emu.slash("Mona", "thread track", channel="film-talk")
        assert await answer.text() == (
            f"You can't have the replies kept in <#{emu.world.channel_id('film-talk')}>: you "
            "need the **Read Message History** permission there. Nothing was changed."
        )
        async with bot.services.conn.execute("SELECT COUNT(*) FROM reply_tracked_channels") as rows:
            assert (await rows.fetchone())[0] == 0
        answer = await emu.slash("Olive", "thread track", channel="staff-room")
        assert "From now on every message in" in await answer.text()
