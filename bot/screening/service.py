"""What a cog calls: screen a message, catch up, read and change the policy, decide a review
item, file a report.

Plain values in, plain values out; nothing here knows Discord. The cog does the Discord
side: deleting a hidden message, telling the author, posting the alert with its buttons
(then `set_alert`), restoring an approved message through a webhook. The repositories are
private: every write goes through a method here, and a policy change drops the cached policy.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.errors import InvalidInput, PermissionDenied
from bot.films.model import FilmDetails
from bot.journal.crash import NO_CRASHES, CrashPoints
from bot.screening.batcher import ScreenerBusy, ScreenerClosed
from bot.screening.handled import CatchUp, Handled, describe_failure, screening_record
from bot.screening.look_service import SecondLooks
from bot.screening.model import (
    SERVER_WIDE,
    ChannelMode,
    IncomingMessage,
    MemberReport,
    Outcome,
    ReviewDecision,
    ReviewItem,
    ReviewItemNotFound,
    ReviewReason,
    ReviewSource,
    ReviewState,
    Scope,
    ScreenedMessage,
    ScreenedMessageNotFound,
    StateConflict,
)
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
from bot.text import clean_typed, counted
from storage.screening import ScreenedMessageRepository
from storage.screening_policy import ScreeningPolicyRepository
from storage.screening_review import ReviewRepository

log = logging.getLogger(__name__)

FilmLookup = Callable[[int], Awaitable[FilmDetails | None]]

RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
REPORTS_PER_WINDOW = 5
REPORT_WINDOW = timedelta(hours=1)
REPORT_REASON_MAX = 500
DECISIONS = {
    "approve": ReviewState.APPROVED,
    "remove": ReviewState.REMOVED,
    "escalate": ReviewState.ESCALATED,
}
NOT_LOADED = "the screening model is still loading"


class ScreeningService:
    """Screening with storage and policy; one per process, built at start-up.

    It is built before the model has loaded (`pipeline` is None): messages are then stored
    unscreened, and the start-up hands it the pipeline with `use_pipeline` once it is ready.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        *,
        pipeline: ScreeningPipeline | None = None,
        films: FilmLookup | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        crash: CrashPoints = NO_CRASHES,
    ) -> None:
        self._pipeline = pipeline
        self._messages = ScreenedMessageRepository(conn)
        self._review = ReviewRepository(conn)
        self._policies = ScreeningPolicyRepository(conn)
        self._films = films
        self._clock = clock
        self._policy_cache: dict[int, ScreeningPolicy] = {}
        # the embedded backend's second look, after the first verdict (look_service.py)
        self.second_looks = SecondLooks(conn, lambda: self._pipeline, self.policy, films, crash)

    # --- the model ------------------------------------------------------------------------
    @property
    def pipeline(self) -> ScreeningPipeline | None:
        """The scoring pipeline, or None while the model is still loading."""
        return self._pipeline

    def use_pipeline(self, pipeline: ScreeningPipeline) -> None:
        """Start scoring with `pipeline` (built once the model has loaded at start-up)."""
        self._pipeline = pipeline

    @property
    def ready(self) -> bool:
        """False while the model loads: messages are then stored unscreened, caught up later."""
        return self._pipeline is not None

    def status(self) -> str:
        """One line for /about and /mod screening: the active backend and why."""
        if self._pipeline is None:
            return NOT_LOADED
        stats = self._pipeline.batcher.stats
        looks = ""
        if self.second_looks.on:
            looks = f"; second look after the verdict, {self.second_looks.waiting} waiting"
        return (
            f"backend {self._pipeline.backend_name} ({self._pipeline.reason}); "
            f"{counted(stats.jobs, 'message')} scored, mean batch {stats.mean_batch:.1f}, "
            f"{self._pipeline.batcher.queued} waiting, {stats.rejected} deferred when busy"
            f"{looks}"
        )

    # --- screening messages ---------------------------------------------------------------
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
        if self._pipeline is None:
            return await self._store_unscreened(message, NOT_LOADED)
        try:
            screening = await self._pipeline.screen(message.content, film)
        except (ScreenerBusy, ScreenerClosed, TimeoutError) as exc:
            return await self._store_unscreened(message, describe_failure(exc))
        except Exception as exc:  # a backend bug must not lose the message
            log.exception("screening message %s failed", message.message_id)
            return await self._store_unscreened(message, describe_failure(exc))
        return await self._store(message, policy, place, screening, None)

    async def catch_up(self, limit: int = 200) -> CatchUp:
        """Screen stored unscreened messages whose retry time has come (run at start-up)."""
        screened = failed = 0
        raised: list[Handled] = []
        if self._pipeline is None:
            return CatchUp(0, 0, raised)
        for stored in await self._messages.list_unscreened(self._clock(), limit):
            film = await self._films(stored.film_id) if self._films and stored.film_id else None
            try:
                screening = await self._pipeline.screen(stored.content, film)
            except Exception as exc:
                failed += 1
                error = describe_failure(exc)
                await self._messages.mark_failed(stored.id, error, self._retry_at(stored))
                continue
            policy = await self.policy(stored.guild_id)
            place = MessagePlace(stored.channel_id, stored.parent_id)
            handled = await self._store(stored.incoming(), policy, place, screening, stored.id)
            screened += 1
            if handled.review_item is not None:
                raised.append(handled)
        return CatchUp(screened, failed, raised)

    async def latest_screening(self, message_id: int) -> ScreenedMessage | None:
        """The newest stored revision of a Discord message (None: never stored)."""
        return await self._messages.latest(message_id)

    async def screened_message(self, row_id: int) -> ScreenedMessage:
        """One stored screening by its id; ScreenedMessageNotFound if there is none."""
        stored = await self._messages.get(row_id)
        if stored is None:
            raise ScreenedMessageNotFound(row_id)
        return stored

    async def count_unscreened(self) -> int:
        """How many stored messages still wait to be screened."""
        return await self._messages.count_unscreened()

    # --- the policy -----------------------------------------------------------------------
    async def policy(self, guild_id: int) -> ScreeningPolicy:
        """The guild's policy (cached; every change below drops the cached copy)."""
        if guild_id not in self._policy_cache:
            self._policy_cache[guild_id] = policy_from_records(await self._policies.load(guild_id))
        return self._policy_cache[guild_id]

    async def set_scope(self, guild_id: int, scope: Scope | None, moderator_id: int) -> None:
        """Screen in `scope` (None: screening off; the scope stored before is kept)."""
        await self._policies.set_enabled(guild_id, scope is not None, moderator_id)
        if scope is not None:
            await self._policies.set_scope(guild_id, scope, moderator_id)
        self._policy_cache.pop(guild_id, None)

    async def set_enabled(self, guild_id: int, enabled: bool, moderator_id: int) -> None:
        """Turn screening on or off in a guild, keeping its scope."""
        await self._policies.set_enabled(guild_id, enabled, moderator_id)
        self._policy_cache.pop(guild_id, None)

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
        await self._policies.set_thresholds(
            guild_id, label, new.flag, new.hide, moderator_id, channel_id=where
        )
        self._policy_cache.pop(guild_id, None)
        return new

    async def reset_thresholds(
        self, guild_id: int, label: str | None = None, channel_id: int | None = None
    ) -> int:
        """Back to the inherited thresholds (one label or all); returns the settings removed."""
        where = SERVER_WIDE if channel_id is None else channel_id
        removed = await self._policies.reset_thresholds(guild_id, label, where)
        self._policy_cache.pop(guild_id, None)
        return removed

    async def set_role_exempt(
        self, guild_id: int, role_id: int, exempt: bool, moderator_id: int
    ) -> None:
        """Exempt a role's members from screening, or screen them again."""
        if exempt and role_id == guild_id:
            raise InvalidInput(
                "@everyone cannot be exempt: that would stop screening every member. "
                "To turn screening off, use `/mod screening scope`."
            )
        await self._policies.set_role_exempt(guild_id, role_id, exempt, moderator_id)
        self._policy_cache.pop(guild_id, None)

    async def set_channel_mode(
        self, guild_id: int, channel_id: int, mode: ChannelMode | None, moderator_id: int
    ) -> None:
        """Always screen a channel, exempt it, or (None) let it follow the server's scope."""
        await self._policies.set_channel_mode(guild_id, channel_id, mode, moderator_id)
        self._policy_cache.pop(guild_id, None)

    # --- the review queue -----------------------------------------------------------------
    async def review_item(self, item_id: int, guild_id: int | None = None) -> ReviewItem:
        """A review item (of `guild_id`, if given); ReviewItemNotFound if there is none."""
        item = await self._review.get(item_id)
        if item is None or (guild_id is not None and item.guild_id != guild_id):
            raise ReviewItemNotFound(item_id, here=guild_id is not None)
        return item

    async def pending_reviews(self, guild_id: int, limit: int = 25) -> list[ReviewItem]:
        """Open items (pending, then escalated), oldest first."""
        return await self._review.list_pending(guild_id, limit)

    async def review_decisions(self, item_id: int) -> list[ReviewDecision]:
        """Every decision taken on an item, oldest first."""
        return await self._review.decisions(item_id)

    async def set_alert(self, item_id: int, channel_id: int, message_id: int) -> None:
        """Remember an item's alert message, so its buttons still work after a restart."""
        await self._review.set_alert(item_id, channel_id, message_id)

    async def decide_review(
        self, item_id: int, action: str, moderator_id: int, note: str | None = None
    ) -> ReviewItem:
        """approve, remove or escalate an open item; a clear error if someone already did."""
        state = DECISIONS.get(action)
        if state is None:
            raise InvalidInput(f"Unknown action {action!r}: use approve, remove or escalate.")
        try:
            item = await self._review.decide(item_id, state, moderator_id, note)
        except StateConflict as exc:
            done = exc.item
            raise InvalidInput(
                f"Review item #{done.id} was already {done.state} by <@{done.decided_by}> "
                f"at {done.decided_at}."
            ) from None
        if item is None:
            raise ReviewItemNotFound(item_id)
        return item

    async def check_can_report(self, message: IncomingMessage, reporter_id: int) -> None:
        """Refuse a report before the member types a reason: own message, twice, too many."""
        if reporter_id == message.author_id:
            raise InvalidInput("You cannot report your own message.")
        if await self._review.has_reported(message.message_id, reporter_id):
            raise InvalidInput("You have already reported this message; moderators have it.")
        since = self._clock() - REPORT_WINDOW
        if (
            await self._review.reports_since(message.guild_id, reporter_id, since)
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
        reason = " ".join(clean_typed(reason).split())
        if not reason:
            raise InvalidInput("Please say why you are reporting this message.")
        if len(reason) > REPORT_REASON_MAX:
            raise InvalidInput(
                f"The reason is {len(reason)} characters; the limit is {REPORT_REASON_MAX}."
            )
        await self.check_can_report(message, reporter_id)
        return await self._review.add_report(message, reporter_id, reason, at=self._clock())

    # --- storing --------------------------------------------------------------------------
    async def _store(
        self,
        message: IncomingMessage,
        policy: ScreeningPolicy,
        place: MessagePlace,
        screening: Screening,
        waiting_id: int | None,
    ) -> Handled:
        verdict = decide(screening.scores, policy, place)
        look = self.second_looks.due(screening, verdict)
        record = replace(screening_record(screening, verdict, message.content), second_look=look)
        if waiting_id is None:
            stored = await self._messages.record(message, record)
        else:
            stored = await self._messages.complete(waiting_id, record)
        if look is not None:
            self.second_looks.submit(stored, screening)
        item = None
        if verdict.outcome is not Outcome.PASS:
            item, _ = await self._review.open_item(
                message,
                source=ReviewSource.SCREENING,
                outcome=ReviewReason(verdict.outcome),
                rule=verdict.rule,
                screened_id=stored.id,
            )
        return Handled(True, verdict.rule, verdict, screening, stored, item)

    async def _store_unscreened(self, message: IncomingMessage, error: str) -> Handled:
        log.warning("message %s stored unscreened: %s", message.message_id, error)
        stored = await self._messages.record_unscreened(message, error)
        return Handled(False, error, stored=stored, unscreened=True)

    def _retry_at(self, stored: ScreenedMessage) -> datetime:
        delay = min(RETRY_FIRST * (1 << min(stored.attempts, 16)), RETRY_MAX)
        return self._clock() + delay
