"""Members reply to each other deep in a discussion; deletions and removals become tombstones."""

from __future__ import annotations

from bot.replies.model import MessageState
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._moderation import confirm
from tests.e2e._replies import (
    attachment_json,
    nested_ids,
    open_discussion,
    outline_lines,
    settled,
    stored,
)


async def deep_discussion(bot, emu):
    """Seven comments each replying to the one before, and one more top-level comment."""
    thread = await open_discussion(bot, emu)
    authors = ["Alice", "Bob", "Carol", "Dave", "Alice", "Bob", "Carol"]
    chain = [await emu.post("Alice", thread, "Was Miss Emily kind? ||She kept the Gallery||")]
    for number, author in enumerate(authors[1:], start=2):
        chain.append(await emu.post(author, thread, f"reply {number}", reply_to=chain[-1]))
    other = await emu.post("Dave", thread, "A separate thought about the ending")
    return thread, chain, other


async def test_tombstones_keep_their_replies_in_the_tree(emu, bot):
    thread, chain, other = await deep_discussion(bot, emu)
    await emu.delete(chain[1])  # Bob deletes his own comment
    mona = int(emu.world.user_id("Mona"))
    await bot.services.replies.capture.mark_removed(int(chain[2]["id"]), mona)
    await bot.get_channel(int(thread)).get_partial_message(int(chain[2]["id"])).delete()

    record = await emu.slash("Alice", "thread tree", where=thread)
    reply = await record.reply()
    text = message_text(reply)

    assert await record.is_ephemeral() and emu.pings(reply) == set()
    assert "Never Let Me Go (2010) · 8 comments" in text
    lines = outline_lines(text)
    assert [level for level, _ in lines] == [0, 1, 2, 3, 4, 0]  # five levels, then folded
    assert "||She kept the Gallery||" in text  # spoiler tags kept in the excerpt
    body = text.splitlines()
    assert body[body.index(next(b for b in body if "**Bob**" in b)) + 1].strip() == (
        "*[deleted by its author]*"
    )
    assert "*[removed by a moderator]*" in text
    assert "*continue this thread* (2 more replies)" in text
    assert f"/{thread}/{chain[5]['id']})" in text  # the fold links to the first hidden reply
    assert "reply 3" not in text  # the removed text is not shown

    messages = {m.message_id: m for m in await stored(bot, emu, thread)}
    assert messages[int(chain[1]["id"])].state is MessageState.DELETED_BY_AUTHOR
    removed = messages[int(chain[2]["id"])]
    assert (removed.state, removed.removed_by) == (MessageState.REMOVED_BY_MODERATOR, str(mona))
    assert [messages[int(m["id"])].depth for m in chain] == [0, 1, 2, 3, 4, 5, 6]


async def test_the_json_export_matches_the_tree(emu, bot):
    thread, chain, other = await deep_discussion(bot, emu)
    await emu.delete(chain[1])

    record = await emu.slash("Bob", "thread export", where=thread, format="json")
    reply = await record.reply()

    assert await record.is_ephemeral() and emu.pings(reply) == set()
    assert reply["content"].startswith("8 comments of Never Let Me Go (2010) as json")
    document = attachment_json(emu, reply)
    expected: list = []
    for message in reversed(chain):
        expected = [[int(message["id"]), expected]]
    assert nested_ids(document) == expected + [[int(other["id"]), []]]
    assert document[0]["replies"][0]["text"] == "[deleted by its author]"
    assert document[0]["replies"][0]["state"] == "deleted_by_author"
    assert document[0]["author"] == "Alice"
    assert document[0]["text"] == "Was Miss Emily kind? ||She kept the Gallery||"


async def test_reply_chain_menu_and_originals_for_moderators(emu, bot):
    thread, chain, _ = await deep_discussion(bot, emu)
    await emu.edit(chain[3], "reply 4, edited to say more")
    await bot.services.replies.capture.mark_removed(int(chain[3]["id"]), emu.world.user_id("Mona"))
    await bot.get_channel(int(thread)).get_partial_message(int(chain[3]["id"])).delete()
    await settled(bot, emu)

    record = await emu.context_menu("Carol", "Show reply chain", chain[4])
    text = await record.text()
    assert "Reply chain · 7 comments" in text
    assert "⋮ *2 earlier comments in this chain*" in text
    assert "➤ **Alice**" in text  # the chosen comment, marked
    assert "reply 6" in text and "continue this thread" not in text

    refused = await emu.slash("Alice", "thread original", where=thread, message=chain[3]["id"])
    assert "moderator" in (await refused.text()).lower()
    link = f"https://discord.com/channels/{emu.world.guild['id']}/{thread}/{chain[3]['id']}"
    shown = await emu.slash("Mona", "thread original", where=thread, message=link)
    original = await shown.text()
    assert await shown.is_ephemeral()
    assert "reply 4, edited to say more" in original
    assert f"removed by a moderator (<@{emu.world.user_id('Mona')}>)" in original
    assert "Version 1" in original and "reply 4\n" in original + "\n"


async def test_a_purge_leaves_tombstones_removed_by_the_moderator(emu, bot):
    thread = await open_discussion(bot, emu)
    spoiler = await emu.post("Bob", thread, "Ruth dies at the second donation")
    answer = await emu.post("Alice", thread, "Tag your spoilers!", reply_to=spoiler)
    await emu.post("Bob", thread, "And Tommy completes")

    record = await emu.slash("Mona", "mod purge", where=thread, count=3, member="Bob", reason="x")
    clicked = await confirm(emu, "Mona", record, "Delete")
    assert "Case #1" in await clicked.text()

    tree = await (await emu.slash("Carol", "thread tree", where=thread)).text()
    assert tree.count("*[removed by a moderator]*") == 2 and "Ruth dies" not in tree
    assert [level for level, _ in outline_lines(tree)] == [0, 1, 0]
    messages = {m.message_id: m for m in await stored(bot, emu, thread)}
    assert messages[int(spoiler["id"])].removed_by == emu.world.user_id("Mona")
    assert messages[int(answer["id"])].state is MessageState.VISIBLE
