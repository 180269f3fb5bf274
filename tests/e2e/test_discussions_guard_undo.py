"""The spoiler guard's intent when a step cannot be done: the author's note refused by a
Discord error does not stop the intent (the re-post is still screened, the record says the
note was not delivered, `failed`, not that the author's DMs are closed); a channel deleted while the bot was down ends the intent undone,
without an error in the undo."""

from __future__ import annotations

from bot.journal import Status
from bot.journal.crash import CRASH_ENV
from cogs.discussions.repost import guard_key
from tests.e2e._discussions import SPOILER, GuardWatch, open_discussion
from tests.e2e.test_message_path_kill import bot_process, died_at


async def test_a_note_discord_fails_to_send_does_not_stop_the_guard(emu, bot):
    watch = GuardWatch(bot)
    thread_id = await open_discussion(emu, "film-talk")
    emu.inject_error("POST", r"/users/@me/channels$", 503)  # opening the DM fails
    original = await emu.post("Alice", thread_id, SPOILER)
    record = await watch.result(original)
    intent = await bot.services.journal.by_key(guard_key(int(original["id"])))
    assert intent.status is Status.DONE and "screen" in intent.results
    assert record.original_deleted_at is not None and emu.dms("Alice") == []
    assert (await bot.services.guard.record_for(int(original["id"]))).note_status == "failed"


async def test_a_reposts_channel_deleted_while_the_bot_was_down_is_undone_cleanly(
    emu, start_bot, settings
):
    async with start_bot(settings):
        thread = await open_discussion(emu, "film-talk")
    point = "guard-repost:post:before"
    async with bot_process(emu, settings, **{CRASH_ENV: point}) as process:
        original = await emu.post("Alice", thread, SPOILER)
        await died_at(process, point)
    for gone in (thread, emu.world.channel_id("film-talk")):  # an admin deletes the channel
        emu.world.channels.pop(gone)
        emu.world.messages.pop(gone, None)
    async with start_bot(settings) as bot:
        await bot.services.journal.resume_unfinished()
        intent = await bot.services.journal.by_key(guard_key(int(original["id"])))
        assert intent.status is Status.UNDONE and "is gone" in intent.last_error
        assert emu.dms("Alice") == []
