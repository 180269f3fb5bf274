"""`threads import FILE --post CHANNEL_ID` as a real process against the emulator, while the bot
runs: the blog's comments land in a new thread under their authors' names, and the tree stored
for that thread keeps the blog's nesting."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from replies_support import open_repository

from bot.cli._poster import post_imported_thread
from bot.errors import PermissionDenied
from bot.replies.tree import build_tree
from bot.replies.wxr import import_wxr
from bot.sandbox.emulator.interactions import message_text
from tests.e2e._replies import outline_lines, settled

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "never_let_me_go_comments.wxr"
# Each comment's depth on the blog page, oldest first (six top-level, replies three deep).
BLOG_DEPTHS = [0, 0, 0, 1, 0, 1, 2, 0, 0, 1, 2, 2, 2, 2, 2]


async def run_cli(emu, database: Path, *argv: str) -> tuple[int, str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))},
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_BASE": emu.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, "--db", str(database),
        env=env, cwd=database.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


def depths(messages) -> list[int]:
    tree = build_tree(messages)
    return [tree.by_id[m.message_id].depth for m in sorted(messages, key=lambda m: m.created_at)]


async def test_the_seed_thread_is_posted_with_its_nesting(emu, start_bot, settings):
    channel = emu.world.channel_id("film-talk")
    async with start_bot(settings) as bot:
        code, out, err = await run_cli(
            emu, settings.database_path, "threads", "import", str(FIXTURE), "--post", channel
        )
        assert code == 0, err
        assert "Imported “Never Let Me Go” as thread -1: 15 comments (6 top-level)." in out
        assert "15/15 comments" in err  # the posting progress line
        (thread,) = [c["id"] for c in emu.world.channels.values() if c.get("parent_id") == channel]
        assert (
            f"Posted 15 comments in the thread “Never Let Me Go”: https://discord.com/channels/{emu.world.guild['id']}/{thread}"
            in out
        )

        posted = emu.messages_in(thread)
        assert len(posted) == 15 and all(m.get("webhook_id") for m in posted)
        assert posted[0]["author"]["username"] == "knottedstar"
        assert posted[0]["content"].startswith("-# 2 March 2017 at 08:14 UTC · from the blog\n")
        reply = posted[3]  # the blog author answering the cinema student
        parent_link = f"/{thread}/{posted[2]['id']})"
        assert reply["content"].startswith("-# ↪ replying to **Cinema student**: I remember")
        assert parent_link in reply["content"].splitlines()[0]
        assert all(emu.pings(m) == set() for m in posted)

        await settled(bot, emu)  # the bot captured the webhook's messages as they came
        copies = await bot.services.replies.thread_messages(int(thread))
        originals = await bot.services.replies.thread_messages(-1)
        assert depths(copies) == depths(originals) == BLOG_DEPTHS
        assert [m.author_name for m in copies] == [m.author_name for m in originals]
        assert [m.posted_message_id for m in originals] == [int(m["id"]) for m in posted]

        record = await emu.slash("Alice", "thread tree", where=thread)
        shown = await record.reply()
        assert shown["embeds"][0]["title"] == "Never Let Me Go · 15 comments"
        pages = [shown["embeds"][0]["description"]]
        turned = await emu.click("Alice", shown, label="Next")  # the outline has two pages
        assert "2/2" in message_text(await turned.wait(lambda r: r.updated_message))
        pages.append(shown["embeds"][0]["description"])  # the same message, edited
        assert all(len(page) <= 4096 for page in pages)
        assert [level for level, _ in outline_lines("\n".join(pages))] == BLOG_DEPTHS

        later = await emu.post("Alice", thread, "I found this thread late", reply_to=posted[0])
        await settled(bot, emu)
        kept = await bot.services.replies.message(int(later["id"]))
        assert kept is not None and kept.parent_id == int(posted[0]["id"])


async def test_posting_needs_a_text_or_forum_channel(emu, settings):
    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    code, _, err = await run_cli(
        emu, settings.database_path, "threads", "import", str(FIXTURE), "--post", "12345"
    )
    assert code == 1
    assert "There is no channel with the id 12345" in err
    assert re.search(r"error: .*\n?$", err)


async def test_a_forum_gets_a_post_opening_the_comments(emu, settings):
    settings = settings.model_copy(update={"discord_api_base": emu.base_url})
    forum = emu.world.channel_id("film-forum")
    async with open_repository(settings.database_path.parent) as repo:
        await import_wxr(repo, FIXTURE)
        posted = await post_imported_thread(repo, -1, int(forum), settings)

        assert posted.posted == 15 and posted.name == "Never Let Me Go"
        starter, *comments = emu.messages_in(str(posted.thread_id))
        assert starter["content"].startswith("15 comments imported from “Never Let Me Go”")
        assert [m["author"]["username"] for m in comments[:2]] == ["knottedstar", "Blog author"]
        stored = await repo.thread_messages(posted.thread_id)
        assert depths(stored) == [0, *BLOG_DEPTHS]  # the forum post's opening message heads it

        emu.world.deny_bot(emu.world.channel_id("general"), manage_webhooks=True)
        channels_before = len(emu.world.channels)
        with pytest.raises(PermissionDenied, match="needs Create Public Threads"):
            await post_imported_thread(repo, -1, int(emu.world.channel_id("general")), settings)
        assert len(emu.world.channels) == channels_before  # no empty thread left behind
