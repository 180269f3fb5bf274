"""Spoilers stay hidden the way Discord reads markdown, and names and titles show neutral.

Every rendered message is read back with the independent simple-markdown oracle
(tests/discord_oracle.py): what it shows before any click must hold no spoiler text.
"""

from __future__ import annotations

from bot.sandbox.emulator.interactions import message_text
from tests.discord_oracle import reveal
from tests.e2e._discussions import GuardWatch, add_film, thread_id_in
from tests.e2e._discussions import open_discussion as start_discussion
from tests.e2e._moderation import use_log_channel, wait_for_log
from tests.e2e._replies import open_discussion, settled


def reposts(emu, thread_id: str) -> list[dict]:
    return [m for m in emu.messages_in(thread_id) if m.get("webhook_id")]


async def test_italics_around_a_reveal_cannot_carry_it_past_the_tags(emu, bot):
    watch = GuardWatch(bot)
    thread_id = await start_discussion(emu, "film-talk")
    original = await emu.post("Alice", thread_id, "*Great film. Tommy dies at the end* ok")
    await watch.result(original, acted=True)
    (repost,) = reposts(emu, thread_id)
    body = repost["content"].split("\n-# ")[0]
    shown, hidden = reveal(body)
    assert "Tommy" not in shown and "dies" not in shown, body
    assert "Tommy dies at the end" in hidden


async def test_bars_glued_to_a_url_are_not_tags(emu, bot):
    watch = GuardWatch(bot)
    thread_id = await start_discussion(emu, "film-talk")
    text = "https://example.com/review||Tommy dies at the end||"
    assert "Tommy" in reveal(text)[0]  # Discord's URL rule swallows the bars: all shown
    original = await emu.post("Alice", thread_id, text)
    record = await watch.result(original, acted=True)
    assert record.trigger == "guard"
    (repost,) = reposts(emu, thread_id)
    shown, hidden = reveal(repost["content"].split("\n-# ")[0])
    assert "Tommy" not in shown and "dies" not in shown
    assert "Tommy dies at the end" in hidden


TRICKY = [
    "Code first: `a || b` then ||Tommy dies at the end||",
    "Escaped \\|\\| bars, then ||Ruth completes||",
    "```\nx || y\n```\nand ||Kathy becomes a carer|| after",
]
SECRETS = ["Tommy", "Ruth", "Kathy"]


async def tricky_discussion(bot, emu) -> tuple[str, list[dict]]:
    thread = await open_discussion(bot, emu)
    posted = [await emu.post("Alice", thread, TRICKY[0])]
    for text in TRICKY[1:]:
        posted.append(await emu.post("Bob", thread, text, reply_to=posted[-1]))
    await settled(bot, emu)
    return thread, posted


async def test_tree_and_reply_chain_keep_tags_around_code_and_escapes(emu, bot):
    thread, posted = await tricky_discussion(bot, emu)
    tree = message_text(await (await emu.slash("Carol", "thread tree", where=thread)).reply())
    chain = await (await emu.context_menu("Carol", "Show reply chain", posted[1])).text()
    for page in (tree, chain):
        shown, hidden = reveal(page)
        assert not [s for s in SECRETS if s in shown], page
        assert all(s in hidden for s in SECRETS)
    assert "`a || b`" in tree  # code shown as code, not turned into spaces


async def test_html_export_renders_markdown_and_click_to_reveal_spoilers(emu, bot):
    thread = await open_discussion(bot, emu)
    await emu.post("Alice", thread, "you *liked* The Island? `code` ||Tommy dies||")
    await emu.post("Bob", thread, "Escaped \\|\\| bars, then ||Ruth completes||")
    await settled(bot, emu)
    record = await emu.slash("Bob", "thread export", where=thread, format="html")
    (attachment,) = (await record.reply())["attachments"]
    page = emu.store.files[attachment["id"]].data.decode()
    assert "you <em>liked</em> The Island? <code>code</code>" in page
    assert "*liked*" not in page
    spoiler = '<details class="spoiler"><summary>spoiler</summary><span>'
    assert f"{spoiler}Tommy dies</span></details>" in page
    assert f"Escaped || bars, then {spoiler}Ruth completes</span></details>" in page


async def test_film_titles_with_mention_markup_open_neutral_threads(emu, bot):
    film_id = await add_film(bot, "<@&42> @everyone </ban:7> <#9>", 2001)
    record = await emu.slash("Mona", "discuss start", film=f"#{film_id}", channel="film-talk")
    text = await record.text()
    thread = emu.world.channels[thread_id_in(text)]
    for shown in (thread["name"], text):
        for markup in ("<@&42>", "@everyone", "</ban:7>", "<#9>"):
            assert markup not in shown, shown
    assert thread["name"].replace("\u200b", "").startswith("<@&42> @everyone </ban:7> <#9>")
    opener = emu.messages_in(thread["id"])
    assert all(emu.pings(m) == set() for m in opener)
    for message in opener:
        for markup in ("<@&42>", "@everyone", "<#9>"):
            assert markup not in message_text(message)


async def test_nicknames_with_mention_markup_show_neutral_in_the_mod_log(emu, bot):
    await use_log_channel(bot, emu)
    bob = emu.world.user_id("Bob")
    member = emu.world.members[bob]
    member["nick"] = "<@&42> **Bob** @here"
    await emu.gateway.dispatch("GUILD_MEMBER_UPDATE", {**member, "guild_id": emu.world.guild["id"]})
    await settled(bot, emu)
    assert bot.get_guild(int(emu.world.guild["id"])).get_member(int(bob)).nick == member["nick"]

    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    reply = await record.text()
    entry = await wait_for_log(emu, "Case #1 · Warning")
    for text in (entry, reply):
        assert "<@&42>" not in text and "@here" not in text and "**Bob**" not in text, text
    assert f"(`{bob}`)" in entry
