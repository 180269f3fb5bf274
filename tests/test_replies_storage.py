"""Storing captured messages: idempotent upserts, edit history, tombstones, tracked channels."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from replies_support import GUILD, THREAD, message, mid, open_repository

from bot.replies.model import MessageState
from bot.replies.saving import refresh_structure, save_messages
from bot.replies.scope import CaptureScope


@pytest.fixture
async def repo(tmp_path):
    async with open_repository(tmp_path) as repository:
        yield repository


async def count_rows(repo, table: str) -> int:
    async with repo._conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        return (await cur.fetchone())[0]


async def test_messages_are_stored_with_parent_root_and_depth(repo):
    outcome = await repo.upsert_messages(
        [message(1), message(2, 1, attachments=("poster.png",)), message(3, 2)]
    )

    assert outcome.inserted == [mid(1), mid(2), mid(3)]
    stored = {m.message_id: m for m in await repo.thread_messages(THREAD)}
    assert [(m.parent_id, m.root_id, m.depth) for m in stored.values()] == [
        (None, mid(1), 0),
        (mid(1), mid(1), 1),
        (mid(2), mid(1), 2),
    ]
    assert stored[mid(2)].attachments == ("poster.png",)
    assert stored[mid(2)].guild_id == GUILD
    assert stored[mid(3)].created_at.tzinfo is not None


async def test_storing_the_same_messages_again_changes_nothing(repo):
    batch = [message(1), message(2, 1)]
    await repo.upsert_messages(batch)

    again = await repo.upsert_messages(batch + batch)

    assert again.inserted == [] and again.edited == [] and again.unchanged == 4
    assert await count_rows(repo, "reply_messages") == 2
    assert await count_rows(repo, "reply_message_versions") == 0


async def test_an_edit_keeps_the_previous_text_as_a_version(repo):
    await repo.upsert_messages([message(1, text="Kathy is the narrator")])

    outcome = await repo.upsert_messages(
        [message(1, text="Kathy H. is the narrator", edited_minutes=30)]
    )

    assert outcome.edited == [mid(1)]
    current = await repo.get_message(mid(1))
    assert current.content == "Kathy H. is the narrator"
    assert current.edited_at is not None
    versions = await repo.versions(mid(1))
    assert [(v.version, v.content) for v in versions] == [(1, "Kathy is the narrator")]
    assert versions[0].replaced_at == current.edited_at


async def test_an_older_copy_does_not_overwrite_a_newer_edit(repo):
    await repo.upsert_messages([message(1, text="second", edited_minutes=60)])

    stale = await repo.upsert_messages([message(1, text="first")])
    older_edit = await repo.upsert_messages([message(1, text="between", edited_minutes=30)])

    assert stale.unchanged == 1 and older_edit.unchanged == 1
    assert (await repo.get_message(mid(1))).content == "second"
    assert await repo.versions(mid(1)) == []


async def test_two_edits_in_one_batch_keep_both_earlier_texts(repo):
    await repo.upsert_messages(
        [
            message(1, text="v1"),
            message(1, text="v2", edited_minutes=5),
            message(1, text="v3", edited_minutes=9),
        ]
    )

    assert (await repo.get_message(mid(1))).content == "v3"
    assert [v.content for v in await repo.versions(mid(1))] == ["v1", "v2"]


async def test_a_reply_to_a_message_never_seen_keeps_its_parent_id(repo):
    await repo.upsert_messages([message(5, 4)])

    stored = await repo.get_message(mid(5))

    assert stored.parent_id == mid(4)
    assert (stored.root_id, stored.depth) == (mid(5), 0)


async def test_a_reply_to_a_message_in_another_channel_starts_its_own_chain(repo):
    await repo.upsert_messages([message(1, thread=6000), message(2, 1)])

    stored = await repo.get_message(mid(2))

    assert (stored.parent_id, stored.root_id, stored.depth) == (mid(1), mid(2), 0)
    assert [m.message_id for m in await repo.chain_messages(mid(2))] == [mid(2)]


async def test_a_parent_arriving_after_its_replies_relinks_them(repo):
    await save_messages(repo, [message(3, 2), message(4, 3)])

    await save_messages(repo, [message(1), message(2, 1)])

    stored = {m.message_id: m for m in await repo.thread_messages(THREAD)}
    assert [(stored[mid(n)].root_id, stored[mid(n)].depth) for n in (1, 2, 3, 4)] == [
        (mid(1), 0),
        (mid(1), 1),
        (mid(1), 2),
        (mid(1), 3),
    ]


async def test_deleted_and_removed_messages_keep_their_original_text(repo):
    await repo.upsert_messages([message(1, text="my take"), message(2, 1, text="rude words")])

    assert await repo.mark_deleted(mid(1)) is True
    assert await repo.mark_removed(mid(2), by=4242) is True

    deleted, removed = await repo.get_message(mid(1)), await repo.get_message(mid(2))
    assert (deleted.state, deleted.content) == (MessageState.DELETED_BY_AUTHOR, "my take")
    assert (removed.state, removed.content) == (MessageState.REMOVED_BY_MODERATOR, "rude words")
    assert removed.removed_by == "4242"
    assert await count_rows(repo, "reply_messages") == 2


async def test_a_removal_wins_over_the_delete_event_it_causes_in_either_order(repo):
    await repo.upsert_messages([message(1), message(2)])

    await repo.mark_removed(mid(1), "screener")
    assert await repo.mark_deleted(mid(1)) is False
    await repo.mark_deleted(mid(2))
    assert await repo.mark_removed(mid(2), "screener") is True

    for number in (1, 2):
        stored = await repo.get_message(mid(number))
        assert (stored.state, stored.removed_by) == (MessageState.REMOVED_BY_MODERATOR, "screener")


async def test_marking_an_unknown_message_changes_nothing(repo):
    assert await repo.mark_deleted(mid(99)) is False
    assert await repo.mark_removed(mid(99), "screener") is False
    assert await count_rows(repo, "reply_messages") == 0


async def test_chain_is_ancestors_the_message_and_its_replies_only(repo):
    await repo.upsert_messages(
        [message(1), message(2, 1), message(3, 2), message(4, 3), message(5, 2), message(6, 1)]
    )

    chain = await repo.chain_messages(mid(3))

    assert [m.message_id for m in chain] == [mid(1), mid(2), mid(3), mid(4)]


async def test_thread_list_shows_size_title_and_activity(repo):
    await repo.upsert_messages([message(1), message(2, 1), message(3, thread=6000)])
    await repo.set_thread_title(THREAD, GUILD, "Never Let Me Go (2010)")

    threads = {t.thread_id: t for t in await repo.list_threads()}

    assert threads[THREAD].title == "Never Let Me Go (2010)"
    assert threads[THREAD].message_count == 2
    assert threads[6000].message_count == 1
    assert (await repo.get_thread(THREAD)).last_at == (await repo.get_message(mid(2))).created_at
    assert await repo.get_thread(1) is None


async def test_tracked_channels_are_captured_and_remembered(repo):
    scope = CaptureScope(repo)
    await scope.load()
    assert scope.wants(GUILD, 42) is False
    assert scope.wants(GUILD, 42, is_discussion_thread=True) is True

    assert await scope.track(GUILD, 42, added_by=1) is True
    assert await scope.track(GUILD, 42, added_by=1) is False

    reloaded = CaptureScope(repo)
    await reloaded.load()
    assert reloaded.wants(GUILD, 42) is True
    assert reloaded.wants(GUILD, 43, parent_id=42) is True
    assert reloaded.wants(GUILD + 1, 42) is False
    assert reloaded.tracked(GUILD) == [42]

    assert await reloaded.untrack(GUILD, 42) is True
    assert reloaded.wants(GUILD, 42) is False
    assert await repo.tracked_channels(GUILD) == []


async def test_a_thread_is_captured_once_found_to_be_a_discussion_or_tracked_elsewhere(repo):
    discussions = {77}
    asked: list[int] = []

    async def is_discussion(thread_id: int) -> bool:
        asked.append(thread_id)
        return thread_id in discussions

    scope = CaptureScope(repo, is_discussion)
    await scope.load()
    assert await scope.captures(GUILD, 77, parent_id=1, is_thread=True) is True
    assert await scope.captures(GUILD, 77, parent_id=1, is_thread=True) is True
    assert asked == [77]  # remembered after the first lookup
    assert await scope.captures(GUILD, 88, parent_id=1, is_thread=True) is False
    assert await scope.captures(GUILD, 1, parent_id=None, is_thread=False) is False
    assert asked == [77, 88]  # a channel that is not a thread is never looked up

    await repo.track_channel(GUILD, 88, None)  # e.g. by `threads import --post`
    assert await repo.is_tracked(GUILD, 88) is True
    assert await scope.captures(GUILD, 88, parent_id=1, is_thread=True) is True
    assert await scope.untrack(GUILD, 88) is True
    assert await scope.captures(GUILD, 88, parent_id=1, is_thread=True) is False


async def test_a_posted_copy_overwrites_what_capture_stored_first(repo):
    await repo.upsert_messages([message(1), message(2, text="-# ↪ replying to … header")])
    copy = message(2, 1, text="the comment itself", author="Blog author")

    await repo.store_posted_copies([copy])
    await refresh_structure(repo, THREAD)

    stored = await repo.get_message(mid(2))
    assert (stored.parent_id, stored.depth, stored.content, stored.author_name) == (
        mid(1),
        1,
        "the comment itself",
        "Blog author",
    )
    await repo.upsert_messages([message(2, text="captured late")])  # the bot's copy, later
    assert (await repo.get_message(mid(2))).content == "the comment itself"
    assert await repo.newest_message_id(THREAD) == mid(2)
    assert await repo.newest_message_id(THREAD + 1) is None


def test_reply_and_journal_storage_import_only_models_from_the_core():
    root = Path(__file__).resolve().parents[1]
    allowed_core = ("bot.errors", "bot.limits")
    for name in ("replies.py", "reply_imports.py", "journal.py", "marks.py"):
        tree = ast.parse((root / "storage" / name).read_text(encoding="utf-8"))
        modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        core = [m for m in modules if m == "bot" or m.startswith("bot.")]
        assert all(m in allowed_core or m.endswith(".model") for m in core), (name, core)
