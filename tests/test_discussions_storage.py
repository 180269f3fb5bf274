"""Discussion threads, guild options and spoiler guard records in a real SQLite file."""

from __future__ import annotations

import pytest

from bot.discussions.model import SpoilerPolicy
from bot.discussions.rules import AlreadyOpen, thread_name
from bot.discussions.service import Discussions, NotADiscussion
from bot.errors import InvalidInput, NotFound
from bot.films.curated import load_curated
from bot.spoilers.detect import SpoilerDetector
from bot.spoilers.model import GuardTrigger, Sensitivity
from storage.db import connect
from storage.discussions import (
    DiscussionRepository,
    DiscussionSettingsRepository,
    SpoilerGuardRepository,
)
from storage.migrate import migrate

GUILD, CHANNEL, FORUM, MOD, MEMBER = 10, 20, 21, 30, 31


@pytest.fixture
async def conn(tmp_path):
    connection = await connect(tmp_path / "bot.sqlite3")
    await migrate(connection)
    yield connection
    await connection.close()


@pytest.fixture
def repo(conn):
    """The discussions service on its repositories: the rules and the rows together."""
    return Discussions(DiscussionRepository(conn), DiscussionSettingsRepository(conn))


async def open_nlmg(repo, thread_id=100, channel_id=CHANNEL, policy="tagged-only"):
    return await repo.open(
        guild_id=GUILD,
        channel_id=channel_id,
        thread_id=thread_id,
        film_id=1,
        film_label="Never Let Me Go (2010)",
        spoiler_policy=policy,
        created_by=MOD,
        auto_archive_minutes=10080,
        opener_message_id=500,
    )


async def test_open_links_thread_to_film_and_finds_it(conn, repo):
    opened = await open_nlmg(repo)
    assert opened.tagged_only and not opened.archived
    assert await repo.by_thread(100) == opened
    rows = DiscussionRepository(conn)
    assert await rows.open_for_film(CHANNEL, 1) == opened
    assert await rows.open_for_film(FORUM, 1) is None
    assert [d.thread_id for d in await repo.list_open(GUILD)] == [100]


async def test_second_open_discussion_in_a_channel_is_refused_unless_forced(repo):
    await open_nlmg(repo)
    with pytest.raises(AlreadyOpen, match="<#100>") as refused:
        await repo.check_can_open(CHANNEL, 1)
    assert refused.value.discussion.thread_id == 100
    await repo.check_can_open(FORUM, 1)  # another channel is fine
    await repo.check_can_open(CHANNEL, 1, force=True)
    await open_nlmg(repo, thread_id=101)
    assert len(await repo.list_open(GUILD)) == 2


async def test_archive_then_reopen(repo):
    await open_nlmg(repo)
    archived = await repo.mark_archived(100)
    assert archived.archived and archived.archived_at
    assert await repo.list_open(GUILD) == []
    await repo.check_can_open(CHANNEL, 1)  # an archived one does not block a new one
    reopened = await repo.reopen(100, reopened_by=MOD)
    assert not reopened.archived and reopened.reopened_by == MOD
    with pytest.raises(InvalidInput, match="already open"):
        await repo.reopen(100, reopened_by=MOD)
    assert [d.thread_id for d in await repo.for_film(GUILD, 1)] == [100]


async def test_bad_values_change_nothing(repo):
    await open_nlmg(repo)
    with pytest.raises(InvalidInput, match="60, 1440, 4320, 10080"):
        await repo.set_auto_archive(100, 30)
    with pytest.raises(InvalidInput, match="21,600"):
        await repo.set_slowmode(100, 99999)
    with pytest.raises(InvalidInput, match="allowed or tagged-only"):
        await repo.set_policy(100, "none")
    with pytest.raises(InvalidInput, match="already a film discussion"):
        await open_nlmg(repo)
    with pytest.raises(NotFound, match="<#999> is not a film discussion"):
        await repo.set_slowmode(999, 10)
    with pytest.raises(NotADiscussion):
        await repo.reopen(999, reopened_by=MOD)
    unchanged = await repo.by_thread(100)
    assert (unchanged.auto_archive_minutes, unchanged.slowmode_seconds) == (10080, 0)
    assert unchanged.spoiler_policy == "tagged-only"


async def test_slowmode_archive_time_and_policy_are_kept(repo):
    await open_nlmg(repo)
    await repo.set_slowmode(100, 30)
    await repo.set_auto_archive(100, 1440)
    changed = await repo.set_policy(100, "Allowed")
    assert (changed.slowmode_seconds, changed.auto_archive_minutes) == (30, 1440)
    assert not changed.tagged_only


async def test_thread_survives_its_film_leaving_the_catalog(conn, repo):
    await open_nlmg(repo)  # film 1 is not (or no longer) in the catalog
    async with conn.execute("SELECT COUNT(*) FROM films WHERE id = 1") as cur:
        assert (await cur.fetchone())[0] == 0
    discussion = await repo.by_thread(100)
    assert discussion.film_label == "Never Let Me Go (2010)"
    assert (await repo.set_slowmode(100, 5)).slowmode_seconds == 5


async def test_guild_settings_default_then_change(repo):
    settings = repo
    defaults = await settings.settings(GUILD)
    assert (defaults.starter_role_id, defaults.default_auto_archive_minutes) == (None, 10080)
    assert defaults.guard_sensitivity == "medium"
    await settings.set_starter_role(GUILD, 77)
    await settings.set_default_auto_archive(GUILD, 4320)
    changed = await settings.set_guard_sensitivity(GUILD, "HIGH")
    assert (changed.starter_role_id, changed.default_auto_archive_minutes) == (77, 4320)
    assert changed.guard_sensitivity == "high"
    with pytest.raises(InvalidInput):
        await settings.set_guard_sensitivity(GUILD, "paranoid")
    assert (await settings.settings(GUILD)).guard_sensitivity == "high"


async def test_guard_record_keeps_the_original(conn, repo):
    discussion = await open_nlmg(repo)
    assert discussion.spoiler_policy is SpoilerPolicy.TAGGED_ONLY
    guard = SpoilerGuardRepository(conn)
    details = next(d for d in load_curated() if d.film.title == "Never Let Me Go")
    original = "Loved it. Tommy dies at the end and I cried."
    result = SpoilerDetector(details).guard(original)
    record = await guard.record(
        discussion,
        original_message_id=900,
        author_id=MEMBER,
        original_text=original,
        rewritten_text=result.rewritten,
        reasons=[r for reveal in result.reveals for r in reveal.reasons],
        sensitivity=Sensitivity.MEDIUM,
    )
    assert record.original_text == original and record.repost_message_ids == ()
    record = await guard.add_reposts(record.id, [901, 902])
    record = await guard.mark_original_deleted(record.id)
    assert record.repost_message_ids == (901, 902) and record.original_deleted_at
    assert (await guard.by_repost(902)).original_text == original
    assert [r.id for r in await guard.for_thread(100)] == [record.id]
    assert [r.id for r in await guard.for_author(MEMBER)] == [record.id]
    assert "Tommy" in " ".join(record.reasons)
    assert record.trigger is GuardTrigger.GUARD and record.sensitivity is Sensitivity.MEDIUM
    again = await guard.record(
        discussion, original_message_id=900, author_id=MEMBER, original_text="x", rewritten_text="y"
    )
    assert again.id == record.id and again.original_text == original
    assert await guard.mark_original_deleted(999) is None and await guard.by_repost(1) is None


def test_thread_name_fits_discord():
    assert thread_name("Never Let Me Go (2010)") == "Never Let Me Go (2010) - discussion"
    long = thread_name("A" * 200 + " (1999)")
    assert len(long) == 100 and long.endswith("A… (1999) - discussion")
