"""(c) of `python -m bench screening`: the embedded backend, the model alone and the whole path.

Rates are printed per second of wall time and per second of this process's CPU time (other
sessions on the machine inflate the first, and the second less), each the best of ROUNDS runs
(interference only ever slows a run down), with the median CPU rate after it. The naive baseline is
alt-profanity-check's own `predict_prob`, one message per call, without normalisation or
patterns. The bot gives its verdict after the first stage (patterns and alt-profanity-check)
and runs the second look (the sentence encoder, bot/screening/second_look.py) afterwards on
its own worker: the "first stage" rows are what a verdict waits for, measured through a
pipeline that defers the second look (`screen_blocking(wait=False)`, the same scoring as
`screen`), and the last rows the second look's background capacity: messages and candidates
(those its gate passes) per CPU second in the worker's batches. The 116 messages repeat;
nothing in the path caches a text, and one row makes every text different (a made-up word
appended) to show that no cache is measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from bot.films.model import FilmDetails
    from bot.screening.pipeline import ScreeningPipeline

Item = TypeVar("Item")
COUNT = 10_000
NAIVE_COUNT = 500  # predict_prob takes ~10 ms a call
SECOND_LOOK_COUNT = 1_160  # ten times the chat: the encoder costs milliseconds a message
ROUNDS = 3  # each rate is the best of this many runs: other sessions' load only slows a run
TARGET = 5_000  # messages per CPU second, whole path, batches of 32 (issue 14)


def embedded_section(messages: list[str], film: FilmDetails) -> None:
    """Print the embedded backend's rates and the whole path against the target and naive."""
    from profanity_check import profanity_check

    from bot.screening.embedded import EmbeddedBackend
    from bot.screening.film_aware import FilmContext, prepare
    from bot.screening.normalise import default_lexicon, normalise
    from bot.screening.pipeline import ScreeningPipeline

    backend = EmbeddedBackend()
    texts = [messages[i % len(messages)] for i in range(COUNT)]
    known, context = default_lexicon(), FilmContext(film)
    print(f"(c) embedded backend (alt-profanity-check + patterns), {COUNT:,} messages:")
    naive = _rate(texts[:NAIVE_COUNT], profanity_check.predict_prob, 1, rounds=1)
    print(f"  naive predict_prob(), one a call    {_show(naive)}")
    first = backend.first_stage()
    for batch in (32, 256, 1000):  # 256: the batcher's preferred batch for this backend
        print(f"  first stage, batches of {batch:<5}   {_show(_rate(texts, first.score, batch))}")
    alone: dict[str, Callable[[list[str]], object]] = {
        "normalise alone": lambda part: [normalise(t, known) for t in part],
        "film-aware rules alone": lambda part: [prepare(t, context) for t in part],
    }
    for name, work in alone.items():
        print(f"  {name:<31} {_show(_rate(texts, work, 1))}")
    pipeline = ScreeningPipeline(backend, defer_second_look=True)

    def verdicts(part: list[str]) -> object:
        return pipeline.screen_blocking(part, film, wait=False)

    whole = {batch: _rate(texts, verdicts, batch) for batch in (32, 256)}
    for batch, rate in whole.items():
        print(
            f"  first verdict, whole path, {batch:<4}  {_show(rate)}  ({rate[1] / naive[1]:.1f}x naive)"
        )
    rate = _rate(_distinct(texts), verdicts, 32)
    print(f"  first verdict, 32, no text repeated {_show(rate)}")
    _, best, median = whole[32]
    met = "met" if median >= TARGET else "NOT met"
    print(
        f"  target: first verdict, whole path >= {TARGET:,} msg/s in batches of 32, per CPU "
        f"second: {met} (median of {ROUNDS} {median:,.0f}, best {best:,.0f}); "
        f"{median / naive[1]:.1f}x naive"
    )
    second_look_rows(pipeline, texts, film)
    pipeline.batcher.close_sync()


def second_look_rows(pipeline: ScreeningPipeline, texts: list[str], film: FilmDetails) -> None:
    """The second look's background capacity: the share of the chat its gate passes, and
    messages and candidates per CPU second in the worker's batches."""
    from bot.screening.look_queue import DEFAULT_MAX_BATCH
    from bot.screening.pipeline import LookJob

    look = getattr(pipeline.backend, "second_look", None)
    if look is None or pipeline.looks is None:
        print(f"  second look: not measured ({getattr(pipeline.backend, 'problem', None)})")
        return
    distinct = list(dict.fromkeys(texts))
    before = look.looked
    pipeline.screen_blocking(distinct, film)
    candidates = look.looked - before
    print(
        f"  second look: gate passes {candidates} of {len(distinct)} distinct chat messages "
        f"({candidates / len(distinct):.0%}); {look.encoder.name}, torch, one thread"
    )
    part = texts[:SECOND_LOOK_COUNT]
    jobs = [  # only messages with a candidate wait for the look (and are stored pending)
        LookJob(i, s.deferred)
        for i, s in enumerate(pipeline.screen_blocking(part, film, wait=False))
        if s.deferred is not None
    ]
    before = look.looked
    rate = _rate(jobs, pipeline.look_again, DEFAULT_MAX_BATCH)
    per_job = (look.looked - before) / (ROUNDS * len(jobs))
    print(
        f"  second look in the background, batches of {DEFAULT_MAX_BATCH}, {len(jobs):,} of "
        f"{len(part):,} messages wait for it {_show(rate)}"
    )
    print(
        f"    = {rate[1] * per_job:,.0f} candidate texts per CPU second (median "
        f"{rate[2] * per_job:,.0f}); {len(jobs) / len(part):.0%} of messages wait for the look"
    )


def _distinct(texts: list[str]) -> list[str]:
    """The texts, each with a made-up word appended ("qbako": no word the model or the
    rules know, no leetspeak, no stretched letters) so that no two are equal."""
    syllables = [c + v for c in "bcdfghjklmnprstvwxyz" for v in "aeiou"]
    assert len(texts) <= len(syllables) ** 2, "too few made-up words"
    return [
        f"{text} q{syllables[i // len(syllables)]}{syllables[i % len(syllables)]}"
        for i, text in enumerate(texts)
    ]


def _rate(
    texts: list[Item], work: Callable[[list[Item]], object], batch: int, rounds: int = ROUNDS
) -> tuple[float, float, float]:
    """Messages per second of wall time and of this process's CPU time (the best of
    `rounds` runs), and the median CPU rate."""
    walls, cpus = [], []
    for _ in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(texts), batch):
            work(texts[i : i + batch])
        walls.append(len(texts) / (time.perf_counter() - started))
        cpus.append(len(texts) / (time.process_time() - cpu))
    return max(walls), max(cpus), statistics.median(cpus)


def _show(rate: tuple[float, float, float]) -> str:
    return f"{rate[0]:>9,.0f} msg/s ({rate[1]:,.0f} per CPU second, median {rate[2]:,.0f})"
