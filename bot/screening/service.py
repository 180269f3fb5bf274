"""What a cog calls: screen a message, catch up, decide a review item, file a report.

Plain values in, plain values out; nothing here knows Discord. The cog does the Discord
side: deleting a hidden message, telling the author, posting the alert with its buttons
(then `review.set_alert`), restoring an approved message through a webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import InvalidInput, PermissionDenied
from bot.films.model import FilmDetails
from bot.screening.batcher import ScreenerBusy, ScreenerClosed
from bot.screening.pipeline import Screening, ScreeningPipeline
from bot.screening.policy import (
    MessagePlace,
    ScreeningPolicy,
    Thresholds,
    changed_thresholds,
    decide,
    policy_from_records,
    should_screen,
)
from bot.screening.results import Outcome, Verdict
from bot.text import counted
from storage.screening import (
    IncomingMessage,
    ScreenedMessage,
    ScreenedMessageRepository,
    ScreeningRecord,
    as_incoming,
)
from storage.screening_policy import SERVER_WIDE, ScreeningPolicyRepository
from storage.screening_review import (
    MemberReport,
    ReviewItem,
    ReviewRepository,
    StateConflict,
)

log = logging.getLogger(__name__)

FilmLookup = Callable[[int], Awaitable[FilmDetails | None]]

RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
REPORTS_PER_WINDOW = 5
REPORT_WINDOW = timedelta(hours=1)
REPORT_REASON_MAX = 500
DECISIONS = {"approve": "approved", "remove": "removed", "escalate": "escalated"}
NOT_LOADED = "the screening model is still loading"


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


class ScreeningService:
    """Screening with storage and policy; one per process, built at start-up."""

    def __init__(
        self,
        pipeline: ScreeningPipeline | None,
        messages: ScreenedMessageRepository,
        review: ReviewRepository,
        policies: ScreeningPolicyRepository,
        films: FilmLookup | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.pipeline = pipeline
        self.messages = messages
        self.review = review
        self.policies = policies
        self._films = films
        self._clock = clock
        self._policy_cache: dict[int, ScreeningPolicy] = {}

    def use_pipeline(self, pipeline: ScreeningPipeline) -> None:
        """Start scoring with `pipeline` (built once the model has loaded at start-up)."""
        self.pipeline = pipeline

    @property
    def ready(self) -> bool:
        """False while the model loads: messages are then stored unscreened, caught up later."""
        return self.pipeline is not None

    async def policy(self, guild_id: int) -> ScreeningPolicy:
        """The guild's policy (cached; call forget_policy after changing it)."""
        if guild_id not in self._policy_cache:
            self._policy_cache[guild_id] = policy_from_records(await self.policies.load(guild_id))
        return self._policy_cache[guild_id]

    def forget_policy(self, guild_id: int) -> None:
        self._policy_cache.pop(guild_id, None)

    # --- policy changes: each applies to the next message (the cached policy is dropped) ---
    async def set_scope(self, guild_id: int, scope: str | None, moderator_id: int) -> None:
        """Screen in `scope` (None: screening off; the scope stored before is kept)."""
        await self.policies.set_enabled(guild_id, scope is not None, moderator_id)
        if scope is not None:
            await self.policies.set_scope(guild_id, scope, moderator_id)
        self.forget_policy(guild_id)

    async def change_thresholds(
        self,
        guild_id: int,
        label: str,
        flag: str | None,
        hide: str | None,
        moderator_id: int,
        channel_id: int | None = None,
    ) -> Thresholds:
        """Set a label's typed flag and/or hide threshold (the other kept) for the server or
        one channel; returns the new thresholds."""
        policy = await self.policy(guild_id)
        place = MessagePlace(channel_id) if channel_id is not None else None
        current, _ = policy.thresholds_for(place)[label]
        new = changed_thresholds(current, flag, hide)
        where = SERVER_WIDE if channel_id is None else channel_id
        await self.policies.set_thresholds(
            guild_id, label, new.flag, new.hide, moderator_id, channel_id=where
        )
        self.forget_policy(guild_id)
        return new

    async def reset_thresholds(
        self, guild_id: int, label: str | None = None, channel_id: int | None = None
    ) -> int:
        """Back to the inherited thresholds (one label or all); returns the settings removed."""
        where = SERVER_WIDE if channel_id is None else channel_id
        removed = await self.policies.reset_thresholds(guild_id, label, where)
        self.forget_policy(guild_id)
        return removed

    async def set_role_exempt(
        self, guild_id: int, role_id: int, exempt: bool, moderator_id: int
    ) -> None:
        """Exempt a role's members from screening, or screen them again."""
        await self.policies.set_role_exempt(guild_id, role_id, exempt, moderator_id)
        self.forget_policy(guild_id)

    async def set_channel_mode(
        self, guild_id: int, channel_id: int, mode: str | None, moderator_id: int
    ) -> None:
        """Always screen a channel, exempt it, or (None) let it follow the server's scope."""
        await self.policies.set_channel_mode(guild_id, channel_id, mode, moderator_id)
        self.forget_policy(guild_id)

    async def handle_message(
        self,
        message: IncomingMessage,
        place: MessagePlace,
        author_roles: Iterable[int] = (),
        film: FilmDetails | None = None,
    ) -> Handled:
        """Screen a new (or edited: a new revision) message if the policy says so, and store it."""
        policy = await self.policy(message.guild_id)
        wanted, why = should_screen(policy, place, author_roles)
        if not wanted:
            return Handled(False, why)
        if self.pipeline is None:
            return await self._store_unscreened(message, NOT_LOADED)
        try:
            screening = await self.pipeline.screen(message.content, film)
        except (ScreenerBusy, ScreenerClosed, TimeoutError) as exc:
            return await self._store_unscreened(message, _describe(exc))
        except Exception as exc:  # a backend bug must not lose the message
            log.exception("screening message %s failed", message.message_id)
            return await self._store_unscreened(message, _describe(exc))
        return await self._store(message, policy, place, screening, None)

    async def catch_up(self, limit: int = 200) -> CatchUp:
        """Screen stored unscreened messages whose retry time has come (run at start-up)."""
        screened = failed = 0
        raised: list[Handled] = []
        if self.pipeline is None:
            return CatchUp(0, 0, raised)
        for stored in await self.messages.list_unscreened(self._clock(), limit):
            message = as_incoming(stored)
            film = await self._films(stored.film_id) if self._films and stored.film_id else None
            try:
                screening = await self.pipeline.screen(stored.content, film)
            except Exception as exc:
                failed += 1
                await self.messages.mark_failed(stored.id, _describe(exc), self._retry_at(stored))
                continue
            policy = await self.policy(stored.guild_id)
            place = MessagePlace(stored.channel_id, stored.parent_id)
            handled = await self._store(message, policy, place, screening, stored.id)
            screened += 1
            if handled.review_item is not None:
                raised.append(handled)
        return CatchUp(screened, failed, raised)

    async def decide_review(
        self, item_id: int, action: str, moderator_id: int, note: str | None = None
    ) -> ReviewItem:
        """approve, remove or escalate an open item; a clear error if someone already did."""
        state = DECISIONS.get(action)
        if state is None:
            raise InvalidInput(f"Unknown action {action!r}: use approve, remove or escalate.")
        try:
            return await self.review.decide(item_id, state, moderator_id, note)
        except LookupError:
            raise InvalidInput(f"There is no review item #{item_id}.") from None
        except StateConflict as exc:
            item = exc.item
            raise InvalidInput(
                f"Review item #{item.id} was already {item.state} by <@{item.decided_by}> "
                f"at {item.decided_at}."
            ) from None

    async def check_can_report(self, message: IncomingMessage, reporter_id: int) -> None:
        """Refuse a report before the member types a reason: own message, twice, too many."""
        if reporter_id == message.author_id:
            raise InvalidInput("You cannot report your own message.")
        if await self.review.has_reported(message.message_id, reporter_id):
            raise InvalidInput("You have already reported this message; moderators have it.")
        since = self._clock() - REPORT_WINDOW
        if (
            await self.review.reports_since(message.guild_id, reporter_id, since)
            >= REPORTS_PER_WINDOW
        ):
            raise PermissionDenied(
                f"You can report at most {REPORTS_PER_WINDOW} messages an hour; "
                "please try again later or contact a moderator directly."
            )

    async def report_message(
        self, message: IncomingMessage, reporter_id: int, reason: str
    ) -> tuple[MemberReport, ReviewItem]:
        """A member's report: checked, rate-limited, then added to the review queue."""
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput("Please say why you are reporting this message.")
        if len(reason) > REPORT_REASON_MAX:
            raise InvalidInput(
                f"The reason is {len(reason)} characters; the limit is {REPORT_REASON_MAX}."
            )
        await self.check_can_report(message, reporter_id)
        return await self.review.add_report(message, reporter_id, reason, at=self._clock())

    def status(self) -> str:
        """One line for /about and /mod screening: the active backend and why."""
        if self.pipeline is None:
            return NOT_LOADED
        stats = self.pipeline.batcher.stats
        return (
            f"backend {self.pipeline.backend_name} ({self.pipeline.reason}); "
            f"{counted(stats.jobs, 'message')} scored, mean batch {stats.mean_batch:.1f}, "
            f"{self.pipeline.batcher.queued} waiting, {stats.rejected} deferred when busy"
        )

    async def _store(
        self,
        message: IncomingMessage,
        policy: ScreeningPolicy,
        place: MessagePlace,
        screening: Screening,
        waiting_id: int | None,
    ) -> Handled:
        verdict = decide(screening.scores, policy, place)
        record = _record(screening, verdict, message.content)
        if waiting_id is None:
            stored = await self.messages.record(message, record)
        else:
            stored = await self.messages.complete(waiting_id, record)
        item = None
        if verdict.outcome is not Outcome.PASS:
            item, _ = await self.review.open_item(
                message,
                source="screening",
                outcome=verdict.outcome.value,
                rule=verdict.rule,
                screened_id=stored.id,
            )
        return Handled(True, verdict.rule, verdict, screening, stored, item)

    async def _store_unscreened(self, message: IncomingMessage, error: str) -> Handled:
        log.warning("message %s stored unscreened: %s", message.message_id, error)
        stored = await self.messages.record_unscreened(message, error)
        return Handled(False, error, stored=stored, unscreened=True)

    def _retry_at(self, stored: ScreenedMessage) -> datetime:
        delay = min(RETRY_FIRST * (2 ** min(stored.attempts, 16)), RETRY_MAX)
        return self._clock() + delay


def _record(screening: Screening, verdict: Verdict, original: str) -> ScreeningRecord:
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
        status="skipped" if screening.skipped else "screened",
        scores=screening.scores,
        backend=screening.backend,
        outcome=verdict.outcome.value,
        normalised=scored if scored != original else None,
        label=verdict.label,
        rule=verdict.rule,
        note="; ".join(notes) or None,
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "scoring timed out"
    return f"{type(exc).__name__}: {exc}"[:300]
