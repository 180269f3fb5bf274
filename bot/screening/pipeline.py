"""From a message's text to its scores: normalise, film-aware split, chunk, batch, combine.

`await pipeline.screen(text, film=details)` never blocks the event loop (the model runs in
the batcher's worker thread). It raises ScreenerBusy when the queue is full and
TimeoutError when scoring takes longer than `timeout`: store the message as unscreened.
`pipeline.screen_blocking(...)` does the same synchronously, for scripts and benchmarks.

With `defer_second_look` (what the bot uses), the embedded backend's second look does not
hold the verdict back: `screen` returns the first stage's scores with `Screening.deferred`
set when the look's gate takes one of the texts, and the service queues that for the second
look's own worker (`look_later`), whose results arrive through `looks.finished()`.
`screen_blocking` always waits for both.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from bot.films.model import FilmDetails
from bot.screening.backend import ScoringBackend
from bot.screening.batcher import Batcher
from bot.screening.film_aware import DISCOUNT, FilmAwareText, FilmContext, prepare
from bot.screening.look_queue import LookQueue
from bot.screening.normalise import Lexicon, Normalised, has_words, normalise
from bot.screening.results import Scores, max_scores

log = logging.getLogger(__name__)

CHUNK_CHARS = 1000  # well under 512 tokens for most languages; longer text is split
CHUNK_OVERLAP = 80  # so a phrase cut at a boundary is still seen whole once
DEFAULT_TIMEOUT = 30.0
FILM_CACHE = 64
# A line attributed to a character is that character's threat or slur, not the member's:
# its threat and identity_attack scores count at this weight (0.95 -> 0.29, under every
# default threshold) instead of DISCOUNT.
CHARACTER_SPEECH_WEIGHT = {"threat": 0.3, "identity_attack": 0.3}


class Screening(NamedTuple):
    """The scores of one message and how they were obtained.

    This, its parts (Normalised, FilmAwareText) and the pipeline's _Plan and Deferred are
    made once a message: named tuples, immutable as frozen dataclasses are, but made in a
    fifth of the time (a frozen dataclass sets each field through object.__setattr__,
    about 1.5 us for six)."""

    scores: Scores
    backend: str
    normalised: Normalised
    film: FilmAwareText
    skipped: str | None = None  # why nothing was scored ("no words", "only film dialogue")
    deferred: Deferred | None = None  # the first stage's alone: the second look is to come


class _Plan(NamedTuple):  # made once a message: quicker than a frozen dataclass
    normalised: Normalised
    film: FilmAwareText
    primary: list[str]
    discounted: list[str]

    @property
    def texts(self) -> list[str]:
        return self.primary + self.discounted


class Deferred(NamedTuple):  # made once a message: quicker than a frozen dataclass
    """What the second look needs of a message the first stage scored: its texts as planned,
    each one's first-stage scores, and what its gate took of them (never empty)."""

    plan: _Plan
    scores: tuple[Scores, ...]
    picked: tuple[tuple[int, str], ...]  # (index in plan.texts, the text the encoder reads)


@dataclass(frozen=True)
class LookJob:
    """A stored message (`row_id`) waiting for its second look."""

    row_id: int
    deferred: Deferred


class ScreeningPipeline:
    """The screener a cog uses: one per process, owning the batcher and its worker thread."""

    def __init__(
        self,
        backend: ScoringBackend,
        *,
        reason: str = "",
        lexicon: Lexicon | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        defer_second_look: bool = False,
        **batcher_options: float,
    ) -> None:
        self.backend = backend
        self.reason = reason
        self.timeout = timeout
        self._lexicon = lexicon
        self._films: OrderedDict[object, FilmContext] = OrderedDict()
        self._last_film: FilmDetails | None = None
        self._last_context: FilmContext | None = None
        self._second_look = getattr(backend, "second_look", None) if defer_second_look else None
        first = backend
        self.looks: LookQueue[LookJob, Screening] | None = None
        if self._second_look is not None:
            first = backend.first_stage()  # type: ignore[attr-defined]  # the embedded backend has a second look
            self.looks = LookQueue(self.look_again)
        self.batcher = Batcher(first, **batcher_options)  # type: ignore[arg-type]  # Batcher's keyword options, passed through

    @property
    def backend_name(self) -> str:
        return self.backend.name

    async def screen(self, text: str, film: FilmDetails | None = None) -> Screening:
        """Scores for one message (see the module docstring for the errors to expect)."""
        plan = self._plan(text, film)
        if not plan.texts:
            return self._skipped(plan)
        # asyncio.timeout, not wait_for: on 3.11 wait_for drops a cancel that arrives as the
        # scores do, and a shutdown that cancels a catch-up would then wait for ever.
        async with asyncio.timeout(self.timeout):
            scores = await self.batcher.score_many(plan.texts)
        return self._combine(plan, scores, self._deferred(plan, scores))

    def look_later(self, row_id: int, screening: Screening) -> bool:
        """Queue the second look of a stored message; False if there is none to do or the
        queue is full (the row stays pending: the catch-up submits it again)."""
        if self.looks is None or screening.deferred is None:
            return False
        return self.looks.submit(LookJob(row_id, screening.deferred))

    def look_again(self, jobs: list[LookJob]) -> list[Screening]:
        """The second look of several messages at once (blocking: the worker thread's), each
        combined as `screen` combines the first stage's scores."""
        if self._second_look is None:
            raise RuntimeError("this pipeline has no second look to defer")
        results: list[Scores] = []
        picked: list[tuple[int, str]] = []
        for job in jobs:
            picked += [(len(results) + index, read) for index, read in job.deferred.picked]
            results += [dict(scores) for scores in job.deferred.scores]
        self._second_look.raise_scores(picked, results)
        plans = [job.deferred.plan for job in jobs]
        return [self._combine(plan, part) for plan, part in _per_plan(plans, results)]

    def screen_blocking(
        self, texts: list[str], film: FilmDetails | None = None, *, wait: bool = True
    ) -> list[Screening]:
        """Score many messages in the calling thread, bypassing the batcher: with the second
        look's scores (`wait`, what scripts, `bench quality` and tests compare), or, for a
        pipeline that defers it, the first stage's alone with `deferred` set, as `screen`."""
        first = not wait and self.looks is not None
        plans = [self._plan(text, film) for text in texts]
        flat = [t for plan in plans for t in plan.texts]
        scorer = self.batcher.backend if first else self.backend
        scores = scorer.score(flat) if flat else []
        return [
            self._combine(plan, part, self._deferred(plan, part) if first else None)
            if plan.texts
            else self._skipped(plan)
            for plan, part in _per_plan(plans, scores)
        ]

    async def close(self) -> None:
        """Score what is queued, then stop the worker thread; the second look's worker stops
        after its current batch (what it had not looked at stays pending in the database)."""
        if self.looks is not None:
            await self.looks.close()
        await self.batcher.close(flush=True)

    def _deferred(self, plan: _Plan, scores: list[Scores]) -> Deferred | None:
        """What the second look is to read of a message; None when its gate takes none of
        the texts (most messages): then no look waits for it."""
        if self._second_look is None:
            return None
        picked = self._second_look.candidates(plan.texts, scores)
        return Deferred(plan, tuple(scores), tuple(picked)) if picked else None

    def _plan(self, text: str, film: FilmDetails | None) -> _Plan:
        normalised = normalise(text or "", self._lexicon)
        aware = prepare(normalised.text, self._film_context(film))
        primary = split_for_scoring(aware.scored) if has_words(aware.scored) else []
        discounted = [d for d in aware.discounted if has_words(d)]
        return _Plan(normalised, aware, primary, discounted)

    def _combine(
        self, plan: _Plan, scores: list[Scores], deferred: Deferred | None = None
    ) -> Screening:
        if len(scores) != 1 or plan.discounted:
            return self._combine_parts(plan, scores, deferred)
        # most messages are one text and nothing discounted: what _combine_parts gives, quicker
        combined = self._zeros()
        for label, value in scores[0].items():
            combined[label] = max(combined.get(label, 0.0), float(value))
        return Screening(combined, self.backend.name, plan.normalised, plan.film, deferred=deferred)

    def _combine_parts(
        self, plan: _Plan, scores: list[Scores], deferred: Deferred | None
    ) -> Screening:
        primary = max_scores(scores[: len(plan.primary)])
        discounted = max_scores(scores[len(plan.primary) :], weight=DISCOUNT)
        for label, weight in CHARACTER_SPEECH_WEIGHT.items():
            if label in discounted:
                discounted[label] *= weight / DISCOUNT
        combined = max_scores([self._zeros(), primary, discounted])
        return Screening(combined, self.backend.name, plan.normalised, plan.film, deferred=deferred)

    def _skipped(self, plan: _Plan) -> Screening:
        why = "only film dialogue" if plan.film.film_quotes else "no words to score"
        return Screening(self._zeros(), self.backend.name, plan.normalised, plan.film, why)

    def _zeros(self) -> Scores:
        return dict.fromkeys(self.backend.labels, 0.0)

    def _film_context(self, film: FilmDetails | None) -> FilmContext | None:
        if film is None:
            return None
        if film is self._last_film:  # the same object as last time: no need to hash it
            return self._last_context
        key = (film.film.id, film.quotes, film.credits)
        context = self._films.get(key)
        if context is None:
            context = self._films[key] = FilmContext(film)
            if len(self._films) > FILM_CACHE:
                self._films.popitem(last=False)
        self._films.move_to_end(key)
        self._last_film, self._last_context = film, context
        return context


def split_for_scoring(
    text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP
) -> list[str]:
    """Split long text at spaces into overlapping chunks no model will truncate."""
    if len(text) <= size:
        return [text]
    chunks, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space > start else end
        chunks.append(text[start:end].strip())
        if end >= len(text):
            break
        resume = text.find(" ", end - overlap, end)
        start = resume + 1 if resume > start else end
    return [c for c in chunks if c]


def _per_plan(plans: list[_Plan], scores: list[Scores]) -> Iterator[tuple[_Plan, list[Scores]]]:
    """Each plan with its own slice of the scores of all the plans' texts, in order."""
    cursor = 0
    for plan in plans:
        yield plan, scores[cursor : cursor + len(plan.texts)]
        cursor += len(plan.texts)
