"""What is captured and how: tracked channels, unseen parents, names, attachments, edits."""

from __future__ import annotations

import discord

from bot.replies.render import INDENT
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._replies import finished, open_discussion, outline_lines, stored

NEVER_SAW = "↪ *reply to a message the bot never saw*"


async def test_tracking_a_channel_then_backfilling_places_an_unseen_parent(emu, bot):
    before = await emu.post("Alice", "film-talk", "Posted before anyone tracked this channel")
    refused = await emu.slash("Alice", "thread tree", where="film-talk")
    assert "does not keep the replies of this channel" in await refused.text()
    not_mod = await emu.slash("Bob", "thread track", where="film-talk")
    assert "moderator" in (await not_mod.text()).lower()

    tracked = await emu.slash("Mona", "thread track", where="film-talk")
    assert "From now on every message in <#" in await tracked.text()
    again = await emu.slash("Mona", "thread track", where="general", channel="film-talk")
    assert "is already tracked" in await again.text()
    reply = await emu.post("Bob", "film-talk", "Answering the old message", reply_to=before)

    tree = await emu.slash("Alice", "thread tree", where="film-talk")
    text = await tree.text()
    assert "film-talk · 1 comment" in text and NEVER_SAW in text

    backfill = await emu.slash("Mona", "thread backfill", where="film-talk")
    assert await finished(backfill) == (
        "Done. Read 2 messages: 1 new, 0 with a newer edit, 1 already stored, 0 deleted on Discord since."
    )
    assert await backfill.is_ephemeral()

    tree = await emu.slash("Alice", "thread tree", where="film-talk")
    text = await tree.text()
    assert NEVER_SAW not in text
    assert [level for level, _ in outline_lines(text)] == [0, 1]
    again = await emu.slash("Mona", "thread backfill", where="film-talk")
    assert "0 new" in await finished(again)
    assert [m.message_id for m in await stored(bot, emu, before["channel_id"])] == [
        int(before["id"]),
        int(reply["id"]),
    ]

    untracked = await emu.slash("Mona", "thread untrack", where="film-talk")
    assert "no longer tracked; the messages already kept stay" in await untracked.text()
    await emu.post("Bob", "film-talk", "Nobody keeps this one")
    assert len(await stored(bot, emu, before["channel_id"])) == 2
    for record in (refused, tracked, tree, untracked):
        assert emu.pings(await record.reply()) == set()


async def test_names_attachments_and_edits_are_kept_safely(emu, bot):
    emu.world.add_user("@everyone *star*")
    thread = await open_discussion(bot, emu)
    first = await emu.post("@everyone *star*", thread, "Look at this", attachments=["poster.png"])
    answer = await emu.post("Bob", thread, "<script>alert(1)</script> nice", reply_to=first)
    await stored(bot, emu, thread)  # both captured before the edit arrives
    await emu.edit(answer, "nice poster")

    record = await emu.slash("Carol", "thread tree", where=thread)
    reply = await record.reply()
    text = message_text(reply)
    assert emu.pings(reply) == set()
    assert "**@\u200beveryone \\*star\\*** ·" in text  # shown literally, cannot ping
    assert "📎 poster.png" in text
    assert f"\n{INDENT}{INDENT}nice poster" in text and "*(edited)*" in text

    messages = {m.message_id: m for m in await stored(bot, emu, thread)}
    author = messages[int(first["id"])]
    assert (author.author_name, author.attachments) == ("@everyone *star*", ("poster.png",))
    versions = await bot.services.replies.versions(int(answer["id"]))
    assert [v.content for v in versions] == ["<script>alert(1)</script> nice"]

    exported = await emu.slash("Carol", "thread export", where=thread, format="html")
    html = emu.store.files[(await exported.reply())["attachments"][0]["id"]].data.decode()
    assert "<script>" not in html and "@everyone *star*" in html
    assert html.index("@everyone *star*") < html.index("nice poster")


async def test_a_private_channels_comments_do_not_leak_through_a_message_id(
    emu, start_bot, settings
):
    view = str(discord.Permissions(view_channel=True).value)
    emu.world.add_channel(
        "mod-chat",
        permission_overwrites=[
            {"id": emu.world.role_id("Member"), "type": 0, "allow": "0", "deny": view},
            {"id": emu.world.role_id("Moderator"), "type": 0, "allow": view, "deny": "0"},
        ],
    )
    async with start_bot(settings):
        await (await emu.slash("Mona", "thread track", where="mod-chat")).reply()
        secret = await emu.post("Mona", "mod-chat", "Bob is on his last warning")

        record = await emu.slash("Alice", "thread tree", where="general", message=secret["id"])
        text = await record.text()
        assert "not in a channel of this server that you can read" in text
        assert "last warning" not in text
        allowed = await emu.slash("Mona", "thread tree", where="general", message=secret["id"])
        assert "Bob is on his last warning" in await allowed.text()
