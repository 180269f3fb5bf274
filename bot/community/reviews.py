"""Member reviews: validate, tag reveals, screen, shape the post like the seed blog's review,
and the ratings the server gives (the line on /film info, /film top's Bayesian ranking).

The cog does the Discord side (the thread, the modal, the edit offer); everything a member
reads comes from here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot import limits
from bot.community.model import (
    BAYES_PRIOR_WEIGHT,
    FilmRating,
    Rating,
    Review,
    ReviewDraft,
)
from bot.discussions.service import Discussions
from bot.errors import InvalidInput, PermissionDenied
from bot.films.model import Film
from bot.films.text import plain, truncate
from bot.screening.results import Outcome
from bot.spoilers.format import Document
from bot.spoilers.guard import SpoilerGuard
from bot.text import counted, escape_markdown, neutralise_mentions
from storage.community import MemberReviewRepository

log = logging.getLogger(__name__)

ScreenText = Callable[[int, str, int], Awaitable[Outcome]]  # guild, text, film id -> outcome
TOP_LIMIT = 10


@dataclass(frozen=True)
class PreparedReview:
    """A review ready to post: the draft, and its text with any reveals spoiler-tagged."""

    draft: ReviewDraft
    shown_text: str
    tagged: bool  # the guard tagged something


class ReviewService:
    """Reviews and ratings of one bot (all servers)."""

    def __init__(
        self,
        reviews: MemberReviewRepository,
        guard: SpoilerGuard,
        discussions: Discussions,
        screen: ScreenText | None = None,
    ) -> None:
        self.reviews = reviews
        self._guard = guard
        self._discussions = discussions
        self._screen = screen

    async def prepare(
        self, guild_id: int, film: Film, rating: float | str, text: str, title: str = ""
    ) -> PreparedReview:
        """Validate, screen and spoiler-tag a review; refuses (nothing stored) when it can't go."""
        draft = ReviewDraft(film.id, Rating.parse(rating), text.strip(), title.strip())
        if self._screen is not None and draft.text:
            outcome = await self._screen(guild_id, f"{draft.title}\n{draft.text}", film.id)
            if outcome is Outcome.HIDE:
                raise PermissionDenied(
                    "Screening held your review back as abusive, so it was not posted. "
                    "Rephrase it, or ask a moderator if you think this is wrong."
                )
        shown, tagged = await self._tag_reveals(guild_id, film.id, draft.text)
        return PreparedReview(draft, shown, tagged)

    async def _tag_reveals(self, guild_id: int, film_id: int, text: str) -> tuple[str, bool]:
        """The text with revealing sentences in ||tags|| (the guard's rules for this film)."""
        if not text:
            return text, False
        settings = await self._discussions.settings(guild_id)
        detector = await self._guard.detectors.get(film_id, settings.guard_sensitivity)
        if detector is None:
            return neutralise_mentions(text), False
        result = await asyncio.to_thread(detector.guard, text)
        if result.rewritten is None:
            return neutralise_mentions(text), False
        return result.rewritten, True

    async def existing(self, guild_id: int, film_id: int, author_id: int) -> Review | None:
        """The member's active review of the film, if any (a second /review offers to edit it)."""
        found = await self.reviews.find(guild_id, film_id, author_id)
        return found if found is not None and found.active else None

    async def check_can_remove(self, review: Review, by: int, *, is_moderator: bool) -> None:
        if not review.active:
            raise InvalidInput("That review was already removed.")
        if review.author_id != by and not is_moderator:
            raise PermissionDenied("Only the review's author or a moderator can remove it.")

    async def top(
        self, guild_id: int, *, film_ids: set[int] | None = None, min_ratings: int = 1
    ) -> tuple[list[tuple[FilmRating, float]], float]:
        """Films ranked by Bayesian average, and the prior (the mean of every rating)."""
        ratings = await self.reviews.ratings(guild_id)
        total = sum(r.count for r in ratings)
        prior = sum(r.mean * r.count for r in ratings) / total if total else 0.0
        chosen = [
            r
            for r in ratings
            if r.count >= min_ratings and (film_ids is None or r.film_id in film_ids)
        ]
        ranked = sorted(
            ((r, r.bayesian(prior)) for r in chosen), key=lambda pair: (-pair[1], -pair[0].count)
        )
        return ranked[:TOP_LIMIT], prior


def review_parts(review: Review, author_name: str, shown_text: str, film: Film) -> list[str]:
    """The review post, like the seed blog's: heading, film, author, stars and number, text.

    Split under the message limit without cutting a spoiler tag; mentions stay inert.
    """
    heading = plain(review.title) if review.title else f"Review of {plain(film.label)}"
    header = "\n".join(
        (
            f"## {escape_markdown(neutralise_mentions(truncate(heading, limits.THREAD_NAME)))}",
            f"**Film:** {escape_markdown(plain(film.label))}",
            f"**By:** {escape_markdown(neutralise_mentions(author_name))}",
            f"**Rating:** {review.rating.stars()} {review.rating.number()}",
        )
    )
    body = shown_text or "*(no text: a rating only)*"
    parts = Document.parse(body).split(limits.MESSAGE_CONTENT - len(header) - 2) or [""]
    return [f"{header}\n\n{parts[0]}", *parts[1:]]


def thread_title(review: Review, film: Film) -> str:
    """ "★★★½ Never Let Me Go (2010): a quiet heartbreak" in at most 100 characters."""
    stars = review.rating.stars().rstrip("☆")
    name = f"{stars} {plain(film.label)}"
    if review.title:
        name += f": {plain(review.title)}"
    return truncate(neutralise_mentions(name), limits.THREAD_NAME)


def rating_line(rating: FilmRating | None, catalog_rating: str | None) -> str:
    """ "Film Club: 3.5/5 from 12 members · IMDb 7.2/10": the server's rating by the catalog's."""
    ours = (
        f"Film Club: {rating.mean:.1f}/5 from {counted(rating.count, 'member')}"
        if rating is not None and rating.count
        else "Film Club: not rated yet (/review)"
    )
    return f"{ours} · {catalog_rating}" if catalog_rating else ours


def top_lines(ranked: list[tuple[FilmRating, float]], prior: float, genre: str | None) -> str:
    """/film top's text: the method first, then one line per film."""
    scope = f" in {escape_markdown(genre)}" if genre else ""
    method = (
        f"*Ranked by Bayesian average{scope}: each film's mean is pulled towards the server's "
        f"mean ({prior:.2f}/5) by {BAYES_PRIOR_WEIGHT} imaginary votes, so a film rated 5 by one "
        "member does not beat one rated 4.5 by twenty.*"
    )
    if not ranked:
        return method + "\n\nNo film has enough ratings yet."
    lines = [
        f"{i}. {escape_markdown(r.film_label)}: **{score:.2f}** "
        f"(mean {r.mean:.1f}/5 from {counted(r.count, 'rating')})"
        for i, (r, score) in enumerate(ranked, 1)
    ]
    return method + "\n\n" + "\n".join(lines)


def review_line(review: Review, *, guild_id: int, who: str | None = None) -> str:
    """One line of /film reviews or /member reviews, with a link to the review's thread."""
    link = (
        f" · https://discord.com/channels/{guild_id}/{review.thread_id}" if review.thread_id else ""
    )
    title = (
        f" “{escape_markdown(neutralise_mentions(plain(review.title)))}”" if review.title else ""
    )
    by = f" by {escape_markdown(neutralise_mentions(who))}" if who else ""
    label = escape_markdown(review.film_label)
    return f"• {review.rating.stars()} {review.rating.number()} {label}{title}{by}{link}"


def edit_offer(review: Review, when: datetime | None = None) -> str:
    """What a member sees when they /review a film they already reviewed."""
    return (
        f"You already reviewed {escape_markdown(review.film_label)} "
        f"({review.rating.number()}, version {review.version}). Replace it with this one? "
        "The previous version is kept."
    )
