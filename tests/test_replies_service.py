"""What the /thread commands will show: the outline, the chain, and the original for moderators."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from replies_support import THREAD, message, mid, open_repository

from bot import limits
from bot.errors import InvalidInput, NotFound
from bot.replies.saving import save_messages
from bot.replies.text import clip
from bot.replies.views import (
    chain_outline,
    original_text,
    parse_message_ref,
    remover,
    thread_outline,
)

ROOT = Path(__file__).parent.parent


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


async def test_members_reply_delete_and_a_moderator_removes_and_the_tree_shows_it(repo):
    await save_messages(
        repo,
        [
            message(1, text="Was Miss Emily kind?", author="Kathy"),
            message(2, 1, text="Not really.", author="Ruth"),
            message(3, 2, text="She tried, in her way.", author="Tommy"),
            message(4, 3, text="Insulting nonsense", author="Troll"),
            message(5, 4, text="Let's keep it civil.", author="Kathy"),
        ],
    )
    await repo.mark_deleted(mid(2))
    await repo.mark_removed(mid(4), by=900)

    page = (await thread_outline(repo, THREAD)).pages[0]

    lines = page.splitlines()
    assert [line.strip("\u2003↳ ").split(" · ")[0] for line in lines[::2]] == [
        "**Kathy**",
        "**Ruth**",
        "**Tommy**",
        "**Troll**",
        "**Kathy**",
    ]
    assert lines[3].strip() == "*[deleted by its author]*"
    assert lines[7].strip() == "*[removed by a moderator]*"
    assert lines[9].strip() == "Let's keep it civil."
    assert "Not really" not in page and "Insulting" not in page


async def test_the_chain_of_a_reply_under_a_tombstone(repo):
    await save_messages(repo, [message(1), message(2, 1), message(3, 2), message(4, 1)])
    await repo.mark_removed(mid(2), "screener")

    page = (await chain_outline(repo, mid(3))).pages[0]

    assert "[removed by a moderator]" in page
    assert "➤ **member3**" in page
    assert "comment 4" not in page  # a sibling branch is not part of this chain


async def test_unknown_threads_and_messages_are_explained(repo):
    with pytest.raises(NotFound, match="No messages of this thread"):
        await thread_outline(repo, 1)
    with pytest.raises(NotFound, match="no record of that message"):
        await chain_outline(repo, 1)
    with pytest.raises(NotFound, match="no record of that message"):
        await original_text(repo, 1)


async def test_moderators_read_the_original_and_its_earlier_versions(repo):
    await save_messages(repo, [message(1, text="first @everyone")])
    await save_messages(repo, [message(1, text="second", edited_minutes=20)])
    await repo.mark_removed(mid(1), by=900)

    text = await original_text(repo, mid(1))

    lines = text.splitlines()
    assert lines[0].startswith("**member1** · <t:") and lines[0].endswith(
        "removed by a moderator (<@900>)"
    )
    assert lines[1] == "second"
    assert lines[3].startswith("*Version 1, replaced <t:")
    assert lines[4] == "first @\u200beveryone"


async def test_a_long_original_fits_the_embed(repo):
    await save_messages(repo, [message(1, text="word " * 2000 + "||end||")])

    text = await original_text(repo, mid(1))

    assert len(text) <= limits.EMBED_DESCRIPTION and text.endswith("…")


def test_clip_never_cuts_inside_a_spoiler():
    assert clip("abc ||secret words|| tail", 12) == "abc…"
    assert clip("short", 10) == "short"


def test_the_reply_chain_core_never_imports_discord():
    files = [*ROOT.joinpath("bot", "replies").glob("*.py"), ROOT / "storage" / "replies.py"]
    files += [ROOT / "storage" / "reply_imports.py", ROOT / "bot" / "cli" / "threads.py"]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "discord" or n.startswith("discord.") for n in names), path


def test_a_message_is_named_by_its_link_or_id():
    assert parse_message_ref(" 1234567890123 ") == 1234567890123
    link = "https://discord.com/channels/700/5000/10001"
    assert parse_message_ref(link) == 10001
    assert parse_message_ref("https://ptb.discord.com/channels/@me/5/6") == 6
    with pytest.raises(InvalidInput, match="paste a message link"):
        parse_message_ref("the third comment")


def test_who_removed_a_comment_reads_naturally():
    assert remover("900") == "<@900>"
    assert remover("screener") == "the screener"
    assert remover("bulk delete") == "bulk delete"
    assert remover("@everyone") == "@\u200beveryone"
