"""What the service reports back: what happened to a message, and what a catch-up did."""

from __future__ import annotations

from dataclasses import dataclass

from bot.screening.model import (
    Outcome,
    ReviewItem,
    ScreenedMessage,
    ScreeningRecord,
    ScreeningStatus,
)
from bot.screening.pipeline import Screening
from bot.screening.results import Verdict


@dataclass(frozen=True)
class Handled:
    """What happened to a message. `review_item` is set when it was flagged or hidden."""

    screened: bool
    reason: str  # why it was not screened, or the rule that fired
    verdict: Verdict | None = None
    screening: Screening | None = None
    stored: ScreenedMessage | None = None
    review_item: ReviewItem | None = None
    unscreened: bool = False  # stored to be screened later (queue full, error, timeout)

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome if self.verdict else Outcome.PASS


@dataclass(frozen=True)
class CatchUp:
    screened: int
    failed: int
    flagged_or_hidden: list[Handled]


def screening_record(screening: Screening, verdict: Verdict, original: str) -> ScreeningRecord:
    """What to store for a screened message: scores, outcome, and notes for moderators."""
    scored = screening.film.scored
    notes = []
    if screening.normalised.changes:
        notes.append("undone: " + ", ".join(screening.normalised.changes))
    if screening.film.film_quotes:
        notes.append(f"film dialogue set aside: {len(screening.film.film_quotes)}")
    if screening.film.discounted:
        notes.append(f"quotes attributed to characters: {len(screening.film.discounted)}")
    if screening.skipped:
        notes.append(screening.skipped)
    return ScreeningRecord(
        status=ScreeningStatus.SKIPPED if screening.skipped else ScreeningStatus.SCREENED,
        scores=screening.scores,
        backend=screening.backend,
        outcome=verdict.outcome,
        normalised=scored if scored != original else None,
        label=verdict.label,
        rule=verdict.rule,
        note="; ".join(notes) or None,
    )


def describe_failure(exc: BaseException) -> str:
    """The short reason stored with a message that could not be screened."""
    if isinstance(exc, TimeoutError):
        return "scoring timed out"
    return f"{type(exc).__name__}: {exc}"[:300]
