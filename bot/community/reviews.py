"""Member reviews: validate, tag reveals, screen, shape the post like the seed blog's review,
and the ratings the server gives (the line on /film info, /film top's Bayesian ranking).

The cog does the Discord side (the thread, the modal, the edit offer); everything a member
reads comes from here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot import limits
from bot.community.model import (
    BAYES_PRIOR_WEIGHT,
    FilmRating,
    Rating,
    Review,
    ReviewDraft,
    ReviewStatus,
    ReviewVersion,
)
from bot.discussions.service import Discussions
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.films.model import Film
from bot.films.text import plain, truncate
from bot.moderation.clock import Clock
from bot.screening.results import Outcome
from bot.spoilers.format import Document
from bot.spoilers.guard import SpoilerGuard
from bot.text import counted, escape_markdown, neutral_name, neutralise_mentions
from storage.community import MemberReviewRepository

log = logging.getLogger(__name__)

ScreenText = Callable[[int, str, int], Awaitable[Outcome]]  # guild, text, film id -> outcome
TOP_LIMIT = 10
GENRE_SHOWN_CHARS = 40  # a typed genre quoted in /film top's method line


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
        clock: Clock,
        screen: ScreenText | None = None,
    ) -> None:
        self._reviews = reviews
        self._guard = guard
        self._discussions = discussions
        self._clock = clock
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
        review = await self._reviews.find(guild_id, film_id, author_id)
        return review if review is not None and review.active else None

    async def get(self, review_id: int) -> Review:
        review = await self._reviews.get(review_id)
        if review is None:
            raise NotFound(f"There is no review #{review_id}.")
        return review

    async def add(
        self, guild_id: int, author_id: int, draft: ReviewDraft, film_label: str
    ) -> Review:
        """A new review (or a removed one written again, its old text kept as a version)."""
        review = await self._reviews.find(guild_id, draft.film_id, author_id)
        if review is not None and review.active:
            raise InvalidInput(f"You already reviewed {film_label}: edit that review instead.")
        if review is not None:
            return await self.revise(review.id, draft, status=ReviewStatus.ACTIVE)
        now = self._clock.now()
        return await self.get(await self._reviews.add(guild_id, author_id, draft, film_label, now))

    async def revise(
        self, review_id: int, draft: ReviewDraft, *, status: ReviewStatus | None = None
    ) -> Review:
        """Replace the text and rating; the previous version is kept."""
        await self._reviews.revise(review_id, draft, self._clock.now(), status=status)
        return await self.get(review_id)

    async def revert(self, review_id: int, version: int) -> Review:
        """Undo the edit that followed `version` (it becomes the current one again)."""
        await self._reviews.revert(review_id, version)
        return await self.get(review_id)

    async def set_post(self, review_id: int, thread_id: int, message_ids: Sequence[int]) -> Review:
        """Where the review was posted: its thread and messages (opener first)."""
        await self._reviews.set_post(review_id, thread_id, message_ids)
        return await self.get(review_id)

    async def to_remove(
        self,
        guild_id: int,
        film: Film,
        author_id: int,
        *,
        by: int,
        is_moderator: bool,
        manages_messages: bool,
    ) -> Review:
        """The active review `by` may remove: theirs, or anyone's for a moderator who holds
        Manage Messages (what Discord asks to remove someone else's post)."""
        review = await self.existing(guild_id, film.id, author_id)
        if review is None:
            raise NotFound(f"<@{author_id}> has no review of {escape_markdown(film.label)} here.")
        if review.author_id == by:
            return review
        if not is_moderator:
            raise PermissionDenied("Only the review's author or a moderator can remove it.")
        if not manages_messages:
            raise PermissionDenied(
                "Removing someone else's review needs the **Manage Messages** permission here, "
                "as deleting their messages would."
            )
        return review

    async def remove(self, review_id: int, by: int) -> Review:
        """A tombstone: the text stays for moderators, the rating stops counting."""
        await self._reviews.remove(review_id, by, self._clock.now())
        return await self.get(review_id)

    async def for_film(self, guild_id: int, film_id: int) -> list[Review]:
        """The film's active reviews, oldest first."""
        return await self._reviews.for_film(guild_id, film_id)

    async def by_author(self, guild_id: int, author_id: int) -> list[Review]:
        """The member's active reviews, newest first."""
        return await self._reviews.by_author(guild_id, author_id)

    async def versions(self, review_id: int) -> list[ReviewVersion]:
        """The earlier versions of a review, oldest first."""
        return await self._reviews.versions(review_id)

    async def film_rating(self, guild_id: int, film_id: int) -> FilmRating | None:
        """The server's rating of one film (None: nobody rated it)."""
        return await self._reviews.film_rating(guild_id, film_id)

    async def ratings(self, guild_id: int) -> list[FilmRating]:
        """Every film the server rated: count and mean of the active reviews."""
        return await self._reviews.ratings(guild_id)

    async def top(
        self, guild_id: int, *, film_ids: set[int] | None = None, min_ratings: int = 1
    ) -> tuple[list[tuple[FilmRating, float]], float]:
        """Films ranked by Bayesian average, and the prior (the mean of every rating)."""
        ratings = await self._reviews.ratings(guild_id)
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


def review_parts(
    review: Review | ReviewDraft, author_name: str, shown_text: str, film: Film
) -> list[str]:
    """The review post, like the seed blog's: heading, film, author, stars and number, text
    (of a stored review, or of a draft not stored yet: only its title and rating are read).

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


def thread_title(review: Review | ReviewDraft, film: Film) -> str:
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
    scope = f" in {neutral_name(genre, GENRE_SHOWN_CHARS)}" if genre else ""
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


def edit_offer(review: Review) -> str:
    """What a member sees when they /review a film they already reviewed."""
    return (
        f"You already reviewed {escape_markdown(review.film_label)} "
        f"({review.rating.number()}, version {review.version}). Replace it with this one? "
        "The previous version is kept."
    )
