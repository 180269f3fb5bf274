"""One lock per key (bot/locks.py): holders of one key take turns, told when another was there;
no lock is kept for a key nobody holds or waits for, even after a cancelled holder."""

from __future__ import annotations

import asyncio

from bot.locks import KeyedLocks


async def test_holders_of_one_key_take_turns_and_know_another_was_there():
    locks: KeyedLocks[str] = KeyedLocks()
    inside, let_go = asyncio.Event(), asyncio.Event()
    told: list[tuple[str, bool]] = []

    async def hold(key: str, name: str) -> None:
        async with locks.hold(key) as shared:
            told.append((name, shared))
            if name == "first":
                inside.set()
                await let_go.wait()

    first = asyncio.create_task(hold("intent-1", "first"))
    await inside.wait()
    second = asyncio.create_task(hold("intent-1", "second"))
    await hold("intent-2", "elsewhere")  # another key is not held up
    assert told == [("first", False), ("elsewhere", False)] and len(locks) == 1
    let_go.set()
    await asyncio.gather(first, second)
    assert told[-1] == ("second", True)  # it waited behind the first
    assert len(locks) == 0
    async with locks.hold("intent-1") as shared:
        assert not shared  # alone again


async def test_a_cancelled_holder_leaves_no_lock_behind():
    locks: KeyedLocks[int] = KeyedLocks()
    inside = asyncio.Event()

    async def stuck() -> None:
        async with locks.hold(7):
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await inside.wait()
    waiter = asyncio.create_task(stuck())  # waits for the lock, then is cancelled too
    await asyncio.sleep(0)
    task.cancel()
    waiter.cancel()
    await asyncio.gather(task, waiter, return_exceptions=True)
    assert len(locks) == 0
    async with asyncio.timeout(1), locks.hold(7):
        pass
