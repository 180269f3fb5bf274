"""The community features' services, built once at start-up (Services.start).

The cogs see these services only; each wraps its repositories (storage/community.py,
storage/community_nights.py) and runs on the clock it is given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

from bot.community.club import ClubSettings, Reactions, Watchlist
from bot.community.movienight import MovieNights
from bot.community.reviews import ReviewService, ScreenText
from bot.discussions.service import Discussions
from bot.films.model import FilmDetails
from bot.moderation.clock import Clock
from bot.moderation.scheduler import ExpiryScheduler
from bot.screening.policy import decide
from bot.screening.results import Outcome
from bot.screening.service import ScreeningService
from bot.spoilers.guard import SpoilerGuard
from storage.community import (
    CommunitySettingsRepository,
    MemberReviewRepository,
    ReactionRepository,
)
from storage.community_nights import MovieNightRepository, WatchlistRepository


@dataclass(frozen=True)
class Community:
    """What the community cogs use: settings, reviews, reactions, watchlist, movie nights."""

    settings: ClubSettings
    reviews: ReviewService
    reactions: Reactions
    watchlist: Watchlist
    movie_nights: MovieNights


def build_community(
    conn: aiosqlite.Connection,
    guard: SpoilerGuard,
    discussions: Discussions,
    screen: ScreenText | None,
    scheduler: ExpiryScheduler,
    clock: Clock,
) -> Community:
    """The community services on the bot's connection, scheduler and clock."""
    reviews = MemberReviewRepository(conn)
    return Community(
        settings=ClubSettings(CommunitySettingsRepository(conn)),
        reviews=ReviewService(reviews, guard, discussions, clock, screen),
        reactions=Reactions(ReactionRepository(conn)),
        watchlist=Watchlist(WatchlistRepository(conn), clock),
        movie_nights=MovieNights(MovieNightRepository(conn), scheduler, clock),
    )


def review_screener(
    screening: Callable[[], ScreeningService | None],
    film_details: Callable[[int], Awaitable[FilmDetails | None]],
) -> ScreenText:
    """Screen a review's text by the server's policy (a pass while the model still loads)."""

    async def screen(guild_id: int, text: str, film_id: int) -> Outcome:
        service = screening()
        if service is None or service.pipeline is None:
            return Outcome.PASS
        policy = await service.policy(guild_id)
        if not policy.enabled:
            return Outcome.PASS
        result = await service.pipeline.screen(text, await film_details(film_id))
        return decide(result.scores, policy).outcome

    return screen
