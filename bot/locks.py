"""One asyncio lock per key (an intent, a message), made on first use and dropped once
nobody holds or waits for it, so a long run does not keep a lock for every key it met."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


class KeyedLocks(Generic[Key]):
    """`async with locks.hold(key) as shared:` runs one holder of `key` at a time."""

    def __init__(self) -> None:
        self._locks: dict[Key, tuple[asyncio.Lock, int]] = {}  # lock, holders and waiters

    @asynccontextmanager
    async def hold(self, key: Key) -> AsyncIterator[bool]:
        """Hold `key`'s lock; `shared` is True when another one held or waited for it as
        this one asked (it may have done the work meanwhile)."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield users > 0
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """How many keys are held or waited for now."""
        return len(self._locks)
