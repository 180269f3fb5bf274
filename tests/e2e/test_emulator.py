"""The emulator behaves like Discord where the bot relies on it."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from bot.sandbox.emulator.recorder import RecordedRequest


async def test_replies_carry_their_parent_and_a_deleted_parent_becomes_null(emu, bot):
    parent = await emu.post("Alice", "general", "first")
    child = await emu.post("Bob", "general", "second", reply_to=parent)
    assert child["message_reference"]["message_id"] == parent["id"]
    await emu.delete(parent)
    fetched = await bot.get_channel(int(child["channel_id"])).fetch_message(int(child["id"]))
    assert isinstance(fetched.reference.resolved, discord.DeletedReferencedMessage)


async def test_closed_dms_answer_50007(emu, bot):
    carol = await bot.fetch_user(int(emu.world.user_id("Carol")))
    with pytest.raises(discord.Forbidden) as refused:
        await carol.send("hello")
    assert refused.value.code == 50007
    alice = await bot.fetch_user(int(emu.world.user_id("Alice")))
    await alice.send("hello Alice")
    assert [m["content"] for m in emu.dms("Alice")] == ["hello Alice"]


async def test_missing_permission_is_refused(emu, bot):
    emu.world.deny_bot(emu.world.channel_id("film-talk"), send_messages=True)
    channel = bot.get_channel(int(emu.world.channel_id("film-talk")))
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("hi")
    assert refused.value.code == 50013


async def test_forum_posts_and_webhooks(emu, bot):
    forum = bot.get_channel(int(emu.world.channel_id("film-forum")))
    tag = forum.available_tags[0]
    created = await forum.create_thread(
        name="Never Let Me Go (2010)", content="opening", applied_tags=[tag]
    )
    assert created.thread.parent_id == forum.id and created.message.id == created.thread.id
    hook = await forum.create_webhook(name="filmbot-relay")
    sent = await hook.send("as Alice", username="Alice", thread=created.thread, wait=True)
    stored = emu.world.messages[str(created.thread.id)][str(sent.id)]
    assert stored["author"]["username"] == "Alice" and stored["webhook_id"] == str(hook.id)


async def test_injected_errors_and_recorded_requests(emu, bot):
    emu.inject_error("POST", r"/channels/\d+/messages$", 403, code=50013)
    channel = bot.get_channel(int(emu.world.channel_id("general")))
    with pytest.raises(discord.Forbidden):
        await channel.send("blocked")
    await channel.send("allowed")
    sent: RecordedRequest = await emu.recorder.wait_for(
        "POST", r"/channels/\d+/messages$", lambda r: r.status == 200
    )
    assert sent.json["content"] == "allowed"


async def test_timeout_kick_ban_unban(emu, bot):
    guild = bot.guilds[0]
    bob = guild.get_member(int(emu.world.user_id("Bob")))
    await bob.timeout(discord.utils.utcnow() + timedelta(minutes=5))
    assert emu.world.members[str(bob.id)]["communication_disabled_until"] is not None
    await guild.ban(bob, delete_message_seconds=3600)
    assert str(bob.id) in emu.world.bans and str(bob.id) not in emu.world.members
    await guild.unban(bob)
    assert str(bob.id) not in emu.world.bans
    dave = guild.get_member(int(emu.world.user_id("Dave")))
    await dave.kick()
    assert str(dave.id) not in emu.world.members
    owner = guild.get_member(int(emu.world.guild["owner_id"]))
    with pytest.raises(discord.Forbidden):
        await owner.kick()
