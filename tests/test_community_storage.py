"""Community services and storage on a real SQLite file: reviews keep versions and tombstones,
ratings count active reviews only, reactions never go negative, the watchlist refuses
duplicates, and movie-night jobs run on the shared scheduler across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.community.club import Watchlist
from bot.community.model import Rating, ReviewDraft, ReviewStatus
from bot.community.reviews import ReviewService
from bot.errors import InvalidInput, NotFound
from bot.moderation.clock import ManualClock
from bot.moderation.scheduler import ExpiryScheduler
from storage.community import MemberReviewRepository, ReactionRepository
from storage.community_nights import WatchlistRepository
from storage.discussions import DiscussionSettingsRepository
from storage.moderation import CaseRepository

GUILD, ALICE, BOB, MOD = 1, 11, 12, 99
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def review_service(db) -> ReviewService:
    """Reviews without the spoiler guard (only prepare() uses it)."""
    repo = MemberReviewRepository(db)
    return ReviewService(repo, None, DiscussionSettingsRepository(db), ManualClock(NOW))


async def test_reviews_keep_versions_tombstones_and_count_only_active_ratings(db):
    reviews = review_service(db)
    first = await reviews.add(GUILD, ALICE, ReviewDraft(7, Rating(6), "Good."), "Moon (2009)")
    await reviews.add(GUILD, BOB, ReviewDraft(7, Rating(10), "Great."), "Moon (2009)")
    with pytest.raises(InvalidInput, match="already reviewed Moon"):
        await reviews.add(GUILD, ALICE, ReviewDraft(7, Rating(2), "Again"), "Moon (2009)")
    revised = await reviews.revise(first.id, ReviewDraft(7, Rating(8), "Better."))
    assert (revised.version, revised.rating.value, revised.text) == (2, 4.0, "Better.")
    (old,) = await reviews.versions(first.id)
    assert (old.version, old.rating.value, old.text) == (1, 3.0, "Good.")
    rating = await reviews.film_rating(GUILD, 7)
    assert (rating.count, rating.mean) == (2, 4.5)

    removed = await reviews.remove(first.id, MOD)
    assert removed.status is ReviewStatus.REMOVED and removed.text == "Better."  # kept
    assert (await reviews.film_rating(GUILD, 7)).count == 1
    again = await reviews.add(GUILD, ALICE, ReviewDraft(7, Rating(4), "Third go."), "Moon")
    assert again.id == first.id and again.active and again.removed_by is None
    assert [v.version for v in await reviews.versions(first.id)] == [1, 2]
    with pytest.raises(NotFound, match="no review #99"):
        await reviews.get(99)
    assert await MemberReviewRepository(db).get(99) is None


async def test_an_edit_reverted_brings_the_previous_version_back_once(db):
    reviews = review_service(db)
    first = await reviews.add(GUILD, ALICE, ReviewDraft(7, Rating(6), "Good."), "Moon (2009)")
    await reviews.revise(first.id, ReviewDraft(7, Rating(8), "Better."))
    back = await reviews.revert(first.id, 1)
    assert (back.version, back.rating.value, back.text) == (1, 3.0, "Good.")
    assert back.updated_at == first.updated_at and await reviews.versions(first.id) == []
    again = await reviews.revert(first.id, 1)  # not at version 2 any more: nothing happens
    assert (again.version, again.text) == (1, "Good.")


async def test_reaction_counts_follow_events_and_catch_up(db):
    reactions = ReactionRepository(db)
    await reactions.change(5, "❤️", +1)
    await reactions.change(5, "❤️", +1)
    await reactions.change(5, "👍", -1)  # a removal seen before its add: stays at zero
    assert await reactions.for_messages([5, 6]) == {5: {"❤️": 2}}
    await reactions.replace(5, {"👍": 3, "❤️": 0})
    assert await reactions.for_messages([5]) == {5: {"👍": 3}}


async def test_the_watchlist_refuses_duplicates_and_unknown_removals(db):
    watchlist = Watchlist(WatchlistRepository(db), ManualClock(NOW))
    await watchlist.add(GUILD, 1, "A (2001)", ALICE)
    await watchlist.add(GUILD, 2, "B (2002)", BOB)
    with pytest.raises(InvalidInput, match=r"already on the watchlist \(suggested by <@11>\)"):
        await watchlist.add(GUILD, 1, "A (2001)", BOB)
    assert [e.film_label for e in await watchlist.entries(GUILD)] == ["A (2001)", "B (2002)"]
    await watchlist.remove(GUILD, 1)
    with pytest.raises(NotFound):
        await watchlist.remove(GUILD, 1)


class Jobs:
    """A job kind that records when it ran and asks to run twice, an hour apart."""

    def __init__(self, pending: list[tuple[int, datetime]]) -> None:
        self._pending = pending
        self.ran: list[tuple[int, datetime]] = []
        self.fail_next = False

    async def pending(self) -> list[tuple[int, datetime]]:
        return list(self._pending)

    async def run(self, job_id: int, now: datetime) -> datetime | None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("Discord said 503")
        self.ran.append((job_id, now))
        return now + timedelta(hours=1) if len(self.ran) == 1 else None


async def test_registered_jobs_run_on_time_retry_and_reload_after_a_restart(db):
    clock = ManualClock(NOW)
    scheduler = ExpiryScheduler(CaseRepository(db), clock, retry_after=timedelta(minutes=5))
    scheduler.set_apply_expiry(lambda case: None)  # type: ignore[arg-type]  # no cases here
    await scheduler.start()
    jobs = Jobs([(3, NOW + timedelta(hours=2))])
    assert await scheduler.register("night", jobs) == 1
    clock.advance(timedelta(hours=1))
    await scheduler.wait_idle()
    assert jobs.ran == []
    jobs.fail_next = True
    clock.advance(timedelta(hours=1))
    await scheduler.wait_idle()
    assert jobs.ran == []  # failed: retried five minutes later
    clock.advance(timedelta(minutes=5))
    await scheduler.wait_idle()
    assert jobs.ran == [(3, NOW + timedelta(hours=2, minutes=5))]
    scheduler.forget_job("night", 3)
    clock.advance(timedelta(hours=2))
    await scheduler.wait_idle()
    assert len(jobs.ran) == 1
    await scheduler.stop()

    restarted = ExpiryScheduler(CaseRepository(db), clock)
    restarted.set_apply_expiry(lambda case: None)  # type: ignore[arg-type]
    await restarted.start()
    late = Jobs([(4, NOW)])  # due while "offline": runs at once
    await restarted.register("night", late)
    await restarted.wait_idle()
    assert late.ran == [(4, clock.now())]
    await restarted.stop()
