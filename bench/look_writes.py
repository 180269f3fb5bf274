"""`python -m bench look_writes`: how many of the chat's messages wait for the second look.

Each message whose first verdict is `pass` used to be stored pending and then marked done;
now only those of which the second look's gate takes a text are stored pending, and the rest
are written once, final. This counts both on the bench's chat (the default policy, a
discussion thread of Never Let Me Go) and times the gate, which now runs on the event loop
right after the first stage: CPU microseconds a message, the best of ROUNDS passes; and the
write those messages no longer need (marking a pending row done, on a real SQLite file).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.screening.pipeline import Screening

ROUNDS = 5
PASSES = 10  # each round times the gate over the chat this many times


def main(argv: list[str]) -> int:
    from bench import _corpus
    from bot.films.curated import load_curated
    from bot.screening.embedded import EmbeddedBackend
    from bot.screening.model import Outcome
    from bot.screening.pipeline import ScreeningPipeline
    from bot.screening.policy import MessagePlace, ScreeningPolicy, decide

    messages = _corpus.chat_messages(_corpus.find_shared(argv[0] if argv else None))
    film = next(f for f in load_curated() if f.film.title == "Never Let Me Go")
    pipeline = ScreeningPipeline(EmbeddedBackend(), defer_second_look=True)
    look = getattr(pipeline.backend, "second_look", None)
    if look is None:
        print(f"second look not loaded: {getattr(pipeline.backend, 'second_look_state', '')}")
        return 1
    firsts = pipeline.screen_blocking(messages, film, wait=False)
    policy, place = (
        ScreeningPolicy(guild_id=1),
        MessagePlace(10, parent_id=20, is_discussion_thread=True),
    )
    passed = [s for s in firsts if decide(s.scores, policy, place).outcome is Outcome.PASS]
    pending = sum(s.deferred is not None for s in passed)
    print(
        f"{len(messages)} chat messages, {len(passed)} pass the first stage: {pending} stored "
        f"pending ({pending / len(passed):.0%}), {len(passed) - pending} written once, final "
        f"(before: all {len(passed)} pending, then a second write to mark them done)"
    )
    first_stage = pipeline.batcher.backend
    texts = [pipeline._plan(text, film).texts for text in messages]  # what the gate reads
    scores = [first_stage.score(part) if part else [] for part in texts]
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(PASSES):
            for part, part_scores in zip(texts, scores, strict=True):
                look.candidates(part, part_scores)
        best = min(best, (time.process_time() - started) / (PASSES * len(texts)))
    print(f"the gate: {best * 1e6:.0f} us of CPU a message (best of {ROUNDS} x {PASSES} passes)")
    pipeline.batcher.close_sync()
    saved = asyncio.run(_second_write_ms([s for s in passed if s.deferred is None], messages))
    print(f"the second write each of those {len(passed) - pending} no longer has: {saved:.2f} ms")
    return 0


async def _second_write_ms(screenings: list[Screening], messages: list[str]) -> float:
    """Wall milliseconds of the write that marked a looked-at row done (a real SQLite file,
    WAL), the median over the given messages, stored pending first as before."""
    from bot.screening.handled import screening_record
    from bot.screening.model import IncomingMessage, SecondLookState
    from bot.screening.policy import MessagePlace, ScreeningPolicy, decide
    from storage.db import connect
    from storage.migrate import migrate
    from storage.screening import ScreenedMessageRepository
    from storage.second_look import SecondLookRepository

    policy, place = ScreeningPolicy(guild_id=1), MessagePlace(10, parent_id=20)
    with tempfile.TemporaryDirectory() as folder:
        conn = await connect(Path(folder) / "filmbot.sqlite3")
        try:
            await migrate(conn)
            stored, looks, took = ScreenedMessageRepository(conn), SecondLookRepository(conn), []
            for index, screening in enumerate(screenings):
                text = messages[index % len(messages)]
                record = screening_record(screening, decide(screening.scores, policy, place), text)
                message = IncomingMessage(1, 10, index + 1, 500, text, None, 20)
                row = await stored.record(
                    message, replace(record, second_look=SecondLookState.PENDING)
                )
                started = time.perf_counter()
                await looks.done([row.id])
                took.append((time.perf_counter() - started) * 1000)
        finally:
            await conn.close()
    return statistics.median(took)
