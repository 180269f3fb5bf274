"""The emulator refuses what Discord refuses: names, reasons, forums, DMs, threads, webhooks,
permissions, timeouts and rate limits (one test per rule; the rules cite Discord's docs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.moderation.clock import ManualClock
from bot.sandbox.emulator import Emulator
from bot.sandbox.emulator.kinds import ChannelType
from bot.sandbox.emulator.ratelimits import RateLimiter
from bot.sandbox.emulator.rules import REQUIRE_TAG
from tests.e2e._rules import RawApi


@pytest.mark.parametrize(
    "name", ["Clyde", "my clyde bot", "Discord fan", "dis\u200bcord", "everyone", "Here", "x" * 81]
)
async def test_webhook_names_follow_discords_naming_rules(api: RawApi, name):
    path = f"/channels/{api.channel('general')}/webhooks"
    await api.refused(400, 50035, "POST", path, {"name": name})
    hook = await api.webhook()
    await api.refused(400, 50035, "POST", f"/webhooks/{hook['id']}/{hook['token']}", {
        "content": "hi", "username": name})  # fmt: skip


async def test_invisible_characters_are_stripped_from_webhook_names(api: RawApi):
    hook = await api.webhook()
    sent = await api.ok(
        "POST", f"/webhooks/{hook['id']}/{hook['token']}?wait=true",
        {"content": "hi", "username": "Mo\u200bna\u2060"},
    )  # fmt: skip
    assert sent["author"]["username"] == "Mona"
    await api.refused(400, 50035, "POST", f"/webhooks/{hook['id']}/{hook['token']}",
                      {"content": "hi", "username": "\u200b"})  # fmt: skip


async def test_audit_log_reason_is_1_to_512_characters_and_recorded(emu: Emulator, api: RawApi):
    message = await emu.post("Alice", "general", "hello")
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    await api.refused(400, 50035, "DELETE", path, reason="é" * 513)
    await api.ok("DELETE", path, reason="é" * 512)
    assert emu.recorder.find("DELETE", path, lambda r: r.status == 204)[0].reason == "é" * 512


@pytest.fixture
def forum(emu: Emulator) -> dict:
    forum = emu.world.channels[emu.world.channel_id("film-forum")]
    forum["flags"] = REQUIRE_TAG
    return forum


def _post(tags: list[str]) -> dict:
    return {"name": "A post", "message": {"content": "opening"}, "applied_tags": tags}


async def test_forum_requiring_a_tag_refuses_a_post_without_one(api: RawApi, forum):
    await api.refused(400, 40067, "POST", f"/channels/{forum['id']}/threads", _post([]))
    tag = forum["available_tags"][0]["id"]
    created = await api.ok("POST", f"/channels/{forum['id']}/threads", _post([tag]))
    assert created["applied_tags"] == [tag]


async def test_forum_posts_take_at_most_5_of_the_forums_own_tags(api: RawApi, forum):
    path = f"/channels/{forum['id']}/threads"
    ids = [t["id"] for t in forum["available_tags"]]
    forum["available_tags"].append({**forum["available_tags"][0], "id": "1", "name": "Extra"})
    await api.refused(400, 50035, "POST", path, _post([*ids, "1"]))
    await api.refused(400, 50035, "POST", path, _post(["424242"]))


async def test_moderated_tags_need_manage_threads(emu: Emulator, api: RawApi, forum):
    forum["available_tags"][0]["moderated"] = True
    emu.world.deny_bot(forum["id"], manage_threads=True)
    path = f"/channels/{forum['id']}/threads"
    await api.refused(403, 50013, "POST", path, _post([forum["available_tags"][0]["id"]]))
    await api.ok("POST", path, _post([forum["available_tags"][1]["id"]]))


async def test_dms_only_reach_members_of_a_shared_server_and_never_bots(emu, bot):
    gone = emu.world.user_id("Dave")
    await bot.guilds[0].kick(discord.Object(int(gone)))
    for user_id in (gone, emu.world.add_user("Robo", bot=True)):
        user = await bot.fetch_user(int(user_id))
        with pytest.raises(discord.Forbidden) as refused:
            await user.send("hello")
        assert refused.value.code == 50007


async def test_announcement_channels_take_announcement_threads(emu: Emulator, api: RawApi):
    news = emu.world.add_channel("news", ChannelType.ANNOUNCEMENT)
    path = f"/channels/{news}/threads"
    await api.refused(400, 50035, "POST", path, {"name": "t", "type": 11})
    thread = await api.ok("POST", path, {"name": "t", "type": ChannelType.ANNOUNCEMENT_THREAD})
    assert thread["type"] == ChannelType.ANNOUNCEMENT_THREAD
    post = await emu.post("Olive", "news", "big news")
    from_message = await api.ok("POST", f"/channels/{news}/messages/{post['id']}/threads",
                                {"name": "on it"})  # fmt: skip
    assert from_message["type"] == ChannelType.ANNOUNCEMENT_THREAD
    general = api.channel("general")
    await api.refused(400, 50035, "POST", f"/channels/{general}/threads", {"name": "t", "type": 10})


async def test_webhook_into_a_forum_needs_thread_id_or_thread_name(api: RawApi, forum):
    hook = await api.webhook("film-forum")
    path = f"/webhooks/{hook['id']}/{hook['token']}?wait=true"
    await api.refused(400, 220001, "POST", path, {"content": "hi"})
    tag = forum["available_tags"][0]["id"]
    sent = await api.ok("POST", path, {"content": "hi", "thread_name": "New post",
                                       "applied_tags": [tag]})  # fmt: skip
    assert sent["channel_id"] == sent["id"]  # the post's starter message


async def _archived_thread(emu: Emulator, api: RawApi) -> tuple[dict, dict]:
    thread = await api.ok("POST", f"/channels/{api.channel('general')}/threads",
                          {"name": "old talk", "type": 11})  # fmt: skip
    message = await api.ok("POST", f"/channels/{thread['id']}/messages", {"content": "mine"})
    emu.world.channels[thread["id"]]["thread_metadata"]["archived"] = True
    return thread, message


async def test_no_edits_in_archived_threads(emu: Emulator, api: RawApi):
    thread, message = await _archived_thread(emu, api)
    path = f"/channels/{thread['id']}/messages/{message['id']}"
    await api.refused(400, 50083, "PATCH", path, {"content": "changed"})
    await api.refused(400, 50083, "PATCH", f"/channels/{thread['id']}", {"name": "renamed"})


async def test_unarchiving_needs_only_send_messages(emu: Emulator, api: RawApi):
    thread, _ = await _archived_thread(emu, api)
    emu.world.deny_bot(api.channel("general"), manage_threads=True)
    await api.ok("PATCH", f"/channels/{thread['id']}", {"archived": False})
    assert not emu.world.channels[thread["id"]]["thread_metadata"]["archived"]
    await api.refused(403, 50013, "PATCH", f"/channels/{thread['id']}", {"locked": True})


async def test_delete_channel_removes_a_thread_with_manage_threads(emu: Emulator, api: RawApi):
    thread, _ = await _archived_thread(emu, api)
    emu.world.deny_bot(api.channel("general"), manage_threads=True)
    await api.refused(403, 50013, "DELETE", f"/channels/{thread['id']}")
    emu.world.channels[api.channel("general")]["permission_overwrites"].clear()
    await api.ok("DELETE", f"/channels/{thread['id']}")
    assert thread["id"] not in emu.world.channels


async def test_a_channel_holds_at_most_15_webhooks(api: RawApi):
    for number in range(15):
        await api.webhook(name=f"hook {number}")
    await api.refused(400, 30007, "POST", f"/channels/{api.channel('general')}/webhooks",
                      {"name": "one too many"})  # fmt: skip


async def test_bulk_delete_ids_must_be_unique(emu: Emulator, api: RawApi):
    first = await emu.post("Alice", "general", "one")
    path = f"/channels/{first['channel_id']}/messages/bulk-delete"
    await api.refused(400, 50035, "POST", path, {"messages": [first["id"], first["id"]]})


async def test_history_view_and_attachment_permissions(emu: Emulator, api: RawApi):
    message = await emu.post("Alice", "film-talk", "hello")
    talk = api.channel("film-talk")
    emu.world.deny_bot(talk, read_message_history=True)
    await api.refused(403, 50013, "GET", f"/channels/{talk}/messages/{message['id']}")
    emu.world.deny_bot(talk, view_channel=True)
    await api.refused(403, 50013, "POST", f"/channels/{talk}/messages", {"content": "hi"})


async def test_files_need_attach_files_and_embeds_need_embed_links(emu, bot):
    channel = bot.get_channel(int(emu.world.channel_id("film-talk")))
    emu.world.deny_bot(str(channel.id), attach_files=True, embed_links=True)
    with pytest.raises(discord.Forbidden):
        await channel.send("notes", file=discord.File(__file__))
    with pytest.raises(discord.Forbidden):
        await channel.send(embed=discord.Embed(title="card"))
    sent = await channel.send("text stays", embed=discord.Embed(title="card"))
    assert sent.content == "text stays" and sent.embeds == []


async def test_timeouts_reach_28_days_without_slack(api: RawApi):
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=UTC))
    api.emu.clock = clock
    user = api.emu.world.user_id("Bob")
    path = f"/guilds/{api.emu.world.guild['id']}/members/{user}"
    limit = clock.now() + timedelta(days=28)
    body = {"communication_disabled_until": (limit + timedelta(seconds=1)).isoformat()}
    await api.refused(400, 50035, "PATCH", path, body)
    await api.ok("PATCH", path, {"communication_disabled_until": limit.isoformat()})


async def test_bursts_get_429_with_retry_after_and_the_headers(api: RawApi):
    api.emu.rate_limits = RateLimiter(scale=1.0)  # Discord's real windows: 5 sends per 5 s
    path = f"/channels/{api.channel('general')}/messages"
    answers = [await api.call("POST", path, {"content": f"{n}"}) for n in range(6)]
    assert [a.status for a in answers] == [200] * 5 + [429]
    assert answers[4].headers["X-RateLimit-Remaining"] == "0"
    assert 0 < answers[5].body["retry_after"] <= 5 and answers[5].headers["Via"]


async def test_discord_py_waits_out_the_buckets_and_every_message_arrives(emu, bot):
    emu.rate_limits = RateLimiter(scale=0.05)  # 5 sends per 0.25 s
    channel = bot.get_channel(int(emu.world.channel_id("mod-log")))
    for number in range(12):
        await channel.send(f"line {number}")
    assert [m["content"] for m in emu.messages_in("mod-log")] == [f"line {n}" for n in range(12)]
    assert emu.rate_limits.limited == 0  # it paused on X-RateLimit-Remaining: 0 by itself
