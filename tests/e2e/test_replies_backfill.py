"""Downtime: messages posted while the bot was stopped are caught up, never duplicated."""

from __future__ import annotations

from bot.replies.tree import Marker, build_tree
from tests.e2e._replies import finished, open_discussion, outline_lines, settled, stored


def shape(messages) -> dict[int, int | None]:
    """Each stored message's parent as the tree places it (None: top level)."""
    tree = build_tree(messages)
    return {n.id: (n.parent.id if n.parent else None) for n in tree.by_id.values()}


async def test_a_restart_catches_up_with_what_was_posted_while_offline(emu, start_bot, settings):
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        first = await emu.post("Alice", thread, "Tommy's drawings mattered")
        second = await emu.post("Bob", thread, "They were never for the Gallery", reply_to=first)
        await settled(bot, emu)

    # The bot is offline: a reply, a new comment, and a reply whose parent is then deleted.
    third = await emu.post("Carol", thread, "Or were they?", reply_to=second)
    orphan_parent = await emu.post("Dave", thread, "Hailsham was a lie")
    orphan = await emu.post("Alice", thread, "Not all of it", reply_to=orphan_parent)
    await emu.delete(orphan_parent)

    async with start_bot(settings) as bot:
        reports = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert [len(r.new) for r in reports] == [2]
        messages = await stored(bot, emu, thread)
        ids = [m.message_id for m in messages]
        assert ids == sorted(set(ids)) and len(ids) == 4
        assert shape(messages) == {
            int(first["id"]): None,
            int(second["id"]): int(first["id"]),
            int(third["id"]): int(second["id"]),
            int(orphan["id"]): None,
        }
        # Discord reports the parent deleted; the reply still knows which message it answered.
        kept = {m.message_id: m for m in messages}[int(orphan["id"])]
        assert kept.parent_id == int(orphan_parent["id"])
        assert build_tree(messages).by_id[kept.message_id].marker is Marker.UNKNOWN_PARENT

    async with start_bot(settings) as bot:
        reports = await bot.get_cog("ReplyCapturing").startup_catch_up
        assert [len(r.new) for r in reports] == [0]
        assert len(await stored(bot, emu, thread)) == 4


async def test_backfill_fills_the_gaps_and_shows_its_progress(emu, start_bot, settings):
    settings = settings.model_copy(update={"replies_catch_up": False})
    async with start_bot(settings) as bot:
        thread = await open_discussion(bot, emu)
        first = await emu.post("Alice", thread, "Ruth's confession")
        await settled(bot, emu)

    missed = await emu.post("Bob", thread, "was the best scene", reply_to=first)
    await emu.post("Carol", thread, "||Madame's gallery||", reply_to=missed)

    async with start_bot(settings) as bot:
        assert bot.get_cog("ReplyCapturing").startup_catch_up is None
        live = await emu.post("Dave", thread, "Posted after the restart", reply_to=missed)
        before = await emu.slash("Alice", "thread tree", where=thread)
        assert "↪ *reply to a message the bot never saw*" in await before.text()

        record = await emu.slash("Mona", "thread backfill", where=thread)
        assert await finished(record) == (
            "Done. Read 4 messages: 2 new, 0 with a newer edit, 2 already stored, 0 deleted on Discord since."
        )
        edits = emu.recorder.find("PATCH", r"/webhooks/\d+/[^/]+/messages/@original$")
        assert [e.json["content"] for e in edits][:1] == [
            "Reading this channel's history… 4 messages so far, 2 new."
        ]
        after = await emu.slash("Alice", "thread tree", where=thread)
        text = await after.text()
        assert [level for level, _ in outline_lines(text)] == [0, 1, 2, 2]
        assert "||Madame's gallery||" in text
        assert int(live["id"]) in {m.message_id for m in await stored(bot, emu, thread)}
        assert emu.pings(await record.reply()) == set()
