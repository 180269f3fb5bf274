"""The second look after the first verdict, as the service runs it.

A message whose first verdict is `pass` and of which the second look's gate takes a text
(`Screening.deferred`; about 4 in 10 of the bench's chat) is stored with `second_look =
'pending'` in the same write as that verdict, then queued for the second look's worker
(bot/screening/look_queue.py); any other is written once, final. When the look comes back, `settle` decides
again on the raised scores: a message that now reaches a threshold gets its review item and
a `Handled` the desk acts on (the alert, as for a first-stage flag); any other is marked
done. A row no longer pending (an edit's newer revision took its place, the message was
deleted) is left as it is: its look changes nothing. A look about to flag asks first whether
the message is gone (`gone`: deleted while the bot was down, so no deletion event came), as
does every look the catch-up resumed (after a restart, or a full queue), whatever it found:
a message gone is marked deleted, and not flagged.

Nothing is lost: the catch-up (`catch_up`) submits again every pending row not in the
worker's hands (after a restart, or when the queue was full), scoring its stored text with
the first stage again (cheap next to the encoder) before the look.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

import aiosqlite

from bot.films.model import FilmDetails
from bot.journal.crash import NO_CRASHES, CrashPoints
from bot.screening.handled import Handled, screening_record
from bot.screening.look_queue import Looked
from bot.screening.model import (
    Outcome,
    ReviewReason,
    ReviewSource,
    ScreenedMessage,
    SecondLookState,
)
from bot.screening.pipeline import LookJob, Screening, ScreeningPipeline
from bot.screening.policy import MessagePlace, ScreeningPolicy, decide
from bot.screening.results import Verdict
from storage.screening import ScreenedMessageRepository
from storage.screening_review import ReviewRepository
from storage.second_look import SecondLookRepository

log = logging.getLogger(__name__)

# Crash points (bot/journal/crash.py) between the first verdict and the second look's flag.
LOOKED = "second-look:looked"  # the look is back, nothing of it stored yet
FLAGGED = "second-look:flagged"  # its review item is stored, the desk not yet told
CATCH_UP_LOOKS = 200

# Whether a stored message is gone (deleted while the bot was down): asked of Discord by the
# cog, as the core never calls Discord itself.
Gone = Callable[[ScreenedMessage], Awaitable[bool]]


class SecondLooks:
    """Pending second looks: queue them, settle what comes back, catch up, forget deleted."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        pipeline: Callable[[], ScreeningPipeline | None],
        policy: Callable[[int], Awaitable[ScreeningPolicy]],
        films: Callable[[int], Awaitable[FilmDetails | None]] | None = None,
        crash: CrashPoints = NO_CRASHES,
    ) -> None:
        self._pipeline = pipeline
        self._policy = policy
        self._films = films
        self._crash = crash
        self._looks = SecondLookRepository(conn)
        self._messages = ScreenedMessageRepository(conn)
        self._review = ReviewRepository(conn)
        self._in_hand: set[int] = set()  # rows queued for the worker, not yet settled
        self._resumed: set[int] = set()  # of those, the ones the catch-up queued again

    @property
    def on(self) -> bool:
        """True when the second look runs after the first verdict (the embedded backend)."""
        pipeline = self._pipeline()
        return pipeline is not None and pipeline.looks is not None

    @property
    def waiting(self) -> int:
        """Messages handed to the second look's worker and not yet settled."""
        return len(self._in_hand)

    @staticmethod
    def due(screening: Screening, verdict: Verdict) -> SecondLookState | None:
        """PENDING if the message is to be looked at again: the gate took one of its texts and
        it passed on the first stage alone (a flag or a hide has its review item already; the
        look could only add a flag). None otherwise: the row is written once, final."""
        if screening.deferred is None or verdict.outcome is not Outcome.PASS:
            return None
        return SecondLookState.PENDING

    def submit(self, stored: ScreenedMessage, screening: Screening) -> None:
        """Hand a stored pending message to the worker (when full: the catch-up does later)."""
        pipeline = self._pipeline()
        if stored.id in self._in_hand or pipeline is None:
            return
        if pipeline.look_later(stored.id, screening):
            self._in_hand.add(stored.id)

    async def finished(self) -> list[Looked[LookJob, Screening]] | None:
        """The next looks the worker finished (None: no second look runs after the verdict)."""
        pipeline = self._pipeline()
        if pipeline is None or pipeline.looks is None:
            return None
        return await pipeline.looks.finished()

    async def settle(
        self, looked: Sequence[Looked[LookJob, Screening]], gone: Gone | None = None
    ) -> list[Handled]:
        """Store what the looks found; one Handled per look (`review_item` set: flag it).
        `gone` is asked before a look flags, and for every look the catch-up resumed: a
        message it says is gone (deleted while the bot was down, so no deletion event marked
        it) is marked deleted instead."""
        self._crash.reach(LOOKED)
        # out of the worker's hands first: a settle cut short leaves them to the catch-up
        row_ids = {done.job.row_id for done in looked}
        resumed, self._resumed = self._resumed & row_ids, self._resumed - row_ids
        self._in_hand -= row_ids
        handled, unchanged = [], []
        for done in looked:
            stored = await self._messages.get(done.job.row_id)
            if done.result is None or stored is None:
                continue  # the look failed: the row stays pending for the catch-up
            if stored.second_look is not SecondLookState.PENDING:
                why = f"second look not used: the message was {stored.second_look}"
                handled.append(Handled(False, why, stored=stored))
                continue
            resumed_look = stored.id in resumed
            outcome = await self._settle_one(stored, done.result, gone, resumed_look)
            if outcome is None:
                unchanged.append(stored.id)
                handled.append(Handled(True, "second look: no change", stored=stored))
            else:
                handled.append(outcome)
        await self._looks.done(unchanged)
        return handled

    async def _settle_one(
        self,
        stored: ScreenedMessage,
        screening: Screening,
        gone: Gone | None,
        resumed: bool,
    ) -> Handled | None:
        """`gone` is asked before a flag, and for a resumed look whatever it found."""
        policy = await self._policy(stored.guild_id)
        verdict = decide(
            screening.scores, policy, MessagePlace(stored.channel_id, stored.parent_id)
        )
        flags = verdict.outcome is not Outcome.PASS
        if gone is not None and (flags or resumed) and await gone(stored):
            await self._looks.deleted([stored.message_id])
            log.info("second look: message %s is gone; not flagged", stored.message_id)
            why = f"second look not used: the message was {SecondLookState.DELETED}"
            return Handled(False, why, stored=await self._messages.get(stored.id))
        if not flags:
            return None
        # the item first: killed before the row is marked, the look runs again and finds it
        item, _ = await self._review.open_item(
            stored.incoming(),
            source=ReviewSource.SCREENING,
            outcome=ReviewReason(verdict.outcome),
            rule=verdict.rule,
            screened_id=stored.id,
        )
        record = screening_record(screening, verdict, stored.content)
        await self._looks.raise_scores(stored.id, record)
        self._crash.reach(FLAGGED)
        log.info(
            "second look: message %s %s (%s)", stored.message_id, verdict.outcome, verdict.rule
        )
        changed = await self._messages.get(stored.id)
        return Handled(True, verdict.rule, verdict, screening, changed, item)

    async def forget(self, message_ids: Sequence[int]) -> int:
        """The messages were deleted: their pending looks end without a flag."""
        return await self._looks.deleted(message_ids)

    async def catch_up(self, limit: int = CATCH_UP_LOOKS) -> int:
        """Submit again the pending rows the worker does not have; how many were submitted."""
        pipeline = self._pipeline()
        if pipeline is None or pipeline.looks is None:
            return 0
        submitted = 0
        for stored in await self._looks.pending(limit + len(self._in_hand)):
            if stored.id in self._in_hand:
                continue
            film = await self._films(stored.film_id) if self._films and stored.film_id else None
            screening = await pipeline.screen(stored.content, film)
            if screening.deferred is None:  # nothing the gate takes (or now skipped)
                await self._looks.done([stored.id])
                continue
            before = len(self._in_hand)
            self.submit(stored, screening)
            if len(self._in_hand) == before:
                break  # the queue is full: the next catch-up goes on
            self._resumed.add(stored.id)
            submitted += 1
        return submitted

    async def count_pending(self) -> int:
        """Messages stored as waiting for their second look."""
        return await self._looks.count_pending()
