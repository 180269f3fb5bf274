"""The case ledger on a real SQLite file: numbering, concurrency, history, amendments, voids."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InvalidInput, NotFound
from bot.moderation.model import CaseType, DmStatus, NewCase
from storage.db import connect
from storage.migrate import migrate
from storage.moderation import CaseRepository

GUILD, OTHER_GUILD = 1001, 2002
ALICE, BOB, MOD = 11, 12, 99
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def conn(tmp_path):
    connection = await connect(tmp_path / "mod.sqlite3")
    await migrate(connection)
    yield connection
    await connection.close()


@pytest.fixture
def cases(conn):
    return CaseRepository(conn)


def warn(member=ALICE, guild=GUILD, reason="spoilers in #general", **extra):
    return NewCase(
        guild_id=guild, type=CaseType.WARN, moderator_id=MOD, member_id=member,
        member_name="Alice", reason=reason, **extra,
    )  # fmt: skip


async def count_rows(conn, table="mod_cases"):
    async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cursor:
        return (await cursor.fetchone())[0]


async def test_cases_are_numbered_per_guild(cases):
    first = await cases.add_case(warn(), NOW)
    second = await cases.add_case(warn(member=BOB), NOW)
    elsewhere = await cases.add_case(warn(guild=OTHER_GUILD), NOW)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    stored = await cases.get_case(GUILD, 1)
    assert stored.type == CaseType.WARN
    assert stored.reason == "spoilers in #general"
    assert stored.member_name == "Alice"
    assert stored.moderator_id == MOD
    assert stored.created_at == NOW
    assert stored.active  # warnings count until voided
    assert stored.dm_status == DmStatus.NOT_APPLICABLE


async def test_case_from_another_guild_is_not_found(cases):
    await cases.add_case(warn(guild=OTHER_GUILD), NOW)
    assert await cases.get_case(GUILD, 1) is None
    with pytest.raises(NotFound, match="There is no case #1 in this server"):
        await cases.amend_reason(GUILD, 1, "new reason", MOD, NOW)
    assert (await cases.get_case(OTHER_GUILD, 1)).reason == "spoilers in #general"


async def test_two_writers_on_separate_connections_both_recorded_without_gaps(tmp_path):
    path = tmp_path / "shared.sqlite3"
    setup = await connect(path)
    await migrate(setup)
    first, second = await connect(path), await connect(path)
    try:
        writers = [CaseRepository(first), CaseRepository(second)]
        added = await asyncio.gather(
            *(writers[i % 2].add_case(warn(reason=f"case {i}"), NOW) for i in range(20))
        )
        assert sorted(case.number for case in added) == list(range(1, 21))
        async with setup.execute(
            "SELECT number, reason FROM mod_cases WHERE guild_id = ? ORDER BY number", (GUILD,)
        ) as cursor:
            rows = await cursor.fetchall()
        assert [row["number"] for row in rows] == list(range(1, 21))
        assert {row["reason"] for row in rows} == {f"case {i}" for i in range(20)}
    finally:
        for connection in (setup, first, second):
            await connection.close()


async def test_two_tasks_sharing_one_connection_both_recorded(cases):
    one, two = await asyncio.gather(
        cases.add_case(warn(reason="first moderator"), NOW),
        cases.add_case(warn(reason="second moderator"), NOW),
    )
    assert {one.number, two.number} == {1, 2}
    page = await cases.history(GUILD, ALICE)
    assert {case.reason for case in page.cases} == {"first moderator", "second moderator"}


async def test_reason_rules_leave_no_partial_case(conn, cases):
    with pytest.raises(InvalidInput, match="A reason is required"):
        await cases.add_case(warn(reason="   "), NOW)
    with pytest.raises(InvalidInput, match="1,001 characters long; the limit is 1,000"):
        await cases.add_case(warn(reason="x" * 1001), NOW)
    with pytest.raises(NotFound, match="no case #7"):
        await cases.add_case(warn(cites=(7,)), NOW)
    assert await count_rows(conn) == 0
    assert await count_rows(conn, "mod_case_citations") == 0
    note = NewCase(guild_id=GUILD, type=CaseType.NOTE, moderator_id=MOD, member_id=ALICE)
    recorded = await cases.add_case(note, NOW)
    assert recorded.number == 1 and recorded.reason == "" and not recorded.active
    assert (await cases.add_case(warn(reason="y" * 1000), NOW)).number == 2


async def test_history_pages_newest_first_with_voided_cases(cases):
    for i in range(12):
        await cases.add_case(warn(reason=f"reason {i}"), NOW + timedelta(minutes=i))
    await cases.add_case(warn(member=BOB), NOW)
    await cases.void_case(GUILD, 3, MOD, "wrong member", NOW)
    first = await cases.history(GUILD, ALICE, page=1)
    second = await cases.history(GUILD, ALICE, page=2)
    assert (first.total, first.page_count) == (12, 2)
    assert [case.number for case in first.cases] == list(range(12, 2, -1))
    assert [case.number for case in second.cases] == [2, 1]
    voided = next(case for case in first.cases if case.number == 3)
    assert voided.voided and voided.void_reason == "wrong member"
    with pytest.raises(InvalidInput, match="There is no page 3: this history has 2 pages"):
        await cases.history(GUILD, ALICE, page=3)
    empty = await cases.history(GUILD, 555)
    assert (empty.total, empty.page_count, empty.cases) == (0, 1, ())


async def test_amend_reason_keeps_who_when_and_the_old_reason(cases):
    await cases.add_case(warn(reason="first reason"), NOW)
    later = NOW + timedelta(hours=2)
    await cases.amend_reason(GUILD, 1, "second reason", 77, later)
    amended = await cases.amend_reason(GUILD, 1, "third reason", 78, later + timedelta(hours=1))
    assert amended.reason == "third reason"
    assert [(a.amended_by, a.old_reason, a.new_reason) for a in amended.amendments] == [
        (77, "first reason", "second reason"),
        (78, "second reason", "third reason"),
    ]
    assert amended.amendments[0].amended_at == later
    with pytest.raises(InvalidInput, match="already has exactly that reason"):
        await cases.amend_reason(GUILD, 1, "third reason", MOD, later)
    with pytest.raises(InvalidInput, match="limit is 1,000"):
        await cases.amend_reason(GUILD, 1, "z" * 1500, MOD, later)
    assert (await cases.get_case(GUILD, 1)).reason == "third reason"


async def test_void_keeps_the_case_and_reports_what_to_lift(conn, cases):
    timeout = NewCase(
        guild_id=GUILD, type=CaseType.TIMEOUT, moderator_id=MOD, member_id=ALICE,
        member_name="Alice", reason="flooding", duration=timedelta(hours=1),
    )  # fmt: skip
    await cases.add_case(timeout, NOW)
    result = await cases.void_case(GUILD, 1, 77, "it was Bob", NOW + timedelta(minutes=5))
    assert result.was_active and result.lifts == "timeout"
    case = result.case
    assert case.voided and not case.active
    assert (case.voided_by, case.void_reason, case.end_reason) == (77, "it was Bob", "voided")
    assert await count_rows(conn) == 1
    with pytest.raises(InvalidInput, match="already voided"):
        await cases.void_case(GUILD, 1, 77, "again", NOW)
    await cases.add_case(warn(), NOW)
    with pytest.raises(InvalidInput, match="reason for voiding is required"):
        await cases.void_case(GUILD, 2, 77, "", NOW)
    assert not (await cases.get_case(GUILD, 2)).voided
    kick = await cases.add_case(
        NewCase(guild_id=GUILD, type=CaseType.KICK, moderator_id=MOD, member_id=BOB, reason="r"),
        NOW,
    )
    assert (await cases.void_case(GUILD, kick.number, 77, "oops", NOW)).lifts is None


async def test_expiring_cases_and_mark_expired(cases):
    tempban = NewCase(
        guild_id=GUILD, type=CaseType.TEMPBAN, moderator_id=MOD, member_id=ALICE,
        reason="raid", duration=timedelta(days=1),
    )  # fmt: skip
    timeout = NewCase(
        guild_id=OTHER_GUILD, type=CaseType.TIMEOUT, moderator_id=MOD, member_id=BOB,
        reason="spam", duration=timedelta(hours=1),
    )  # fmt: skip
    await cases.add_case(tempban, NOW)
    await cases.add_case(timeout, NOW)
    await cases.add_case(warn(), NOW)
    expiring = await cases.active_expiring()
    assert [(c.guild_id, c.number) for c in expiring] == [(OTHER_GUILD, 1), (GUILD, 1)]
    assert expiring[1].expires_at == NOW + timedelta(days=1)
    assert await cases.active_expiring(until=NOW + timedelta(hours=2)) == [expiring[0]]
    assert not await cases.mark_expired(GUILD, 1, NOW + timedelta(hours=23))  # not yet due
    assert await cases.mark_expired(GUILD, 1, NOW + timedelta(days=1))
    assert not await cases.mark_expired(GUILD, 1, NOW + timedelta(days=2))  # already ended
    ended = await cases.get_case(GUILD, 1)
    assert not ended.active and ended.end_reason == "expired"
    assert [(c.guild_id, c.number) for c in await cases.active_expiring()] == [(OTHER_GUILD, 1)]


async def test_new_timeout_replaces_and_untimeout_lifts(cases):
    def timeout(hours):
        return NewCase(
            guild_id=GUILD, type=CaseType.TIMEOUT, moderator_id=MOD, member_id=ALICE,
            reason="r", duration=timedelta(hours=hours),
        )  # fmt: skip

    await cases.add_case(timeout(1), NOW)
    await cases.add_case(timeout(5), NOW)
    first = await cases.get_case(GUILD, 1)
    assert not first.active and first.end_reason == "replaced by case #2"
    untimeout = NewCase(
        guild_id=GUILD, type=CaseType.UNTIMEOUT, moderator_id=MOD, member_id=ALICE, reason="ok"
    )
    await cases.add_case(untimeout, NOW)
    second = await cases.get_case(GUILD, 2)
    assert not second.active and second.end_reason == "lifted by case #3"
    assert await cases.active_expiring() == []


async def test_automatic_case_cites_its_triggers_and_records_the_dm(cases):
    await cases.add_case(warn(), NOW)
    await cases.add_case(warn(), NOW)
    auto = NewCase(
        guild_id=GUILD, type=CaseType.AUTO_TIMEOUT, moderator_id=4242, member_id=ALICE,
        reason="2 warnings", duration=timedelta(hours=1), rule="ladder", cites=(2, 1),
    )  # fmt: skip
    recorded = await cases.add_case(auto, NOW)
    assert recorded.cites == (1, 2) and recorded.rule == "ladder"
    updated = await cases.record_dm_status(GUILD, recorded.number, DmStatus.CLOSED)
    assert updated.dm_status == DmStatus.CLOSED
    assert (await cases.get_case(GUILD, 3)).dm_status == DmStatus.CLOSED


async def test_ledger_survives_reconnecting(tmp_path):
    path = tmp_path / "restart.sqlite3"
    conn = await connect(path)
    await migrate(conn)
    await CaseRepository(conn).add_case(warn(jump_url="https://discord.com/channels/1/2/3"), NOW)
    await conn.close()
    conn = await connect(path)
    try:
        await migrate(conn)
        case = await CaseRepository(conn).get_case(GUILD, 1)
        assert case.jump_url == "https://discord.com/channels/1/2/3"
    finally:
        await conn.close()
