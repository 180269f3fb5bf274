"""The expiry scheduler with a hand-moved clock: on time, across restarts, cancellable."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.moderation.clock import ManualClock, SystemClock
from bot.moderation.model import CaseType, NewCase
from bot.moderation.scheduler import ExpiryScheduler
from storage.db import connect
from storage.migrate import migrate
from storage.moderation import CaseRepository

GUILD, ALICE, BOB, MOD = 1001, 11, 12, 99
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class Applied:
    """The "apply expiry" callback: records what it was asked to end; can fail on demand."""

    def __init__(self) -> None:
        self.cases = []
        self.failures_left = 0

    async def __call__(self, case) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("Discord said 503")
        self.cases.append((case.guild_id, case.number, case.type))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "expiry.sqlite3"


@pytest.fixture
async def cases(db_path):
    conn = await connect(db_path)
    await migrate(conn)
    yield CaseRepository(conn)
    await conn.close()


def tempban(member=ALICE, days=1):
    return NewCase(
        guild_id=GUILD, type=CaseType.TEMPBAN, moderator_id=MOD, member_id=member,
        member_name="Alice", reason="raid", duration=timedelta(days=days),
    )  # fmt: skip


def timeout(member=BOB, hours=1):
    return NewCase(
        guild_id=GUILD, type=CaseType.TIMEOUT, moderator_id=MOD, member_id=member,
        reason="spam", duration=timedelta(hours=hours),
    )  # fmt: skip


async def test_tempban_ends_on_time_and_not_before(cases):
    clock, applied = ManualClock(START), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied)
    await scheduler.start()
    try:
        case = await cases.add_case(tempban(), clock.now())
        scheduler.schedule(case)
        await scheduler.wait_idle()
        assert scheduler.next_expiry == START + timedelta(days=1)
        clock.advance(timedelta(hours=23, minutes=59))
        await scheduler.wait_idle()
        assert applied.cases == []
        assert (await cases.get_case(GUILD, 1)).active
        clock.advance(timedelta(minutes=1))
        await scheduler.wait_idle()
        assert applied.cases == [(GUILD, 1, CaseType.TEMPBAN)]
        ended = await cases.get_case(GUILD, 1)
        assert not ended.active and ended.end_reason == "expired"
        assert ended.ended_at == START + timedelta(days=1)
        assert scheduler.next_expiry is None and clock.pending_timers == 0
    finally:
        await scheduler.stop()


async def test_expiries_apply_in_time_order(cases):
    clock, applied = ManualClock(START), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied)
    await scheduler.start()
    try:
        for new in (tempban(days=2), timeout(hours=3), tempban(member=BOB, days=1)):
            scheduler.schedule(await cases.add_case(new, clock.now()))
        clock.advance(timedelta(days=3))
        await scheduler.wait_idle()
        assert [number for _, number, _ in applied.cases] == [2, 3, 1]
        assert await cases.active_expiring() == []
    finally:
        await scheduler.stop()


async def test_one_timer_for_the_next_expiry_not_polling(cases):
    clock = ManualClock(START)
    scheduler = ExpiryScheduler(cases, clock, Applied(), longest_wait=timedelta(hours=6))
    await scheduler.start()
    try:
        assert clock.pending_timers == 0  # nothing to wait for, nothing armed
        for days in (1, 2, 3):
            scheduler.schedule(await cases.add_case(tempban(member=days, days=days), START))
        await scheduler.wait_idle()
        assert clock.pending_timers == 1
    finally:
        await scheduler.stop()
    assert clock.pending_timers == 0


async def test_expiry_missed_while_offline_is_applied_at_start(cases):
    await cases.add_case(tempban(), START)
    await cases.add_case(timeout(hours=1), START)
    clock, applied = ManualClock(START + timedelta(days=2)), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied)
    assert await scheduler.start() == 2
    try:
        await scheduler.wait_idle()
        assert sorted(applied.cases) == [(GUILD, 1, CaseType.TEMPBAN), (GUILD, 2, CaseType.TIMEOUT)]
        assert await cases.active_expiring() == []
    finally:
        await scheduler.stop()


async def test_restart_across_an_expiry(db_path, cases):
    clock, applied = ManualClock(START), Applied()
    first = ExpiryScheduler(cases, clock, applied)
    await first.start()
    first.schedule(await cases.add_case(tempban(), START))
    await first.wait_idle()
    await first.stop()  # the bot goes offline
    clock.advance(timedelta(days=1, hours=6))
    assert applied.cases == []

    conn = await connect(db_path)  # the bot comes back with a fresh connection
    try:
        await migrate(conn)
        restarted = ExpiryScheduler(CaseRepository(conn), clock, applied)
        await restarted.start()
        await restarted.wait_idle()
        await restarted.stop()
    finally:
        await conn.close()
    assert applied.cases == [(GUILD, 1, CaseType.TEMPBAN)]
    assert (await cases.get_case(GUILD, 1)).end_reason == "expired"


async def test_voided_or_lifted_cases_are_not_expired(cases):
    clock, applied = ManualClock(START), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied)
    await scheduler.start()
    try:
        scheduler.schedule(await cases.add_case(tempban(), START))
        scheduler.schedule(await cases.add_case(timeout(), START))
        await cases.void_case(GUILD, 1, MOD, "appeal accepted", START + timedelta(hours=2))
        untimeout = NewCase(
            guild_id=GUILD, type=CaseType.UNTIMEOUT, moderator_id=MOD, member_id=BOB, reason="ok"
        )
        await cases.add_case(untimeout, START)
        clock.advance(timedelta(days=2))
        await scheduler.wait_idle()
        assert applied.cases == []
        assert (await cases.get_case(GUILD, 1)).end_reason == "voided"
        assert (await cases.get_case(GUILD, 2)).end_reason == "lifted by case #3"
    finally:
        await scheduler.stop()


async def test_failed_expiry_is_retried_later(cases):
    clock, applied = ManualClock(START), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied, retry_after=timedelta(minutes=10))
    await scheduler.start()
    try:
        scheduler.schedule(await cases.add_case(timeout(), START))
        applied.failures_left = 1
        clock.advance(timedelta(hours=1))
        await scheduler.wait_idle()
        assert applied.cases == [] and (await cases.get_case(GUILD, 1)).active
        clock.advance(timedelta(minutes=10))
        await scheduler.wait_idle()
        assert applied.cases == [(GUILD, 1, CaseType.TIMEOUT)]
        assert not (await cases.get_case(GUILD, 1)).active
    finally:
        await scheduler.stop()


async def test_stopped_scheduler_applies_nothing(cases):
    clock, applied = ManualClock(START), Applied()
    scheduler = ExpiryScheduler(cases, clock, applied)
    await scheduler.start()
    scheduler.schedule(await cases.add_case(timeout(), START))
    await scheduler.stop()
    clock.advance(timedelta(days=1))
    assert applied.cases == []
    assert (await cases.get_case(GUILD, 1)).active  # picked up at the next start


async def test_system_clock_applies_an_overdue_case_without_waiting(cases):
    applied = Applied()
    past = datetime.now(UTC) - timedelta(days=2)
    await cases.add_case(tempban(), past)
    scheduler = ExpiryScheduler(cases, SystemClock(), applied)
    await scheduler.start()
    try:
        await scheduler.wait_idle()
        assert applied.cases == [(GUILD, 1, CaseType.TEMPBAN)]
    finally:
        await scheduler.stop()


async def test_missed_expiries_wait_for_the_callback_then_apply_at_once(cases):
    """The bot starts the scheduler before the moderation cog supplies the Discord side."""
    clock, applied = ManualClock(START), Applied()
    await cases.add_case(tempban(), START)
    clock.advance(timedelta(days=2))
    scheduler = ExpiryScheduler(cases, clock)
    assert await scheduler.start() == 1
    try:
        assert (await cases.get_case(GUILD, 1)).active  # nothing can be applied yet
        scheduler.set_apply_expiry(applied)
        await scheduler.wait_idle()
        assert applied.cases == [(GUILD, 1, CaseType.TEMPBAN)]
        assert (await cases.get_case(GUILD, 1)).end_reason == "expired"
    finally:
        await scheduler.stop()
