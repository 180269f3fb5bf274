"""Everything the cogs use, built once at start-up and handed to the bot (no cog builds its own).

Features add their repositories and engines here; `start()` runs after migrations (e.g. load the
curated films, reload expiries) and `aclose()` flushes queues and closes the database.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiosqlite

from bot.community.services import Community, build_community, review_screener
from bot.errors import UserFacingError
from bot.films.catalog import FilmCatalog, open_catalog
from bot.films.model import FilmDetails
from bot.films.plots import PlotEditor
from bot.journal import CrashPoints, Journal
from bot.moderation.clock import Clock, SystemClock
from bot.moderation.scheduler import ExpiryScheduler
from bot.moderation.service import ModerationService
from bot.replies.capture import ReplyCapture
from bot.replies.scope import CaptureScope
from bot.screening.service import ScreeningService
from bot.screening.startup import ScreeningStartup
from bot.settings import Settings
from bot.spoilers.community import CommunityTerms
from bot.spoilers.guard import SpoilerGuard
from storage import migrate
from storage.discussions import (
    DiscussionRepository,
    DiscussionSettingsRepository,
    SpoilerGuardRepository,
)
from storage.journal import JournalRepository
from storage.marks import ChannelMarks
from storage.meta import ErrorReportRepository, MetaRepository
from storage.moderation import CaseRepository
from storage.moderation_config import ModConfigRepository
from storage.plot_sections import PlotSectionRepository
from storage.replies import ReplyRepository
from storage.spoiler_terms import SpoilerTermRepository

log = logging.getLogger(__name__)

KEEP_FINISHED = timedelta(days=30)  # finished journal intents are kept this long


@dataclass
class Services:
    settings: Settings
    conn: aiosqlite.Connection
    database_path: Path
    meta: MetaRepository
    errors: ErrorReportRepository
    # Moderation (issue 7): the ledger, per-guild settings, the clock, expiries.
    mod_cases: CaseRepository
    mod_config: ModConfigRepository
    clock: Clock
    expiry: ExpiryScheduler
    moderation: ModerationService
    # The journal (docs/journal.md): features register a Handler per kind and `perform` their
    # Discord+database actions through it; cogs/journal.py resumes unfinished intents on
    # every (re)connect and runs the retry loop.
    journal: Journal
    # Film discussions (issue 4): thread-to-film links, per-guild options, spoiler-guard records.
    discussions: DiscussionRepository
    discussion_settings: DiscussionSettingsRepository
    spoiler_guard: SpoilerGuardRepository
    # Reply chains (issue 6): the captured discussions, which channels are captured (film
    # discussion threads always), and the batched writer. Features that delete a message for
    # moderation call `await services.reply_capture.mark_removed(message_id, by)` BEFORE
    # deleting it.
    replies: ReplyRepository
    reply_scope: CaptureScope
    reply_capture: ReplyCapture
    # Per-channel high-water marks (docs/replies.md): where each channel's catch-up starts.
    marks: ChannelMarks
    # The film catalog (issue 3): built in start(), once the schema exists (loads curated films).
    catalog: FilmCatalog = None  # type: ignore[assignment]
    # The spoiler guard's decisions and cached detectors (issue 4): built in start(), on the
    # catalog.
    guard: SpoilerGuard = None  # type: ignore[assignment]
    # Moderators' plot sections (/film plot, issue 11): built in start(), beside the guard.
    plots: PlotEditor = None  # type: ignore[assignment]
    # Screening (issue 5): the service (its model loads in the background, see start()).
    screening: ScreeningService = None  # type: ignore[assignment]
    screening_startup: ScreeningStartup = None  # type: ignore[assignment]
    # Community (issue 16): reviews and ratings, reactions, watchlist, movie nights; built in
    # start(), on the guard and the screening service.
    community: Community = None  # type: ignore[assignment]
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _started: bool = False

    async def migrate(self) -> list[str]:
        """Bring the schema up to date (refuses a database newer than the code)."""
        return await migrate.migrate(self.conn)

    async def start(self) -> None:
        """Feature start-up work that needs the migrated database."""
        self._started = True
        self.catalog = await open_catalog(self.conn, self.settings)
        self.on_close(self.catalog.close)
        self.guard = SpoilerGuard(
            self.discussions,
            self.discussion_settings,
            self.spoiler_guard,
            self.catalog.films.get_details,
            terms=CommunityTerms(SpoilerTermRepository(self.conn)),
            encoder=self.settings.spoiler_encoder == "on",
        )
        self.plots = PlotEditor(PlotSectionRepository(self.conn), self.guard.detectors.forget)
        self.guard.preload_encoder()
        # Active cases are reloaded now; expiries missed while offline are applied as soon as
        # the moderation cog connects the Discord side (it loads right after this).
        await self.expiry.start()
        self.on_close(self.expiry.stop)
        self.on_close(self.journal.stop)
        await self.reply_scope.load()
        self.reply_capture.start()
        self.on_close(self.reply_capture.stop)  # a restart loses no captured message
        self.screening, self.screening_startup = build_screening(self)
        self.screening_startup.begin()
        self.on_close(self.screening_startup.close)
        screen = review_screener(lambda: self.screening, self.film_details)
        self.community = build_community(
            self.conn, self.guard, self.discussion_settings, screen, self.expiry, self.clock
        )

    @property
    def screening_backend(self) -> str:
        """The active screening backend and why (shown by /about and /mod screening status)."""
        if self.screening_startup is None:
            return "not started"
        return self.screening_startup.describe()

    async def film_details(self, film_id: int) -> FilmDetails | None:
        """A film's catalog details (quotes, characters) for film-aware screening."""
        try:
            return await self.catalog.films.get_details(film_id)
        except UserFacingError:
            log.warning("film %s of a discussion thread is not in the catalog", film_id)
            return None

    def use_clock(self, clock: Clock) -> None:
        """Swap the clock moderation runs on (tests pass a ManualClock); only before start."""
        if self._started:
            raise RuntimeError("the clock can only be swapped before the services start")
        self.clock = clock
        self.journal = Journal(
            self.journal.store, clock, crash=self.journal.crash, keep_finished=KEEP_FINISHED
        )
        self.expiry, self.moderation = build_moderation(
            self.mod_cases, self.mod_config, clock, self.journal
        )

    def on_close(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Register a coroutine run at shutdown, newest first (queues flush before the DB closes)."""
        self._closers.append(closer)

    async def aclose(self) -> None:
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:
                log.exception("error while shutting down %r", closer)
        await self.conn.close()


async def open_services(settings: Settings) -> Services:
    """Connect to the database and build the services (migrations run in the bot's setup_hook)."""
    settings.prepare_database_folder()
    conn = await migrate.open_database(settings.database_path)
    cases, config, clock = CaseRepository(conn), ModConfigRepository(conn), SystemClock()
    journal = Journal(
        JournalRepository(conn), clock, crash=CrashPoints.from_env(), keep_finished=KEEP_FINISHED
    )
    expiry, moderation = build_moderation(cases, config, clock, journal)
    replies, discussions = ReplyRepository(conn), DiscussionRepository(conn)
    marks = ChannelMarks(conn)
    return Services(
        settings=settings,
        conn=conn,
        database_path=settings.database_path,
        meta=MetaRepository(conn),
        errors=ErrorReportRepository(conn),
        mod_cases=cases,
        mod_config=config,
        clock=clock,
        expiry=expiry,
        moderation=moderation,
        journal=journal,
        discussions=discussions,
        discussion_settings=DiscussionSettingsRepository(conn),
        spoiler_guard=SpoilerGuardRepository(conn),
        replies=replies,
        reply_scope=CaptureScope(replies, discussion_check(discussions)),
        reply_capture=ReplyCapture.from_settings(replies, settings, marks),
        marks=marks,
    )


def build_screening(services: Services) -> tuple[ScreeningService, ScreeningStartup]:
    """The screening service (scoring once the model loads) and its background loader."""
    service = ScreeningService(services.conn, films=services.film_details)
    return service, ScreeningStartup(service, services.settings)


def build_moderation(
    cases: CaseRepository, config: ModConfigRepository, clock: Clock, journal: Journal
) -> tuple[ExpiryScheduler, ModerationService]:
    """The expiry scheduler and the moderation service, both on `clock`, journaled."""
    expiry = ExpiryScheduler(cases, clock)
    return expiry, ModerationService(cases, config, clock, expiry, journal)


def discussion_check(discussions: DiscussionRepository) -> Callable[[int], Awaitable[bool]]:
    """Whether a thread is a film discussion (reply chains capture every one of them)."""

    async def is_discussion(thread_id: int) -> bool:
        return await discussions.by_thread(thread_id) is not None

    return is_discussion
