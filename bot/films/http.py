"""What the film sources' HTTP clients (TMDB, Wikipedia) share: a lazily made aiohttp
session, and reading a server's Retry-After."""

from __future__ import annotations

import aiohttp


class LazySession:
    """An aiohttp session made on first use (inside the running event loop), closed once."""

    def __init__(self, **options: object) -> None:
        self._options = options
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(**self._options)  # type: ignore[arg-type]  # aiohttp's keyword options
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def retry_after(value: str | None, *, default: float, cap: float) -> float:
    """Seconds to wait from a Retry-After header (seconds form), within [0, cap]."""
    try:
        seconds = float(value) if value is not None else default
    except ValueError:
        seconds = default
    return min(max(seconds, 0.0), cap)
