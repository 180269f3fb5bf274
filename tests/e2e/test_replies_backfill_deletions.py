"""/thread backfill finds comments deleted while the bot was down, older than the catch-up
window: inside the range of history it read completely, and nowhere else."""

from __future__ import annotations

from bot.message_path import remove_message
from bot.replies.model import MessageState
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._replies import finished, open_discussion, outline_lines, settled, stored

PAGE = 100  # messages per history request (discord.py)


async def test_backfill_tombstones_a_comment_deleted_while_the_bot_was_down(
    emu, start_bot, settings
):
    settings = settings.model_copy(update={"replies_reconcile_hours": 0})  # catch-up: mark only
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        first = await emu.post("Alice", thread, "Ruth's confession")
        gone = await emu.post("Bob", thread, "was the best scene", reply_to=first)
        await emu.post("Carol", thread, "It was", reply_to=gone)
        hidden = await emu.post("Dave", thread, "Something the screener took down")
        await settled(bot, emu)
        message = await bot.get_channel(int(thread)).fetch_message(int(hidden["id"]))
        await remove_message(bot.services.replies.capture, message.id, "screener", message.delete)
        await settled(bot, emu)

    await emu.delete(gone)  # while the bot is down

    async with start_bot(settings) as bot:
        reports = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert [r.tombstoned for r in reports] == [[]]  # older than the window: not seen
        record = await emu.slash("Mona", "thread backfill", where=thread)
        assert await finished(record) == (
            "Done. Read 2 messages: 0 new, 0 with a newer edit, 2 already stored, "
            "1 deleted on Discord since."
        )
        tree = await (await emu.slash("Alice", "thread tree", where=thread)).text()
        assert [level for level, _ in outline_lines(tree)] == [0, 1, 2, 0]
        assert "*[deleted by its author]*" in tree and "was the best scene" not in tree
        assert "*[removed by a moderator]*" in tree

        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(gone["id"])].state is MessageState.DELETED_BY_AUTHOR
        assert kept[int(gone["id"])].content == "was the best scene"  # kept for moderators
        assert kept[int(hidden["id"])].state is MessageState.REMOVED_BY_MODERATOR
        assert kept[int(hidden["id"])].removed_by == "screener"
        original = await emu.slash("Mona", "thread original", where=thread, message=gone["id"])
        assert "was the best scene" in await original.text()


async def test_a_read_cut_short_tombstones_only_what_it_read(emu, start_bot, settings):
    settings = settings.model_copy(update={"replies_catch_up": False})
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        posted = [await emu.post("Carol", thread, f"Comment {n}") for n in range(PAGE + 20)]
        await settled(bot, emu)

    old, recent = posted[5], posted[PAGE + 10]  # second page of the history, first page
    await emu.delete(old)
    await emu.delete(recent)

    async with start_bot(settings) as bot:
        # Discord refuses the second page: Read Message History taken away mid-read.
        emu.inject_error("GET", rf"/channels/{thread}/messages$", 403, code=50001, skip=1)
        record = await emu.slash("Mona", "thread backfill", where=thread)
        refusal = await record.wait(
            lambda r: next((m for m in r.messages() if "refused" in message_text(m)), None)
        )
        assert "What I read before Discord refused is kept." in message_text(refusal)

        kept = {m.message_id: m for m in await stored(bot, emu, thread)}
        assert kept[int(recent["id"])].state is MessageState.DELETED_BY_AUTHOR
        assert kept[int(old["id"])].state is MessageState.VISIBLE  # never reached
        visible = [m for m in kept.values() if m.state is MessageState.VISIBLE]
        assert len(visible) == PAGE + 20 - 1
