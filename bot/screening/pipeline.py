"""From a message's text to its scores: normalise, film-aware split, chunk, batch, combine.

`await pipeline.screen(text, film=details)` never blocks the event loop (the model runs in
the batcher's worker thread). It raises ScreenerBusy when the queue is full and
TimeoutError when scoring takes longer than `timeout`: store the message as unscreened.
`pipeline.screen_blocking(...)` does the same synchronously, for scripts and benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass

from bot.films.model import FilmDetails
from bot.screening.backend import ScoringBackend
from bot.screening.batcher import Batcher
from bot.screening.film_aware import DISCOUNT, FilmAwareText, FilmContext, prepare
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


@dataclass(frozen=True)
class Screening:
    """The scores of one message and how they were obtained."""

    scores: Scores
    backend: str
    normalised: Normalised
    film: FilmAwareText
    skipped: str | None = None  # why nothing was scored ("no words", "only film dialogue")


@dataclass(frozen=True)
class _Plan:
    normalised: Normalised
    film: FilmAwareText
    primary: list[str]
    discounted: list[str]

    @property
    def texts(self) -> list[str]:
        return self.primary + self.discounted


class ScreeningPipeline:
    """The screener a cog uses: one per process, owning the batcher and its worker thread."""

    def __init__(
        self,
        backend: ScoringBackend,
        *,
        reason: str = "",
        lexicon: Lexicon | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        **batcher_options: float,
    ) -> None:
        self.backend = backend
        self.reason = reason
        self.timeout = timeout
        self._lexicon = lexicon
        self._films: OrderedDict[object, FilmContext] = OrderedDict()
        self._last_film: FilmDetails | None = None
        self._last_context: FilmContext | None = None
        self.batcher = Batcher(backend, **batcher_options)  # type: ignore[arg-type]  # Batcher's keyword options, passed through

    @property
    def backend_name(self) -> str:
        return self.backend.name

    async def screen(self, text: str, film: FilmDetails | None = None) -> Screening:
        """Scores for one message (see the module docstring for the errors to expect)."""
        plan = self._plan(text, film)
        if not plan.texts:
            return self._skipped(plan)
        scores = await asyncio.wait_for(self.batcher.score_many(plan.texts), self.timeout)
        return self._combine(plan, scores)

    def screen_blocking(self, texts: list[str], film: FilmDetails | None = None) -> list[Screening]:
        """Score many messages in the calling thread, bypassing the batcher."""
        plans = [self._plan(text, film) for text in texts]
        flat = [t for plan in plans for t in plan.texts]
        scores = self.backend.score(flat) if flat else []
        results, cursor = [], 0
        for plan in plans:
            if not plan.texts:
                results.append(self._skipped(plan))
                continue
            results.append(self._combine(plan, scores[cursor : cursor + len(plan.texts)]))
            cursor += len(plan.texts)
        return results

    async def close(self) -> None:
        """Score what is queued, then stop the worker thread."""
        await self.batcher.close(flush=True)

    def _plan(self, text: str, film: FilmDetails | None) -> _Plan:
        normalised = normalise(text or "", self._lexicon)
        aware = prepare(normalised.text, self._film_context(film))
        primary = split_for_scoring(aware.scored) if has_words(aware.scored) else []
        discounted = [d for d in aware.discounted if has_words(d)]
        return _Plan(normalised, aware, primary, discounted)

    def _combine(self, plan: _Plan, scores: list[Scores]) -> Screening:
        if len(scores) != 1 or plan.discounted:
            return self._combine_parts(plan, scores)
        # most messages are one text and nothing discounted: what _combine_parts gives, quicker
        combined = self._zeros()
        for label, value in scores[0].items():
            combined[label] = max(combined.get(label, 0.0), float(value))
        return Screening(combined, self.backend.name, plan.normalised, plan.film)

    def _combine_parts(self, plan: _Plan, scores: list[Scores]) -> Screening:
        primary = max_scores(scores[: len(plan.primary)])
        discounted = max_scores(scores[len(plan.primary) :], weight=DISCOUNT)
        for label, weight in CHARACTER_SPEECH_WEIGHT.items():
            if label in discounted:
                discounted[label] *= weight / DISCOUNT
        combined = max_scores([self._zeros(), primary, discounted])
        return Screening(combined, self.backend.name, plan.normalised, plan.film)

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
