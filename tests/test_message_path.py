"""The message path's gate (bot/message_path.py): one message through the path at a time,
each version of its text once per run, whichever of the live event and a catch-up comes first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.message_path import MessageGate, MessageVersion

POSTED = MessageVersion.of("Ruth is cruel")
EDITED_AT = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
EDITED = MessageVersion.of("Ruth is cruel, then sorry", EDITED_AT)


def test_a_version_covers_itself_and_older_states_only():
    assert POSTED.covers(MessageVersion.of("Ruth is cruel"))
    assert EDITED.covers(MessageVersion.of("Ruth is cruel, then sorry", EDITED_AT))
    assert EDITED.covers(POSTED)  # the original text, read late
    assert EDITED.covers(MessageVersion.of("an earlier edit", EDITED_AT - timedelta(minutes=1)))
    assert not POSTED.covers(EDITED)  # a real edit is new
    assert not EDITED.covers(MessageVersion.of("a later edit", EDITED_AT + timedelta(seconds=1)))
    assert not POSTED.covers(MessageVersion.of("another text, never edited"))


def test_the_gate_remembers_the_newest_version_through_it():
    gate = MessageGate()
    assert not gate.covers(1, POSTED)
    gate.passed(1, EDITED)
    gate.passed(1, POSTED)  # a stale copy handled late does not hide the edit
    assert gate.covers(1, POSTED) and gate.covers(1, EDITED)
    assert not gate.covers(2, POSTED)  # another message


async def test_a_message_waits_for_its_own_turn_and_no_other():
    gate = MessageGate()
    first_inside, let_go = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def hold(message_id: int, name: str) -> None:
        async with gate.turn(message_id):
            order.append(name)
            if name == "live":
                first_inside.set()
                await let_go.wait()

    live = asyncio.create_task(hold(1, "live"))
    await first_inside.wait()
    catch_up = asyncio.create_task(hold(1, "catch-up"))
    other = asyncio.create_task(hold(2, "other"))
    await other  # a different message is not held up
    await asyncio.sleep(0)
    assert order == ["live", "other"]  # the same message waits
    let_go.set()
    await asyncio.gather(live, catch_up)
    assert order == ["live", "other", "catch-up"]
    async with asyncio.timeout(1):  # the lock was let go: a later turn is not stuck
        async with gate.turn(1):
            pass
