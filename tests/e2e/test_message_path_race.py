"""A message posted as the bot catches up meets the path twice: the gateway delivers it live
and the history read lists it. The emulator holds the catch-up between its read and its use
of what it read (`emu.hold_answer`) and keeps the live events back until the test lets them
in (`emu.gateway.delay_events`), so each interleaving is played out exactly: the message is
screened once, stored once, and a real edit in the same window still makes a new revision."""

from __future__ import annotations

import asyncio

from bot.journal.crash import CRASH_ENV
from bot.sandbox.emulator.interactions import message_text
from bot.screening.look_service import LOOKED
from tests.e2e._replies import settled
from tests.e2e._screening import (
    alerts,
    discussion_thread,
    edit_screened,
    ready,
    use_alert_channel,
)
from tests.e2e.test_message_path_kill import bot_process, died_at
from tests.e2e.test_screening_second_look_kill import VEILED

POSTED = "The last shot of the film stayed with me for days"
EDITED = "The last shot of the film stayed with me for weeks, honestly"


class Seen:
    """What the path did with one message: the texts it screened, the times it skipped it."""

    def __init__(self, bot, message_id: int) -> None:
        self.screened: list[str] = []
        self.skipped: list[bool] = []  # for each skip: was it the catch-up's

        async def on_message_screened(message, handled) -> None:
            if message.id == message_id:
                self.screened.append(message.content)

        async def on_message_handled_already(message, catch_up: bool) -> None:
            if message.id == message_id:
                self.skipped.append(catch_up)

        bot.add_listener(on_message_screened)
        bot.add_listener(on_message_handled_already)


async def thread_ready(bot, emu) -> str:
    """A discussion thread, the model loaded, and the start-up catch-up over."""
    await ready(bot)
    await bot.get_cog("ReplyCapturing").startup_catch_up
    return await discussion_thread(bot, emu)


async def posted_unseen(bot, emu, thread: str) -> tuple[dict, Seen]:
    """Alice posts in the thread; its live event is kept back."""
    emu.gateway.delay_events()
    posted = await emu.post("Alice", thread, POSTED)
    return posted, Seen(bot, int(posted["id"]))


def catching_up(bot, thread: str) -> asyncio.Future:
    """The replies catch-up of the thread, as after a reconnect (its report, once done)."""
    capturing = bot.get_cog("ReplyCapturing")
    return asyncio.ensure_future(capturing.catch_up(bot.get_channel(int(thread))))


async def revisions(bot, message_id: int) -> list[str]:
    """The texts screening stored for the message, one row per revision, oldest first."""
    rows = await bot.services.conn.execute_fetchall(
        "SELECT content FROM screened_messages WHERE message_id = ? ORDER BY revision",
        (message_id,),
    )
    return [row[0] for row in rows]


async def test_the_live_event_while_the_catch_up_holds_its_read_is_handled_once(bot, emu):
    thread = await thread_ready(bot, emu)
    posted, seen = await posted_unseen(bot, emu, thread)
    listed = emu.hold_answer("GET", rf"/channels/{thread}/messages$")
    catch_up = catching_up(bot, thread)
    await listed.reached.wait()  # the catch-up has read the channel: the message is in it
    await emu.gateway.deliver_delayed()
    await settled(bot, emu)  # the live event went through the whole path meanwhile
    assert seen.screened == [POSTED]
    listed.release()
    report = await catch_up
    await settled(bot, emu)

    message_id = int(posted["id"])
    assert await revisions(bot, message_id) == [POSTED]
    assert seen.screened == [POSTED] and seen.skipped == [True]  # the catch-up stood back
    assert report.new == [] and report.unchanged >= 1
    stored = await bot.services.replies.message(message_id)
    assert stored.content == POSTED
    assert await bot.services.replies.versions(message_id) == []
    assert await bot.services.replies.mark(int(thread)) >= message_id


async def test_the_live_event_after_the_catch_up_handled_the_message_is_skipped(bot, emu):
    thread = await thread_ready(bot, emu)
    posted, seen = await posted_unseen(bot, emu, thread)
    report = await catching_up(bot, thread)
    message_id = int(posted["id"])
    assert report.new == [message_id] and seen.screened == [POSTED]
    await emu.gateway.deliver_delayed()  # the same message, live, late
    await settled(bot, emu)

    assert await revisions(bot, message_id) == [POSTED]
    assert seen.screened == [POSTED] and seen.skipped == [False]  # the live event stood back
    assert (await bot.services.replies.message(message_id)).content == POSTED
    assert await bot.services.replies.versions(message_id) == []


async def test_an_edit_in_the_same_window_is_a_new_revision(bot, emu):
    thread = await thread_ready(bot, emu)
    posted, seen = await posted_unseen(bot, emu, thread)
    listed = emu.hold_answer("GET", rf"/channels/{thread}/messages$")
    catch_up = catching_up(bot, thread)
    await listed.reached.wait()  # it read the first text
    await emu.gateway.deliver_delayed()
    await settled(bot, emu)
    handled = await edit_screened(bot, emu, posted, EDITED)  # live, while the read is held
    assert handled.screened
    listed.release()
    report = await catch_up  # its copy is older than the edit: nothing more to do
    await settled(bot, emu)

    message_id = int(posted["id"])
    assert await revisions(bot, message_id) == [POSTED, EDITED]
    assert seen.screened == [POSTED, EDITED] and seen.skipped == [True]
    assert report.new == [] and report.edited == []
    latest = await bot.services.screening.latest_screening(message_id)
    assert latest.content == EDITED and latest.screened_at is not None
    assert (await bot.services.replies.message(message_id)).content == EDITED
    (version,) = await bot.services.replies.versions(message_id)
    assert version.content == POSTED


async def test_a_killed_process_that_met_the_message_twice_leaves_it_whole_for_the_next(
    emu, start_bot, settings
):
    """A real `python -m bot run` gets Dave's veiled threat live and from its start-up
    catch-up, screens it once, and is killed (os._exit at the second look) before its
    capture is written. The next start stores it, does not screen it again, and alerts."""
    async with start_bot(settings) as bot:
        await ready(bot)
        await use_alert_channel(bot, emu)
        thread = await discussion_thread(bot, emu)
    slow_writes = {"REPLIES_FLUSH_MS": "60000", "REPLIES_BATCH_SIZE": "5000"}
    async with bot_process(emu, settings, **{CRASH_ENV: LOOKED}, **slow_writes) as process:
        posted = await emu.post("Dave", thread, VEILED)
        await died_at(process, LOOKED)
    message_id = int(posted["id"])
    async with start_bot(settings) as bot:
        assert await revisions(bot, message_id) == [VEILED]  # the killed process: once
        looked = asyncio.ensure_future(
            bot.wait_for("second_look", check=lambda h: h.stored.message_id == message_id)
        )
        (report,) = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert message_id in report.new  # its capture was lost with the process
        await ready(bot)
        assert (await asyncio.wait_for(looked, 60)).review_item is not None
        await settled(bot, emu)
        assert await revisions(bot, message_id) == [VEILED]  # not screened again
        assert (await bot.services.replies.message(message_id)).content == VEILED
    (alert,) = alerts(emu)
    assert "flagged for review" in message_text(alert)
