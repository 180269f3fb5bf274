"""A raw REST client for the emulator's rule tests: requests shaped exactly as a test needs,
including ones discord.py would never build, and a check that a refusal was recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.sandbox.emulator import Emulator


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> int:
        return (self.body or {}).get("code", 0) if isinstance(self.body, dict) else 0


class RawApi:
    """`await api.call("POST", "/channels/1/messages", {...})` against the emulator."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession) -> None:
        self.emu, self.session = emu, session

    async def call(
        self, method: str, path: str, body: Any = None, *, reason: str | None = None
    ) -> Answer:
        headers = {"Authorization": f"Bot {self.emu.token}"}
        if reason is not None:
            headers["X-Audit-Log-Reason"] = quote(reason)
        async with self.session.request(
            method, self.emu.base_url + path, json=body, headers=headers
        ) as response:
            data = await response.json() if response.status != 204 else None
            return Answer(response.status, data, dict(response.headers))

    async def refused(
        self, status: int, code: int, method: str, path: str, body: Any = None, **kw: Any
    ) -> Answer:
        """The request is answered `status`/`code`; a rule violation is marked as expected."""
        answer = await self.call(method, path, body, **kw)
        assert (answer.status, answer.code) == (status, code), answer.body
        if any(v.code == code and not v.expected for v in self.emu.violations):
            self.emu.expect_violation(code)
        return answer

    async def ok(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        answer = await self.call(method, path, body, **kw)
        assert answer.status in (200, 204), answer.body
        return answer.body

    def channel(self, name: str) -> str:
        return self.emu.world.channel_id(name)

    async def webhook(self, channel: str = "general", name: str = "relay") -> dict:
        return await self.ok("POST", f"/channels/{self.channel(channel)}/webhooks", {"name": name})
