"""The escalation ladder with decay, on a real ledger; time is set by the test."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InvalidInput
from bot.moderation.ladder import (
    DEFAULT_LADDER,
    check_ladder,
    describe_step,
    escalate,
    make_step,
)
from bot.moderation.model import CaseType, NewCase
from storage.db import connect
from storage.migrate import migrate
from storage.moderation import CaseRepository

GUILD, ALICE, MOD, BOT = 1001, 11, 99, 4242
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def cases(tmp_path):
    conn = await connect(tmp_path / "ladder.sqlite3")
    await migrate(conn)
    yield CaseRepository(conn)
    await conn.close()


async def warn_and_escalate(cases, now, steps=DEFAULT_LADDER):
    """What the cog does for /mod warn: record the warning, then let the ladder look."""
    warning = NewCase(
        guild_id=GUILD, type=CaseType.WARN, moderator_id=MOD, member_id=ALICE,
        member_name="Alice", reason="rude",
    )  # fmt: skip
    await cases.add_case(warning, now)
    return await escalate(
        cases, steps, guild_id=GUILD, member_id=ALICE, member_name="Alice", bot_id=BOT, now=now
    )


async def test_third_warning_in_a_week_times_out_for_an_hour(cases):
    assert await warn_and_escalate(cases, START) is None
    assert await warn_and_escalate(cases, START + timedelta(days=1)) is None
    step = await warn_and_escalate(cases, START + timedelta(days=2))
    assert step.number == 4 and step.type == CaseType.AUTO_TIMEOUT
    assert step.moderator_id == BOT and step.cites == (1, 2, 3)
    assert step.duration == timedelta(hours=1)
    assert step.rule == "Escalation ladder: 3 warnings within 1 week -> timeout for 1 hour"
    assert step.reason == "3 warnings within 1 week (cases #1, #2, #3)."
    assert step.member_name == "Alice"
    assert (await cases.get_case(GUILD, 4)).cites == (1, 2, 3)


async def test_the_same_warnings_never_fire_the_same_step_twice(cases):
    for day in range(3):
        await warn_and_escalate(cases, START + timedelta(hours=day))
    assert await warn_and_escalate(cases, START + timedelta(hours=4)) is None  # warning #5
    again = await escalate(
        cases, DEFAULT_LADDER, guild_id=GUILD, member_id=ALICE, member_name="Alice",
        bot_id=BOT, now=START + timedelta(hours=5),
    )  # fmt: skip
    assert again is None
    autos = [c for c in (await cases.history(GUILD, ALICE)).cases if c.type.is_automatic]
    assert len(autos) == 1


async def test_warnings_older_than_the_window_stop_counting(cases):
    await warn_and_escalate(cases, START)
    await warn_and_escalate(cases, START + timedelta(days=3))
    # Eight days after the first: only the second still counts, with the new one: 2 < 3.
    assert await warn_and_escalate(cases, START + timedelta(days=8)) is None
    fired = await warn_and_escalate(cases, START + timedelta(days=8, hours=1))
    assert fired.type == CaseType.AUTO_TIMEOUT and fired.cites == (2, 3, 4)


async def test_voided_warnings_do_not_count(cases):
    await warn_and_escalate(cases, START)
    await warn_and_escalate(cases, START)
    await cases.void_case(GUILD, 2, MOD, "not Alice after all", START)
    assert await warn_and_escalate(cases, START + timedelta(hours=1)) is None
    fired = await warn_and_escalate(cases, START + timedelta(hours=2))
    assert fired.cites == (1, 3, 4)


async def test_fifth_warning_in_a_month_tempbans_for_a_day(cases):
    fired = []
    for week in range(5):  # one warning a week: the 7-day step never sees three
        fired.append(await warn_and_escalate(cases, START + timedelta(days=6 * week)))
    assert fired[:4] == [None] * 4
    assert fired[4].type == CaseType.AUTO_TEMPBAN
    assert fired[4].duration == timedelta(days=1) and fired[4].cites == (1, 2, 3, 4, 5)
    assert fired[4].expires_at == START + timedelta(days=24, hours=24)


async def test_only_the_heaviest_qualifying_step_fires_and_uses_the_warnings_up(cases):
    await warn_and_escalate(cases, START)
    await warn_and_escalate(cases, START + timedelta(days=1))
    # Three quick warnings 10 days later: the 1-week step and the 30-day step both qualify.
    results = [
        await warn_and_escalate(cases, START + timedelta(days=10, hours=h)) for h in range(3)
    ]
    assert results[0] is None
    assert results[1] is None  # 7-day window: #2 is 9 days old, so #3, #4 only
    assert results[2].type == CaseType.AUTO_TEMPBAN and results[2].cites == (1, 2, 3, 4, 5)
    # The timeout step may not re-use warnings the heavier step already used.
    assert await warn_and_escalate(cases, START + timedelta(days=10, hours=5)) is None


async def test_concurrent_warnings_fire_the_step_once(cases):
    await warn_and_escalate(cases, START)
    await warn_and_escalate(cases, START)
    results = await asyncio.gather(
        warn_and_escalate(cases, START + timedelta(minutes=1)),
        warn_and_escalate(cases, START + timedelta(minutes=1)),
    )
    fired = [case for case in results if case is not None]
    assert len(fired) == 1 and fired[0].type == CaseType.AUTO_TIMEOUT
    page = await cases.history(GUILD, ALICE)
    assert sorted(c.number for c in page.cases) == list(range(1, 6))


async def test_no_steps_means_no_escalation(cases):
    for _ in range(6):
        assert await warn_and_escalate(cases, START, steps=[]) is None


def test_make_step_reads_moderator_input():
    step = make_step(3, "7d", "Timeout", "1h")
    assert step.window == timedelta(days=7) and step.action == "timeout"
    assert describe_step(step) == "3 warnings within 1 week -> timeout for 1 hour"
    assert describe_step(make_step(1, "1d", "ban")) == "1 warning within 1 day -> ban"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((3, "7d", "mute", "1h"), "`mute` is not a ladder action"),
        ((0, "7d", "timeout", "1h"), "between 1 and 50 warnings, not 0"),
        ((3, "7d", "timeout", None), "A timeout step needs a duration"),
        ((3, "7d", "kick", "1h"), "A kick is not temporary"),
        ((3, "7d", "timeout", "30d"), "a timeout lasts at most 28 days"),
        ((3, "2y", "ban", None), "a ladder window lasts at most 1 year"),
        ((3, "soon", "ban", None), "`soon` is not a duration"),
    ],
)
def test_make_step_refuses_bad_input(args, says):
    with pytest.raises(InvalidInput) as refused:
        make_step(*args)
    assert says in refused.value.message


def test_check_ladder_orders_steps_and_refuses_duplicates():
    heavy, light = make_step(5, "30d", "tempban", "1d"), make_step(3, "7d", "timeout", "1h")
    assert check_ladder([heavy, light]) == [light, heavy]
    with pytest.raises(InvalidInput, match="Two steps both start at 3 warnings"):
        check_ladder([light, make_step(3, "1d", "kick")])
    with pytest.raises(InvalidInput, match="at most 10 steps"):
        check_ladder([make_step(n, "1d", "kick") for n in range(1, 12)])
