"""No gaps beyond reply chains: a channel that is screened but not
captured is caught up from its own mark after a lost session and at start-up, and captured
messages dropped because more were refused than could be held are read again from Discord as
soon as writes work again."""

from __future__ import annotations

import logging

from storage_support import make_read_only

from bot.replies import capture as capture_module
from tests.e2e._replies import open_discussion, settled, stored
from tests.e2e._screening import (
    alerts,
    guild_id,
    is_deleted,
    ready,
    screen_everywhere,
    use_alert_channel,
)
from tests.e2e.test_catch_up import INSULT, caught_up


def channel_id(emu, name: str) -> int:
    return int(emu.world.channel_id(name))


async def screened_general(bot, emu) -> dict:
    """Screening everywhere, #general has a mark (a first comment went through the path)."""
    await ready(bot)
    await use_alert_channel(bot, emu)
    await screen_everywhere(bot, emu)
    first = await emu.post("Alice", "general", "Anyone seen Never Let Me Go?")
    await settled(bot, emu)
    assert await bot.services.replies.mark(channel_id(emu, "general")) == int(first["id"])
    return first


async def test_a_screened_channel_is_caught_up_after_a_lost_session(emu, bot):
    await screened_general(bot, emu)
    emu.gateway.hold_events()  # nothing below reaches the bot
    insult = await emu.post("Dave", "general", INSULT)
    harmless = await emu.post("Carol", "general", "The score is gorgeous.")
    waiter = caught_up(bot, "reconnect")
    await emu.gateway.lose_session()
    (_, reports) = await waiter

    assert is_deleted(emu, insult) and len(alerts(emu)) == 1  # screened and hidden
    assert not is_deleted(emu, harmless)
    assert await bot.services.screening.latest_screening(int(harmless["id"])) is not None
    await settled(bot, emu)  # the writer moves the mark with its next batch
    assert await bot.services.replies.mark(channel_id(emu, "general")) == int(harmless["id"])
    # #general is screened, not captured: nothing of it is in the reply store
    assert await bot.services.replies.thread_messages(channel_id(emu, "general")) == []
    assert sum(len(report.new) for report in reports) == 2


async def test_a_screened_channel_is_caught_up_at_start_up(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        await screened_general(bot, emu)
    insult = await emu.post("Dave", "general", INSULT)
    async with start_bot(settings) as bot:
        await bot.get_cog("ReplyCapturing").startup_catch_up
        assert await bot.services.screening.latest_screening(int(insult["id"])) is not None
        await ready(bot)
        await bot.get_cog("Screening").catch_up()  # if it came before the model was ready
        assert is_deleted(emu, insult) and len(alerts(emu)) == 1


async def test_a_screened_channel_without_a_mark_is_not_read_back(emu, bot):
    await ready(bot)
    await use_alert_channel(bot, emu)
    old = await emu.post("Dave", "film-talk", INSULT)  # before screening covered it
    await settled(bot, emu)
    await screen_everywhere(bot, emu)
    waiter = caught_up(bot, "reconnect")
    await emu.gateway.lose_session()
    await waiter
    assert not is_deleted(emu, old) and alerts(emu) == []
    assert await bot.services.replies.mark(channel_id(emu, "film-talk")) == int(old["id"])


async def test_messages_dropped_from_a_full_hold_are_read_again_when_writes_work(
    emu, bot, monkeypatch, caplog
):
    monkeypatch.setattr(capture_module, "HELD", 2)  # the hold's bound (10,000), made small
    thread = str(channel_id(emu, "film-talk"))  # tracked: captured, not screened
    await bot.services.replies.scope.track(guild_id(emu), int(thread))
    await emu.post("Alice", thread, "Before the trouble")
    await settled(bot, emu)
    await make_read_only(bot.services.conn)
    with caplog.at_level(logging.CRITICAL):  # the refusals are logged as errors
        during = [await emu.post("Bob", thread, f"Comment {n}") for n in range(5)]
        await settled(bot, emu)
    capture = bot.services.replies.capture
    assert capture.held == 2  # three were dropped
    assert len(await bot.services.replies.thread_messages(int(thread))) == 1

    await make_read_only(bot.services.conn, False)
    waiter = caught_up(bot, "storage")
    await capture.flush()  # the writer's next batch (or its retry) finds writes work again
    (_, reports) = await waiter

    kept = [m.message_id for m in await stored(bot, emu, thread)]
    assert kept[1:] == [int(m["id"]) for m in during]
    assert sum(len(report.new) for report in reports) == 3
    assert await bot.services.replies.mark(int(thread)) == int(during[-1]["id"])
    assert capture.held == 0 and not capture.rereading


async def test_messages_the_path_could_not_finish_are_read_again_when_writes_work(emu, bot, caplog):
    await ready(bot)
    await use_alert_channel(bot, emu)
    thread = await open_discussion(bot, emu)  # screened and captured
    await emu.post("Alice", thread, "Before the trouble")
    await settled(bot, emu)
    await make_read_only(bot.services.conn)
    with caplog.at_level(logging.CRITICAL):  # screening's refused write ends the path
        insult = await emu.post("Dave", thread, INSULT)
        kind = await emu.post("Carol", thread, "The score is gorgeous.")
        await settled(bot, emu)
    assert not is_deleted(emu, insult)
    await make_read_only(bot.services.conn, False)

    waiter = caught_up(bot, "storage")
    after = await emu.post("Bob", thread, "After the trouble")  # its first write flips health
    (_, reports) = await waiter

    kept = [m.message_id for m in await stored(bot, emu, thread)]
    assert {int(insult["id"]), int(kind["id"]), int(after["id"])} <= set(kept)
    assert is_deleted(emu, insult) and len(alerts(emu)) == 1
    assert await bot.services.replies.mark(int(thread)) == int(after["id"])
