"""The emulator process: an aiohttp server with Discord's REST API and gateway, in-process.

The unmodified discord.py client talks to it once `install()` points discord.py's REST base and
gateway URL here. Tests and the sandbox act as members through the methods of `MemberActions`.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from datetime import datetime

import discord
import yarl
from aiohttp import web

from bot.moderation.clock import Clock, SystemClock
from bot.sandbox.emulator import rest
from bot.sandbox.emulator.actions import MemberActions
from bot.sandbox.emulator.gateway import Gateway
from bot.sandbox.emulator.interactions import InteractionRecord
from bot.sandbox.emulator.messages import MessageStore
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.ratelimits import DEFAULT_SCALE, RateLimiter
from bot.sandbox.emulator.recorder import Fault, HeldAnswer, RecordedRequest, Recorder
from bot.sandbox.emulator.rules import RecordedViolation, Violation, check_reason
from bot.sandbox.emulator.world import World

log = logging.getLogger(__name__)

DROPPED = 0  # a fault "status" that closes the connection instead of answering
BOT_TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.emulat.or-token-for-the-local-sandbox-only-000000"


class Emulator(MemberActions):
    """A fake Discord with one guild; `await start()`, then `with install(): ...` the client.

    `clock` is what interaction deadlines are measured on (tests pass a ManualClock and move
    it); `rate_limit_scale` shrinks the rate-limit windows (1.0 is Discord's real timing).
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        token: str = BOT_TOKEN,
        clock: Clock | None = None,
        rate_limit_scale: float = DEFAULT_SCALE,
    ) -> None:
        self.world = world or World.default()
        self.token = token
        self.clock = clock or SystemClock()
        self.rate_limits = RateLimiter(rate_limit_scale)
        self.violations: list[RecordedViolation] = []
        self.recorder = Recorder()
        self.store = MessageStore(self)
        self.gateway = Gateway(self._ready_payload, self.world.guild_payload, self.recorder.notify)
        self.faults: list[Fault] = []
        self.held: list[HeldAnswer] = []
        self.interactions: dict[str, InteractionRecord] = {}
        # Kept beside the world, not in its payloads: GUILD_CREATE lists no events, and who
        # reacted or voted is not part of a message.
        self.scheduled_events: dict[str, JSON] = {}
        self.reactors: dict[tuple[str, str], set[str]] = {}  # (message id, emoji) -> users
        self.poll_voters: dict[str, dict[int, set[str]]] = {}  # message -> answer -> users
        self._runner: web.AppRunner | None = None
        self.port = 0
        rest.load_route_modules()

    # --- lifetime -----------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", rest.API_PREFIX + "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])  # the free port the OS chose
        log.debug("emulator listening on 127.0.0.1:%d", self.port)

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{rest.API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        """Point discord.py (process-global settings) at this emulator; restored on exit."""
        old_base, old_gateway = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        discord.http.Route.BASE = self.base_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # --- faults and connection drops ------------------------------------------------------
    def inject_error(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: int = 0,
        message: str | None = None,
        times: int = 1,
        retry_after: float | None = None,
        skip: int = 0,
    ) -> Fault:
        """Answer the next `times` requests matching method and path regex with an error,
        after letting `skip` of them through (the second page of a read: `skip=1`)."""
        fault = Fault(
            method,
            re.compile(path),
            status,
            code,
            message or _status_text(status),
            retry_after,
            times,
            skip,
        )
        self.faults.append(fault)
        return fault

    def inject_drop(self, method: str, path: str, *, times: int = 1, skip: int = 0) -> Fault:
        """Close the connection of the next `times` matching requests without answering
        (a dropped connection: aiohttp raises ServerDisconnectedError in the bot)."""
        return self.inject_error(method, path, DROPPED, times=times, skip=skip)

    def hold_answer(self, method: str, path: str) -> HeldAnswer:
        """Hold the answer to the next request matching method and path regex: it is
        computed when the request arrives (`reached` is set then) and sent at `release()`,
        so a test can act between the bot's read and its use of what it read."""
        held = HeldAnswer(method, re.compile(path))
        self.held.append(held)
        return held

    async def drop_gateway(self, code: int = 4000) -> None:
        """Cut the gateway connection; discord.py reconnects and resumes on its own."""
        await self.gateway.drop(code)

    # --- rule violations --------------------------------------------------------------------
    def expect_violation(self, code: int) -> RecordedViolation:
        """Mark one recorded violation with this error code as intended by the test."""
        for violation in self.violations:
            if violation.code == code and not violation.expected:
                violation.expected = True
                return violation
        raise AssertionError(f"no request was refused with code {code}: {self.violations}")

    def unexpected_violations(self) -> list[RecordedViolation]:
        """Requests refused by a Discord rule that no test said it expected."""
        return [v for v in self.violations if not v.expected]

    async def wait_connected(self, timeout: float = 10.0) -> None:
        await self.recorder.wait_until(self.gateway.identified.is_set, timeout)

    # --- REST -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        api = await rest.read_request(request)
        record = RecordedRequest(
            api.method, api.path, api.query, api.body, api.files, reason=api.reason
        )
        response = await self._answer(request, api, record)
        held = next((h for h in self.held if h.matches(api.method, api.path)), None)
        if held is not None:
            self.held.remove(held)
            await held.sent()
        record.status = response.status
        await self.recorder.record(record)
        return response

    async def _answer(
        self, request: web.Request, api: rest.ApiRequest, record: RecordedRequest
    ) -> web.Response:
        fault = next((f for f in self.faults if f.matches(api.method, api.path)), None)
        if fault is not None and fault.skip > 0:
            fault.skip -= 1
        elif fault is not None:
            fault.remaining -= 1
            if fault.status == DROPPED and request.transport is not None:
                request.transport.close()
            return rest.error_response(
                rest.ApiError(fault.status, fault.code, fault.message), fault.retry_after
            )
        auth = request.headers.get("Authorization")
        if api.bot and auth != f"Bot {self.token}":
            return rest.error_response(rest.ApiError(401, 0, "401: Unauthorized"))
        limit = self.rate_limits.take(api.method, api.path, self.world.application_id)
        if limit.retry_after is not None:
            error = rest.ApiError(429, 0, "You are being rate limited.")
            return rest.error_response(error, limit.retry_after, limit.headers)
        try:
            check_reason(api.reason)
            result = await rest.dispatch_request(self, api)
        except rest.ApiError as error:
            record.response = {"code": error.code, "message": error.message}
            if isinstance(error, Violation):
                self.violations.append(
                    RecordedViolation(api.method, api.path, error.code, error.message)
                )
                log.warning("refused as Discord would: %s %s: %s", api.method, api.path, error)
            return rest.error_response(error, headers=limit.headers)
        record.response = result
        return rest.json_response(result, 204 if result is None else 200, limit.headers)

    def _ready_payload(self, session_id: str) -> JSON:
        return {
            "v": 10,
            "user": self.world.bot_user,
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": [0, 1],
            "guilds": [{"id": self.world.guild["id"], "unavailable": True}],
            "application": {"id": self.world.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "session_type": "normal",
            "geo_ordered_rtc_regions": [],
        }

    def now(self) -> datetime:
        """The emulator's time (its clock: real, or moved by a test)."""
        return self.clock.now()


def _status_text(status: int) -> str:
    return {
        403: "Missing Permissions",
        404: "Unknown",
        429: "You are being rate limited.",
        500: "Internal Server Error",
    }.get(status, f"error {status}")
