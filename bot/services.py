"""Everything the cogs use, built complete at start-up and handed to the bot (no cog builds its own).

`open_services` opens the database, brings its schema up to date, builds every feature service
on it and starts their background work; `Services.aclose` stops that work, newest first, and
closes the database last (queues flush before the connection closes). Test seams (a clock, the
journal's crash points) are passed to `open_services`, never swapped in afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import aiosqlite

from bot.community.services import Community, build_community, review_screener
from bot.database import DatabaseService
from bot.discussions.service import Discussions
from bot.errors import UserFacingError
from bot.films.catalog import FilmCatalog, open_catalog
from bot.films.model import FilmDetails
from bot.films.plots import PlotEditor
from bot.journal import CrashPoints, Journal
from bot.moderation.clock import Clock, SystemClock
from bot.moderation.scheduler import ExpiryScheduler
from bot.moderation.service import ModerationService
from bot.replies.service import Replies
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
from storage.moderation import CaseRepository
from storage.moderation_config import ModConfigRepository
from storage.plot_sections import PlotSectionRepository
from storage.spoiler_terms import SpoilerTermRepository

log = logging.getLogger(__name__)

KEEP_FINISHED = timedelta(days=30)  # finished journal intents are kept this long

FilmDetailsLoader = Callable[[int], Awaitable[FilmDetails | None]]
Stopper = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Services:
    """The core services, complete from the moment they exist; cogs reach them as `bot.services`."""

    settings: Settings
    # The open connection, for the command line and the tests; cogs go through the services.
    conn: aiosqlite.Connection
    # The database's file, schema, write health, installation facts and error reports.
    database: DatabaseService
    # The clock moderation, the journal and movie nights run on (a ManualClock in tests).
    clock: Clock
    # The journal (docs/journal.md): features register a Handler per kind and `perform` their
    # Discord+database actions through it; cogs/journal.py resumes unfinished intents on
    # every (re)connect and runs the retry loop.
    journal: Journal
    # Moderation: the expiry scheduler (active cases reloaded at start-up; expiries missed
    # while offline are applied once the moderation cog connects the Discord side) and the
    # service that runs every action (the ledger, and per-guild settings as `.config`).
    expiry: ExpiryScheduler
    moderation: ModerationService
    # The film catalog (curated films loaded at start-up) and a film's details for screening.
    catalog: FilmCatalog
    film_details: FilmDetailsLoader
    # Film discussions: thread-to-film links and each server's options for them.
    discussions: Discussions
    # The spoiler guard's decisions, its records and cached detectors, built on the catalog.
    guard: SpoilerGuard
    # Moderators' plot sections (/film plot), beside the guard whose detectors they change.
    plots: PlotEditor
    # Reply chains (docs/replies.md): which channels are captured (`.scope`), the batched
    # writer (`.capture`), the /thread views, exports, backfill and the catch-up marks.
    # Features that delete a message for moderation call
    # `await services.replies.capture.mark_removed(message_id, by)` BEFORE deleting it.
    replies: Replies
    # Screening: the service, and the background load of its model.
    screening: ScreeningService
    screening_startup: ScreeningStartup
    # Community: reviews and ratings, reactions, watchlist, movie nights.
    community: Community
    # What `aclose` runs: background work stopped newest first, the connection closed last.
    _shutdown: contextlib.AsyncExitStack = field(repr=False)

    @property
    def screening_backend(self) -> str:
        """The active screening backend and why (shown by /about and /mod screening status)."""
        return self.screening_startup.describe()

    async def aclose(self) -> None:
        """Stop the background work (queues flush) and close the database."""
        await self._shutdown.aclose()


async def open_services(
    settings: Settings, *, clock: Clock | None = None, crash: CrashPoints | None = None
) -> Services:
    """Open and migrate the database, build every service, start their background work.

    Refuses (DatabaseError, nothing changed) a file that is not SQLite or whose schema is newer
    than the code. `clock` defaults to the system clock; `crash` to FILMBOT_CRASH_AT's points.
    Whatever was opened is closed again if any step fails.
    """
    settings.prepare_database_folder()
    conn = await migrate.open_database(settings.database_path)
    shutdown = contextlib.AsyncExitStack()
    shutdown.push_async_callback(conn.close)
    try:
        await _migrate(conn)
        crash = CrashPoints.from_env() if crash is None else crash
        services = await _build(settings, conn, clock or SystemClock(), crash, shutdown)
        await _start(services, shutdown)
    except BaseException:
        await shutdown.aclose()
        raise
    return services


async def _migrate(conn: aiosqlite.Connection) -> None:
    applied = await migrate.migrate(conn)
    if applied:
        log.info("database migrated: %s", ", ".join(applied))


async def _build(
    settings: Settings,
    conn: aiosqlite.Connection,
    clock: Clock,
    crash: CrashPoints,
    shutdown: contextlib.AsyncExitStack,
) -> Services:
    """Every service, on the migrated database; nothing runs in the background yet."""
    journal = Journal(JournalRepository(conn), clock, crash=crash, keep_finished=KEEP_FINISHED)
    cases, config = CaseRepository(conn), ModConfigRepository(conn)
    expiry = ExpiryScheduler(cases, clock)
    catalog = await open_catalog(conn, settings)
    shutdown.push_async_callback(_logged(catalog.close))
    film_details = functools.partial(_film_details, catalog)
    discussions = Discussions(DiscussionRepository(conn), DiscussionSettingsRepository(conn))
    guard = _build_guard(settings, conn, catalog, discussions)
    screening = _build_screening(conn, film_details, crash)
    screen = review_screener(lambda: screening, film_details)
    return Services(
        settings=settings,
        conn=conn,
        database=DatabaseService(conn, settings.database_path),
        clock=clock,
        journal=journal,
        expiry=expiry,
        moderation=ModerationService(cases, config, clock, expiry, journal),
        catalog=catalog,
        film_details=film_details,
        discussions=discussions,
        guard=guard,
        plots=PlotEditor(PlotSectionRepository(conn), guard.detectors.forget),
        replies=Replies.open(conn, settings, discussion_check(discussions)),
        screening=screening,
        screening_startup=ScreeningStartup(screening, settings),
        community=build_community(conn, guard, discussions, screen, expiry, clock),
        _shutdown=shutdown,
    )


async def _start(services: Services, shutdown: contextlib.AsyncExitStack) -> None:
    """The background work, each piece's stop registered as soon as it runs."""
    services.guard.preload_encoder()
    await services.expiry.start()
    shutdown.push_async_callback(_logged(services.expiry.stop))
    shutdown.push_async_callback(_logged(services.journal.stop))
    await services.replies.start()
    shutdown.push_async_callback(_logged(services.replies.stop))  # no captured message lost
    services.screening_startup.begin()
    shutdown.push_async_callback(_logged(services.screening_startup.close))


def _logged(stop: Stopper) -> Stopper:
    """`stop`, with its failure logged so that the rest of the shutdown still runs."""

    async def run() -> None:
        try:
            await stop()
        except Exception:
            log.exception("error while shutting down %r", stop)

    return run


def _build_guard(
    settings: Settings,
    conn: aiosqlite.Connection,
    catalog: FilmCatalog,
    discussions: Discussions,
) -> SpoilerGuard:
    """The spoiler guard on the catalog's details and the community's spoiler terms."""
    return SpoilerGuard(
        discussions,
        SpoilerGuardRepository(conn),
        catalog.get_details,
        terms=CommunityTerms(SpoilerTermRepository(conn)),
        encoder=settings.spoiler_encoder == "on",
    )


def _build_screening(
    conn: aiosqlite.Connection, film_details: FilmDetailsLoader, crash: CrashPoints
) -> ScreeningService:
    """The screening service; it scores once its model has loaded (ScreeningStartup)."""
    return ScreeningService(conn, films=film_details, crash=crash)


async def _film_details(catalog: FilmCatalog, film_id: int) -> FilmDetails | None:
    """A film's catalog details (quotes, characters) for film-aware screening."""
    try:
        return await catalog.get_details(film_id)
    except UserFacingError:
        log.warning("film %s of a discussion thread is not in the catalog", film_id)
        return None


def discussion_check(discussions: Discussions) -> Callable[[int], Awaitable[bool]]:
    """Whether a thread is a film discussion (reply chains capture every one of them)."""

    async def is_discussion(thread_id: int) -> bool:
        return await discussions.by_thread(thread_id) is not None

    return is_discussion
