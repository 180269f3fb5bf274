"""The journal on a real SQLite file: steps in order, once each, across crashes at every point;
retries with backoff honouring retry_after; final failures undone and surfaced."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import NotFound, StorageUnavailable
from bot.journal import (
    CrashPoints,
    Handler,
    Journal,
    Retryable,
    RetryPolicy,
    SimulatedCrash,
    Status,
    Step,
)
from bot.moderation.clock import ManualClock
from storage import migrate
from storage.journal import JournalRepository

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class World:
    """The "outside world" a handler changes (Discord, say): what was done, in order."""

    def __init__(self) -> None:
        self.effects: list[str] = []
        self.failures: list[Exception] = []
        self.after_posting = None  # an async callable run once every part is posted


class Parts(Handler):
    """Posts payload["parts"] one by one (saving progress), then records, then DMs."""

    steps = (Step("post"), Step("record"), Step("dm", at_most_once=True))

    def __init__(self, world: World) -> None:
        self.world = world
        self.undone: list[int] = []

    async def step_post(self, ctx):
        posted = list(ctx.state.get("posted", []))
        for part in ctx.payload["parts"][len(posted) :]:
            if self.world.failures:
                raise self.world.failures.pop(0)
            self.world.effects.append(f"post {part}")
            posted.append(part)
            await ctx.save(posted=posted)
            ctx.reach(f"part-{part}")
        if self.world.after_posting is not None:
            await self.world.after_posting()
        return {"posted": posted}

    async def step_record(self, ctx):
        self.world.effects.append("record")
        return {"case": 7}

    async def step_dm(self, ctx):
        self.world.effects.append("dm")
        return "sent"

    async def undo(self, ctx, error):
        self.undone.append(ctx.intent.id)
        return True


async def open_journal(path, clock, crash=None):
    conn = await migrate.open_database(path)
    await migrate.migrate(conn)
    journal = Journal(
        JournalRepository(conn),
        clock,
        policy=RetryPolicy(base_delay=timedelta(seconds=2), max_attempts=3),
        crash=crash or CrashPoints(),
    )
    return conn, journal


def listen(journal) -> list[str]:
    """The failure messages the journal's listeners hear, as they come."""
    heard: list[str] = []

    async def listener(intent, message):
        heard.append(message)

    journal.on_failure(listener)
    return heard


async def parts_journal(path, clock, *failures):
    """A journal on `path` with the Parts handler over a World that fails with `failures`."""
    conn, journal = await open_journal(path, clock)
    world = World()
    world.failures += failures
    journal.register("parts", Parts(world))
    return conn, journal, world


@pytest.fixture
def clock():
    return ManualClock(START)


async def test_steps_run_in_order_and_are_marked_done(db_path, clock):
    conn, journal, world = await parts_journal(db_path, clock)
    intent = await journal.perform("parts", {"parts": [1, 2]})
    assert intent.status == Status.DONE
    assert world.effects == ["post 1", "post 2", "record", "dm"]
    stored = await journal.get(intent.id)
    assert stored.results == {"post": {"posted": [1, 2]}, "record": {"case": 7}, "dm": "sent"}
    assert stored.status == Status.DONE and stored.attempts == 0
    await conn.close()


def crash_points(parts):
    points = []
    for step in ("post", "record", "dm"):
        points.append(f"parts:{step}:before")
        if step == "post":
            points += [f"parts:post:part-{part}" for part in parts]
        points.append(f"parts:{step}:after")
    return points


@pytest.mark.parametrize("point", crash_points([1, 2, 3]))
async def test_a_crash_at_any_point_is_completed_on_resume_without_repeats(tmp_path, clock, point):
    path = tmp_path / "crash.sqlite3"
    world = World()
    conn, journal = await open_journal(path, clock, CrashPoints([point]))
    journal.register("parts", Parts(world))
    with pytest.raises(SimulatedCrash):
        await journal.perform("parts", {"parts": [1, 2, 3]})
    await conn.close()  # the "process" is gone; a new one opens the same file
    conn, journal = await open_journal(path, clock)
    journal.register("parts", Parts(world))
    [resumed] = await journal.resume_unfinished()
    assert resumed.status == Status.DONE
    posts = [e for e in world.effects if e.startswith("post")]
    assert posts == ["post 1", "post 2", "post 3"]  # never a part twice
    # "record" is idempotent in the real handlers (a case keyed on the intent); here a crash
    # after it and before its mark repeats it, which is why handlers must look before acting.
    expected_records = 2 if point == "parts:record:after" else 1
    assert world.effects.count("record") == expected_records
    # the DM is at most once: a crash inside it is not repeated
    assert world.effects.count("dm") == 1
    stored = await journal.get(resumed.id)
    if point == "parts:dm:after":
        assert stored.results["dm"] == {"interrupted": True}
    assert await journal.resume_unfinished() == []
    await conn.close()


async def test_a_rate_limit_is_retried_after_its_retry_after(db_path, clock):
    conn, journal, world = await parts_journal(
        db_path, clock, Retryable("429 Too Many Requests", retry_after=30)
    )
    intent = await journal.perform("parts", {"parts": [1]})
    assert intent.status == Status.PENDING and intent.attempts == 1
    assert intent.next_attempt_at == START + timedelta(seconds=30)  # not the 2 s backoff
    assert intent.last_error == "429 Too Many Requests"
    clock.advance(timedelta(seconds=29))
    assert await journal.resume_unfinished() == []  # not due yet
    clock.advance(timedelta(seconds=1))
    [done] = await journal.resume_unfinished()
    assert done.status == Status.DONE and world.effects[0] == "post 1"
    await conn.close()


async def test_backoff_doubles_then_gives_up_undoes_and_tells_the_listener(db_path, clock):
    conn, journal = await open_journal(db_path, clock)
    world = World()
    world.failures += [Retryable("503"), Retryable("503"), Retryable("503")]
    handler = Parts(world)
    journal.register("parts", handler)
    heard = []

    async def listener(intent, message):
        heard.append((intent.status, message))

    journal.on_failure(listener)
    intent = await journal.perform("parts", {"parts": [1]})
    assert intent.next_attempt_at == START + timedelta(seconds=2)
    clock.advance(timedelta(seconds=2))
    [again] = await journal.resume_unfinished()
    assert again.attempts == 2 and again.next_attempt_at == START + timedelta(seconds=6)
    clock.advance(timedelta(seconds=4))
    await journal.resume_unfinished()
    final = await journal.get(intent.id)
    assert final.status == Status.UNDONE and final.last_error == "503"
    assert handler.undone == [intent.id]
    assert heard == [(Status.UNDONE, f"parts #{intent.id} failed: 503")]
    assert world.effects == []
    await conn.close()


async def test_a_final_failure_in_the_foreground_is_raised_not_broadcast(db_path, clock):
    conn, journal, world = await parts_journal(
        db_path, clock, PermissionError("403 Missing Permissions")
    )
    heard = listen(journal)
    with pytest.raises(PermissionError):
        await journal.perform("parts", {"parts": [1]})
    [intent] = [i for i in await _all(conn, journal)]
    assert intent.status == Status.UNDONE and intent.last_error == "403 Missing Permissions"
    assert heard == []  # the caller tells the moderator itself
    await conn.close()


async def test_a_submitted_action_tells_its_final_failure_to_the_listeners_not_the_caller(
    db_path, clock
):
    conn, journal, world = await parts_journal(
        db_path, clock, PermissionError("403 Missing Permissions")
    )
    heard = listen(journal)
    intent = await journal.submit("parts", {"parts": [1]})  # nobody waits on it: not raised
    assert intent.status == Status.UNDONE and intent.last_error == "403 Missing Permissions"
    assert heard == [f"parts #{intent.id} failed: 403 Missing Permissions"]
    world.failures.append(Retryable("503"))
    later = await journal.submit("parts", {"parts": [2]})
    assert later.status == Status.PENDING and later.next_attempt_at is not None
    assert len(heard) == 1  # a passing failure waits for its retry, told to nobody
    await conn.close()


async def test_a_fresh_key_joins_a_pending_intent_and_passes_finished_ones(db_path, clock):
    conn, journal, world = await parts_journal(db_path, clock, Retryable("503"))
    assert await journal.fresh_key("alert:4") == "alert:4"
    waiting = await journal.perform("parts", {"parts": [1]}, key="alert:4")
    assert await journal.fresh_key("alert:4") == "alert:4"  # pending: begin returns it
    clock.advance(timedelta(seconds=2))
    await journal.resume_unfinished()  # now done
    after = f"alert:4:after-{waiting.id}"
    assert await journal.fresh_key("alert:4") == after
    done = await journal.perform("parts", {"parts": [2]}, key=after)
    assert await journal.fresh_key("alert:4") == f"alert:4:after-{done.id}"
    reused = (Status.PENDING, Status.DONE)
    assert await journal.fresh_key("alert:4", reuse=reused) == "alert:4"
    await conn.close()


async def test_a_final_failure_on_resume_is_told_once_and_logs_no_error(db_path, clock, caplog):
    conn, journal, world = await parts_journal(db_path, clock, Retryable("503"))
    heard = listen(journal)
    intent = await journal.perform("parts", {"parts": [1]})  # waits for its retry
    world.failures.append(PermissionError("403 Missing Permissions"))
    clock.advance(timedelta(seconds=2))
    [resumed] = await journal.resume_unfinished()
    assert resumed.id == intent.id and resumed.status == Status.UNDONE
    assert heard == [f"parts #{intent.id} failed: 403 Missing Permissions"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # an outcome, not a bug
    await conn.close()


async def test_a_key_gives_one_intent(db_path, clock):
    conn, journal = await open_journal(db_path, clock)
    journal.register("parts", Parts(World()))
    first = await journal.begin("parts", {"parts": [1]}, key="message:5")
    second = await journal.begin("parts", {"parts": [1]}, key="message:5")
    assert first.id == second.id
    await conn.close()


async def test_nothing_runs_when_the_intent_cannot_be_written(db_path, clock):
    conn, journal, world = await parts_journal(db_path, clock)
    await conn.execute("PRAGMA query_only = ON")  # SQLite's own read-only switch
    with pytest.raises(StorageUnavailable) as caught:
        await journal.perform("parts", {"parts": [1]})
    assert caught.value.problem == "the database is read-only"
    assert world.effects == []
    await conn.close()


async def test_the_retry_loop_runs_due_intents_on_its_own(db_path, clock):
    conn, journal, world = await parts_journal(db_path, clock, Retryable("429", retry_after=10))
    journal.start()
    intent = await journal.perform("parts", {"parts": [1]})
    finished = await _advance_until_finished(journal, clock, intent.id, timedelta(seconds=10))
    assert finished.status == Status.DONE
    await journal.stop()
    await conn.close()


async def _advance_until_finished(journal, clock, intent_id, step):
    import asyncio

    for _ in range(50):
        await asyncio.sleep(0)  # let the loop arm its timer (no wall-clock wait)
    clock.advance(step)
    for _ in range(200):
        intent = await journal.get(intent_id)
        if intent.finished:
            return intent
        await asyncio.sleep(0)
    return await journal.get(intent_id)


async def _all(conn, journal):
    async with conn.execute("SELECT id FROM journal_intents ORDER BY id") as cursor:
        ids = [row[0] for row in await cursor.fetchall()]
    return [await journal.get(i) for i in ids]


async def test_finished_intents_are_pruned_after_a_while_pending_ones_never(db_path, clock):
    conn, journal, _ = await parts_journal(db_path, clock, Retryable("503"))
    waiting = await journal.perform("parts", {"parts": [1]})  # pending: a retry is due
    done = await journal.perform("parts", {"parts": [2]})
    clock.advance(timedelta(days=31))
    assert await journal.prune(timedelta(days=30)) == 1
    assert (await journal.get(waiting.id)).status == Status.PENDING
    with pytest.raises(NotFound):
        await journal.get(done.id)
    await conn.close()


async def test_pruning_keeps_the_case_an_intent_recorded(db_path, clock):
    from bot.moderation.model import CaseType, NewCase
    from storage.moderation import CaseRepository

    conn, journal, _ = await parts_journal(db_path, clock)
    done = await journal.perform("parts", {"parts": [1]})
    cases = CaseRepository(conn)
    new = NewCase(guild_id=1, type=CaseType.WARN, moderator_id=2, reason="r", member_id=3,
                  intent_id=done.id)  # fmt: skip
    await cases.add_case(new, clock.now())
    clock.advance(timedelta(days=31))
    assert await journal.prune(timedelta(days=30)) == 1
    case = await cases.get_case(1, 1)
    assert case.reason == "r" and await cases.case_for_intent(done.id) is None
    await conn.close()


async def test_a_database_that_fails_mid_way_stops_the_run_and_resume_finishes_it(db_path, clock):
    conn, journal, world = await parts_journal(db_path, clock)

    async def read_only_now():
        world.after_posting = None
        await conn.execute("PRAGMA query_only = ON")  # the "post" step cannot be marked

    world.after_posting = read_only_now
    with pytest.raises(StorageUnavailable):
        await journal.perform("parts", {"parts": [1, 2]})
    await conn.execute("PRAGMA query_only = OFF")
    [intent] = await journal.resume_unfinished()
    assert intent.status == Status.DONE
    assert world.effects == ["post 1", "post 2", "record", "dm"]  # no part posted twice
    await conn.close()


class Relay(Handler):
    """The second step reads what the first one saved in the same run."""

    steps = (Step("first"), Step("second"))

    async def step_first(self, ctx):
        await ctx.save(thread=41)
        return {}

    async def step_second(self, ctx):
        await ctx.save(message=42)
        return {"thread_seen": ctx.state.get("thread")}


async def test_a_step_sees_and_keeps_what_an_earlier_step_saved_in_the_same_run(db_path, clock):
    conn, journal = await open_journal(db_path, clock)
    journal.register("relay", Relay())
    intent = await journal.perform("relay", {})
    assert intent.results["second"] == {"thread_seen": 41}
    stored = await journal.get(intent.id)
    assert stored.state == {"thread": 41, "message": 42}  # the second save kept the first's
    await conn.close()
