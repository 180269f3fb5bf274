"""Movie nights: plan (a native poll of watchlist films), then, on the scheduler, close the
poll and schedule the event for the winner, remind, open the discussion, and finish.

The Discord side is a `NightActions` the cog gives (`use_actions`), like the expiry callback;
every step is recorded before the next and tolerates being run again after a crash. A poll or
event deleted by hand is reported through `actions.report` and the night is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot import limits
from bot.community.model import (
    POLL_ANSWERS_MIN,
    CommunitySettings,
    MovieNight,
    NightStatus,
    NightStep,
    WatchlistEntry,
    parse_when,
    poll_hours,
)
from bot.errors import InvalidInput, NotFound
from bot.films.text import plain, truncate
from bot.moderation.clock import Clock
from bot.moderation.scheduler import ExpiryScheduler
from bot.text import counted
from storage.community_nights import MovieNightRepository

log = logging.getLogger(__name__)

JOB_KIND = "movienight"


class NightActions(Protocol):
    """What the cog does on Discord for a night; None/False answers mean "deleted by hand"."""

    async def close_poll(self, night: MovieNight) -> list[int] | None:
        """End the poll; the vote count of each answer, in order (None: the poll is gone)."""
        ...

    async def create_event(self, night: MovieNight) -> int:
        """Create the scheduled event for night.winner_film_id; its id."""
        ...

    async def remind(self, night: MovieNight) -> bool: ...

    async def start(self, night: MovieNight) -> int | None:
        """Start the event and open the film's discussion; the thread id (None: event gone)."""
        ...

    async def complete(self, night: MovieNight) -> None: ...

    async def call_off(self, night: MovieNight) -> None:
        """Cancelled by a planner: end the poll or cancel the event."""
        ...

    async def move_event(self, night: MovieNight) -> None: ...

    async def report(self, night: MovieNight, text: str) -> None:
        """Tell the moderators (the mod log)."""
        ...


@dataclass(frozen=True)
class PollSpec:
    question: str
    answers: tuple[str, ...]
    hours: int


@dataclass(frozen=True)
class StoredPlan:
    """What identifies a planned night before its poll exists."""

    guild_id: int
    channel_id: int
    starts_at: datetime
    choices: tuple[int, ...]
    by: int

    def matches(self, night: MovieNight) -> bool:
        return (
            night.status is NightStatus.POLLING
            and (night.guild_id, night.channel_id, night.created_by)
            == (
                self.guild_id,
                self.channel_id,
                self.by,
            )
            and night.starts_at == self.starts_at
            and tuple(night.choices) == self.choices
        )


def poll_spec(night_start: datetime, zone_name: str, labels: Sequence[str], hours: int) -> PollSpec:
    """The poll's question and answers (Discord: 55 characters an answer, at most 10)."""
    question = f"Movie night on {night_start:%a %d %b %Y at %H:%M} ({zone_name}): which film?"
    answers = tuple(truncate(plain(label), limits.POLL_ANSWER) for label in labels)
    return PollSpec(question, answers, hours)


def winner_index(counts: Sequence[int]) -> int:
    """The answer with most votes; a tie goes to the earliest suggestion (listed first)."""
    best = max(counts, default=0)
    return list(counts).index(best) if counts else 0


class MovieNights:
    """Plans nights and runs their steps as the scheduler's "movienight" jobs."""

    def __init__(
        self, nights: MovieNightRepository, scheduler: ExpiryScheduler, clock: Clock
    ) -> None:
        self._nights = nights
        self._scheduler = scheduler
        self._clock = clock
        self._actions: NightActions | None = None
        self._lock = asyncio.Lock()  # one step at a time (the scheduler, or Discord's poll end)

    async def use_actions(self, actions: NightActions) -> None:
        """The Discord side; pending nights are (re)loaded into the scheduler now."""
        self._actions = actions
        await self._scheduler.register(JOB_KIND, self)

    def choose(
        self, settings: CommunitySettings, when: str, watchlist: Sequence[WatchlistEntry], n: int
    ) -> tuple[datetime, int, list[WatchlistEntry]]:
        """Validate a plan: the moment (UTC), the poll's hours, the films offered."""
        if not POLL_ANSWERS_MIN <= n <= limits.POLL_ANSWERS:
            raise InvalidInput(f"A poll offers 2 to 10 films, not {n}.")
        if len(watchlist) < POLL_ANSWERS_MIN:
            raise InvalidInput(
                f"The watchlist has {counted(len(watchlist), 'film')}: a movie night poll needs "
                "at least 2. Add some with /watchlist add."
            )
        now = self._clock.now()
        starts_at = parse_when(when, settings.zone, now)
        return starts_at, poll_hours(starts_at, now), list(watchlist[:n])

    def plan_times(
        self, settings: CommunitySettings, starts_at: datetime, hours: int
    ) -> tuple[datetime, datetime | None]:
        """When a night planned now has its poll close, and its reminder (None: no role)."""
        reminder = starts_at - timedelta(minutes=settings.reminder_minutes)
        closes = self._clock.now() + timedelta(hours=hours)
        return closes, reminder if settings.reminder_role_id else None

    async def store_plan(
        self, plan: StoredPlan, poll_ends_at: datetime, reminder_at: datetime | None
    ) -> MovieNight:
        """Store the night before its poll is posted; the same plan stored before, still
        polling with no poll yet (a crash in between), is that night: it is not stored twice."""
        for night in await self._nights.unfinished(plan.guild_id):
            if night.poll_message_id is None and plan.matches(night):
                return night
        night_id = await self._nights.create(
            plan.guild_id,
            plan.channel_id,
            plan.starts_at,
            list(plan.choices),
            plan.by,
            poll_ends_at,
            reminder_at,
        )
        return await self.get(night_id)

    async def poll_posted(self, night: MovieNight, message_id: int) -> MovieNight:
        night = await self._update(night.id, poll_message_id=message_id)
        self._watch(night)
        return night

    async def event_created(self, night_id: int, event_id: int) -> MovieNight:
        """The winner's scheduled event exists on Discord: store its id."""
        return await self._update(night_id, event_id=event_id)

    async def poll_refused(self, night: MovieNight) -> None:
        """Discord refused the poll: the night recorded for it is cancelled."""
        await self._nights.update(night.id, status=NightStatus.CANCELLED)

    async def cancel(self, night: MovieNight) -> MovieNight:
        """Called off by a planner: the poll ends or the event is cancelled, nothing is left."""
        if night.status.finished:
            raise InvalidInput(f"Movie night #{night.id} is already {night.status.value}.")
        night = await self._update(night.id, status=NightStatus.CANCELLED)
        self._scheduler.forget_job(JOB_KIND, night.id)
        await self._discord().call_off(night)
        return night

    async def reschedule(
        self, night: MovieNight, when: str, settings: CommunitySettings
    ) -> MovieNight:
        """Move the night: the poll must still close an hour before; the event moves with it."""
        if night.status not in (NightStatus.POLLING, NightStatus.SCHEDULED):
            raise InvalidInput(
                f"Movie night #{night.id} is {night.status.value}: too late to move."
            )
        starts_at = parse_when(when, settings.zone, self._clock.now())
        closes = night.poll_ends_at if night.status is NightStatus.POLLING else None
        if closes is not None and closes > starts_at - timedelta(hours=1):
            raise InvalidInput(
                "The poll closes after that (or less than an hour before): pick a later "
                "time, or cancel and plan again."
            )
        reminder = starts_at - timedelta(minutes=settings.reminder_minutes)
        night = await self._update(
            night.id,
            starts_at=starts_at,
            reminder_at=reminder if night.reminder_at else None,
            reminded=False,
        )
        if night.status is NightStatus.SCHEDULED:
            await self._discord().move_event(night)
        self._watch(night)
        return night

    async def next_for(self, guild_id: int, night_id: int | None) -> MovieNight:
        """The night a planner names (default: the next one not finished)."""
        if night_id is not None:
            night = await self._nights.get(night_id)
            if night is not None and night.guild_id == guild_id:
                return night
        else:
            pending = await self._nights.unfinished(guild_id)
            if pending:
                return pending[0]
        raise NotFound("There is no such movie night planned here (see /movienight plan).")

    async def get(self, night_id: int) -> MovieNight:
        night = await self._nights.get(night_id)
        if night is None:
            raise NotFound(f"There is no movie night #{night_id}.")
        return night

    async def unfinished(self, guild_id: int | None = None) -> list[MovieNight]:
        """Nights not over yet, soonest first (every server's when guild_id is None)."""
        return await self._nights.unfinished(guild_id)

    async def by_poll(self, message_id: int) -> MovieNight | None:
        """The night whose poll is that message, if any."""
        return await self._nights.by_poll(message_id)

    async def by_event(self, event_id: int) -> MovieNight | None:
        """The night whose scheduled event that is, if any."""
        return await self._nights.by_event(event_id)

    async def gone(self, night: MovieNight, what: Literal["poll", "event"]) -> None:
        """The poll or event was deleted by hand: cancel the night once, and say so."""
        if night.status.finished:
            return
        await self._nights.update(night.id, status=NightStatus.CANCELLED)
        self._scheduler.forget_job(JOB_KIND, night.id)
        await self._discord().report(
            night, f"Movie night #{night.id}: its {what} was deleted by hand, so it is cancelled."
        )

    # --- the scheduler's job kind ----------------------------------------------------------
    async def pending(self) -> list[tuple[int, datetime]]:
        due = []
        for night in await self._nights.unfinished():
            step = night.next_step()
            if step is not None:
                due.append((night.id, step[1]))
        return due

    async def poll_ended(self, night: MovieNight) -> None:
        """Discord closed the poll (its time ran out): close the night's poll step now."""
        async with self._lock:
            night = await self.get(night.id)
            if night.status is NightStatus.POLLING:
                self._watch(await self._close_poll(night))

    async def run(self, job_id: int, now: datetime) -> datetime | None:
        """Do the night's due step; when its next step is due (None once it is over)."""
        async with self._lock:
            return await self._run(job_id, now)

    async def _run(self, job_id: int, now: datetime) -> datetime | None:
        night = await self._nights.get(job_id)
        step = night.next_step() if night is not None else None
        if night is None or step is None:
            return None
        if step[1] > now:
            return step[1]
        night = await self._steps[step[0]](night)
        upcoming = night.next_step()
        return upcoming[1] if upcoming else None

    @property
    def _steps(self) -> dict[NightStep, Callable[[MovieNight], Awaitable[MovieNight]]]:
        return {
            NightStep.CLOSE_POLL: self._close_poll,
            NightStep.REMIND: self._remind,
            NightStep.START: self._start,
            NightStep.COMPLETE: self._complete,
        }

    def _discord(self) -> NightActions:
        if self._actions is None:
            raise RuntimeError("movie nights act on Discord only once the cog gave its actions")
        return self._actions

    async def _update(self, night_id: int, **changes: object) -> MovieNight:
        await self._nights.update(night_id, **changes)
        return await self.get(night_id)

    def _watch(self, night: MovieNight) -> None:
        step = night.next_step()
        if step is not None:
            self._scheduler.schedule_job(JOB_KIND, night.id, step[1])

    async def _close_poll(self, night: MovieNight) -> MovieNight:
        actions = self._discord()
        if night.winner_film_id is None:
            counts = await actions.close_poll(night)
            if counts is None:
                await self.gone(night, "poll")
                return await self.get(night.id)
            winner = night.choices[winner_index(counts)] if night.choices else None
            night = await self._update(night.id, winner_film_id=winner)
        if night.event_id is None:
            event_id = await actions.create_event(night)
            night = await self._update(night.id, event_id=event_id)
        log.info(
            "movie night %s: film %s won, event %s", night.id, night.winner_film_id, night.event_id
        )
        return await self._update(night.id, status=NightStatus.SCHEDULED)

    async def _remind(self, night: MovieNight) -> MovieNight:
        if not await self._discord().remind(night):
            await self.gone(night, "event")
            return await self.get(night.id)
        return await self._update(night.id, reminded=True)

    async def _start(self, night: MovieNight) -> MovieNight:
        thread_id = await self._discord().start(night)
        if thread_id is None:
            await self.gone(night, "event")
            return await self.get(night.id)
        return await self._update(night.id, status=NightStatus.STARTED, thread_id=thread_id)

    async def _complete(self, night: MovieNight) -> MovieNight:
        await self._discord().complete(night)
        return await self._update(night.id, status=NightStatus.COMPLETED)
