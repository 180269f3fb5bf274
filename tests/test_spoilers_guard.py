"""The spoiler guard's decisions: takedowns, re-post parts, webhook names, detector cache."""

from __future__ import annotations

import asyncio

import pytest

from bot import limits
from bot.discussions.service import Discussions
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.films.catalog import FilmCatalog, ensure_curated
from bot.spoilers.community import CommunityTerms
from bot.spoilers.format import hidden_text, unhidden_text
from bot.spoilers.guard import (
    GUARD_FOOTER,
    DetectorCache,
    NoGuardRecord,
    SpoilerGuard,
    check_can_tag,
    repost_parts,
)
from bot.spoilers.model import NoteStatus
from storage.discussions import (
    DiscussionRepository,
    DiscussionSettingsRepository,
    SpoilerGuardRepository,
)
from storage.spoiler_terms import SpoilerTermRepository
from tests.films_support import migrated

SPOILER = "What a film. Tommy dies at the end and Kathy becomes a donor. Loved the score though."


@pytest.fixture
async def conn(tmp_path):
    connection = await migrated(tmp_path / "bot.sqlite3")
    await ensure_curated(connection)
    yield connection
    await connection.close()


@pytest.fixture
def discussions(conn):
    return Discussions(DiscussionRepository(conn), DiscussionSettingsRepository(conn))


@pytest.fixture
async def guard(conn, discussions):
    films = FilmCatalog(conn)
    terms = CommunityTerms(SpoilerTermRepository(conn))
    return SpoilerGuard(discussions, SpoilerGuardRepository(conn), films.get_details, terms=terms)


async def open_thread(discussions, thread_id=100, policy="tagged-only", film_id=1):
    return await discussions.open(
        guild_id=10,
        channel_id=20,
        thread_id=thread_id,
        film_id=film_id,
        film_label="Never Let Me Go (2010)",
        spoiler_policy=policy,
        created_by=30,
        auto_archive_minutes=10080,
    )


async def test_review_tags_reveals_only_in_tagged_only_threads(guard, discussions):
    await open_thread(discussions, 100)
    await open_thread(discussions, 101, policy="allowed")
    takedown = await guard.review(100, SPOILER)
    assert takedown.parts == (
        "What a film. ||Tommy dies at the end and Kathy becomes a donor.|| Loved the score "
        f"though.\n{GUARD_FOOTER}",
    )
    assert takedown.trigger == "guard" and takedown.sensitivity == "medium"
    assert "re-posted with 1 sentence" in takedown.note
    assert await guard.review(101, SPOILER) is None
    assert await guard.review(999, SPOILER) is None  # not a discussion
    assert await guard.review(100, "Lovely cinematography.") is None
    assert await guard.review(100, "") is None


async def test_keep_is_idempotent_and_records_the_steps(guard, discussions):
    await open_thread(discussions)
    takedown = await guard.review(100, SPOILER)
    kept = await guard.keep(takedown, message_id=7, author_id=8, text=SPOILER)
    again = await guard.keep(takedown, message_id=7, author_id=8, text="changed")
    assert again.id == kept.id and again.original_text == SPOILER
    assert await guard.already_handled(7) and not await guard.already_handled(6)
    record = await guard.reposted(kept.id, [70, 71])
    record = await guard.reposted(record.id, [71, 72])  # a step run again adds nothing twice
    assert record.repost_message_ids == (70, 71, 72)
    record = await guard.taken_down(record.id)
    record = await guard.noted(record.id, NoteStatus.CLOSED)
    assert record.original_deleted_at is not None and record.note_status == "closed"
    assert await guard.record_for(7) == record and await guard.record_for(6) is None
    assert [r.id for r in await guard.records_in(100)] == [record.id]
    with pytest.raises(NoGuardRecord, match="No spoiler guard record matches"):
        await guard.taken_down(999)


async def test_on_request_hides_the_whole_comment(guard, discussions):
    await open_thread(discussions, policy="allowed")
    takedown = await guard.on_request(
        100, "I cried at @everyone's *favourite* scene.", by_author=True
    )
    (part,) = takedown.parts
    assert "@\u200beveryone" in part  # inert
    assert hidden_text(part) == "I cried at @everyone's favourite scene."
    assert unhidden_text(part).strip() == "-# Spoiler tags added at the author's request."
    kept = await guard.keep(takedown, message_id=5, author_id=6, text="x")
    assert kept.note_status == "not_applicable" and kept.trigger == "member"
    with pytest.raises(InvalidInput, match="film discussion threads"):
        await guard.on_request(999, "text", by_author=True)
    with pytest.raises(InvalidInput, match="no text"):
        await guard.on_request(100, "   ", by_author=False)


def test_repost_parts_fit_and_end_with_the_footer():
    text = ("word " * 900).strip()
    parts = repost_parts(f"||{text}||", GUARD_FOOTER)
    assert len(parts) == 3 and all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    assert parts[-1].endswith(GUARD_FOOTER) and all(p.count("||") == 2 for p in parts)
    assert repost_parts("", "-# f") == ("-# f",)


def test_only_authors_and_moderators_may_tag():
    check_can_tag(is_author=True, is_moderator=False)
    check_can_tag(is_author=False, is_moderator=True)
    with pytest.raises(PermissionDenied, match="your own messages"):
        check_can_tag(is_author=False, is_moderator=False)


async def test_detectors_are_built_once_per_film_and_sensitivity(conn):
    films = FilmCatalog(conn)
    loads = []

    async def load(film_id):
        loads.append(film_id)
        return await films.get_details(film_id)

    cache = DetectorCache(load, size=2)
    first, second = await asyncio.gather(cache.get(1, "medium"), cache.get(1, "medium"))
    assert first is second and loads == [1]
    assert (await cache.get(1, "high")).sensitivity.value == "high"
    assert await cache.get(1, "medium") is first  # now the most recently used
    assert await cache.get(404, "medium") is None  # gone from the catalog: not kept
    await cache.get(1, "low")  # high, the least recently used, was dropped to make room
    assert await cache.get(1, "medium") is first
    assert loads == [1, 1, 404, 1]
    await cache.get(1, "high")
    assert loads == [1, 1, 404, 1, 1]


async def test_missing_film_is_reported_as_not_found_by_the_loader(conn):
    with pytest.raises(NotFound):
        await FilmCatalog(conn).get_details(404)
