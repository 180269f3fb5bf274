"""Who may open discussions, what the bot needs, forum tags, list pages, the staleness check."""

from __future__ import annotations

import pytest

from bot.discussions.model import DiscussionSettings
from bot.discussions.rules import (
    AlreadyOpen,
    check_bot_can_open,
    check_starter,
    forum_tags_for,
    list_pages,
    settings_text,
)
from bot.discussions.service import Discussions
from bot.errors import PermissionDenied
from bot.spoilers.model import NoteStatus, Sensitivity
from storage.db import connect
from storage.discussions import (
    DiscussionRepository,
    DiscussionSettingsRepository,
    SpoilerGuardRepository,
)
from storage.migrate import migrate

TEXT_NEEDS = {
    "create_public_threads",
    "send_messages_in_threads",
    "embed_links",
    "manage_messages",
    "manage_webhooks",
}


@pytest.fixture
async def conn(tmp_path):
    connection = await connect(tmp_path / "bot.sqlite3")
    await migrate(connection)
    yield connection
    await connection.close()


@pytest.fixture
def discussions(conn):
    return Discussions(DiscussionRepository(conn), DiscussionSettingsRepository(conn))


async def open_one(repo, thread_id, *, channel_id=20, film_id=1, label="Never Let Me Go (2010)"):
    return await repo.open(
        guild_id=10,
        channel_id=channel_id,
        thread_id=thread_id,
        film_id=film_id,
        film_label=label,
        spoiler_policy="tagged-only",
        created_by=30,
        auto_archive_minutes=10080,
    )


def test_missing_permissions_are_all_named():
    check_bot_can_open(TEXT_NEEDS, forum=False, channel_name="film-talk")
    check_bot_can_open({"administrator"}, forum=True, channel_name="film-forum")
    with pytest.raises(PermissionDenied) as refused:
        check_bot_can_open(TEXT_NEEDS - {"manage_webhooks"}, forum=False, channel_name="x")
    assert "I need the **Manage Webhooks** permission there. Nothing was created." in str(
        refused.value
    )
    with pytest.raises(PermissionDenied) as refused:
        check_bot_can_open(TEXT_NEEDS, forum=True, channel_name="film-forum")
    assert "#film-forum: I need the **Send Messages** permission" in str(refused.value)
    with pytest.raises(PermissionDenied) as refused:
        check_bot_can_open(set(), forum=False, channel_name="x")
    assert "**Create Public Threads**, **Send Messages in Threads**, " in str(refused.value)


def test_starters_are_moderators_or_hold_the_role():
    check_starter(is_moderator=True, starter_role_id=None, role_ids=[])
    check_starter(is_moderator=False, starter_role_id=5, role_ids=[4, 5])
    with pytest.raises(PermissionDenied, match="Only moderators can open"):
        check_starter(is_moderator=False, starter_role_id=None, role_ids=[5])
    with pytest.raises(PermissionDenied, match="members with the <@&5> role"):
        check_starter(is_moderator=False, starter_role_id=5, role_ids=[4])


def test_forum_tags_match_genres_across_spellings():
    tags = [(1, "Drama"), (2, "Science Fiction"), (3, "Horror"), (4, "Rom-Com")]
    assert forum_tags_for(["Sci-Fi", "drama"], tags) == [1, 2]
    assert forum_tags_for(["Western"], tags) == []
    many = [(i, f"Genre {i}") for i in range(10)]
    assert forum_tags_for([f"genre {i}" for i in range(10)], many) == [0, 1, 2, 3, 4]


async def test_list_pages_link_threads_and_neutralise_labels(discussions):
    repo = discussions
    assert "No open discussions" in list_pages([], heading="**Open**")[0]
    for n in range(12):
        await open_one(repo, 100 + n, film_id=n, label=f"@everyone *Film* {n} (2001)")
    pages = list_pages(await repo.list_open(10), heading="**Open**")
    assert len(pages) == 2 and pages[1].count("\n") == 2
    assert (
        "<#111> · @\u200beveryone \\*Film\\* 11 (2001) · spoilers tagged-only · opened <t:"
        in (pages[0])
    )


def test_settings_text_names_every_option():
    text = settings_text(
        DiscussionSettings(10, starter_role_id=7, guard_sensitivity=Sensitivity.HIGH)
    )
    assert "moderators, and the role <@&7>" in text and "1 week" in text
    assert "tagged-only" in text and "sensitivity: high" in text
    assert "Who can open discussions: moderators only\n" in settings_text(DiscussionSettings(10))
    everyone = settings_text(DiscussionSettings(10, starter_role_id=10))
    assert "Who can open discussions: everyone\n" in everyone and "<@&" not in everyone


async def test_a_thread_discord_archived_meanwhile_does_not_block(discussions):
    repo = discussions
    await open_one(repo, 100)

    async def gone(discussion):
        return False

    async def there(discussion):
        return True

    with pytest.raises(AlreadyOpen):
        await repo.check_can_open(20, 1, still_open=there)
    await repo.check_can_open(20, 1, still_open=gone)
    assert (await repo.by_thread(100)).archived
    assert [d.thread_id for d in await repo.list_archived(10)] == [100]
    await repo.check_can_open(20, 1)  # nothing open any more


async def test_note_status_and_settings_round_trip(conn, discussions):
    discussion = await open_one(discussions, 100)
    records = SpoilerGuardRepository(conn)
    record = await records.record(
        discussion, original_message_id=1, author_id=2, original_text="a", rewritten_text="||a||"
    )
    assert record.note_status == "pending"
    closed = await records.set_note_status(record.id, NoteStatus.CLOSED)
    assert closed.note_status == "closed"
    assert await records.set_note_status(999, NoteStatus.SENT) is None  # no such record
    assert (await records.by_original(1)).note_status == "closed"
    assert (await discussions.set_starter_role(10, 7)).starter_role_id == 7
    assert (await discussions.set_starter_role(10, None)).starter_role_id is None
