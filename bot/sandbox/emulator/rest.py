"""A tiny router for the emulated REST API, and the request/response plumbing shared by routes."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from bot.sandbox.emulator.payloads import JSON, JSONBody

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

API_PREFIX = "/api/v10"


class ApiError(Exception):
    """Answered as Discord answers errors: a status and a JSON body with a code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def unknown(kind: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {kind}")


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    body: JSONBody
    files: list[JSON] = field(default_factory=list)
    bot: bool = True  # sent with the bot token (not a webhook token)
    reason: str | None = None

    def json(self) -> JSON:
        """The body when it is a JSON object, else an empty one."""
        return self.body if isinstance(self.body, dict) else {}

    def json_list(self) -> list[JSON]:
        """The body when it is a JSON array, else an empty one."""
        return self.body if isinstance(self.body, list) else []


Handler = Callable[..., Awaitable[JSONBody]]
"""A route: called with the emulator, the request and the path's parameters by name."""


class Router:
    """Routes are registered as "METHOD /path/{name}"; path parameters become keyword args."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

        def register(handler: Handler) -> Handler:
            self._routes.append((method, pattern, handler))
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match and route_method == method:
                return handler, match.groupdict()
        raise ApiError(404, 0, f"404: Not Found ({method} {path} is not emulated)")


router = Router()


async def read_request(request: web.Request) -> ApiRequest:
    """Parse JSON or multipart (payload_json + files[n]) bodies the way Discord accepts them."""
    path = request.path[len(API_PREFIX) :]
    body: JSONBody = None
    files: list[JSON] = []
    if request.content_type.startswith("multipart/"):
        body, files = await _read_multipart(request)
    elif request.can_read_body:
        raw = await request.read()
        body = json.loads(raw) if raw else None
    auth = request.headers.get("Authorization", "")
    reason = request.headers.get("X-Audit-Log-Reason")
    if reason is not None:
        reason = unquote(reason)  # discord.py percent-encodes it; Discord decodes it
    return ApiRequest(
        request.method,
        path,
        dict(request.query),
        body,
        files,
        bot=auth.startswith("Bot "),
        reason=reason,
    )


async def _read_multipart(request: web.Request) -> tuple[JSONBody, list[JSON]]:
    """The payload_json part (None without one) and the files[n] parts."""
    body: JSONBody = None
    files: list[JSON] = []
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader):
            continue  # a nested multipart: Discord's bodies never hold one
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        else:
            files.append({"field": part.name, "filename": part.filename, "data": bytes(data)})
    return body, files


def json_response(
    payload: JSONBody, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": with "; charset=utf-8" discord.py treats the body as text.
    if status == 204:
        return web.Response(status=204, headers=headers)
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )


def error_response(
    error: ApiError, retry_after: float | None = None, headers: dict[str, str] | None = None
) -> web.Response:
    body: dict[str, Any] = {"message": error.message, "code": error.code}
    headers = dict(headers or {})
    if error.status == 429:
        body.update(retry_after=retry_after or 0.05, **{"global": False})
        headers["Via"] = "1.1 google"  # without it discord.py takes a 429 for a Cloudflare ban
    return json_response(body, error.status, headers)


def load_route_modules() -> None:
    """Import the modules whose handlers register on `router` (done once, lazily)."""
    from bot.sandbox.emulator import (  # noqa: F401
        routes_core,
        routes_events,
        routes_guild,
        routes_interactions,
        routes_messages,
        routes_polls,
        routes_threads,
        routes_webhooks,
    )


async def dispatch_request(emu: Emulator, api: ApiRequest) -> JSONBody:
    handler, params = router.resolve(api.method, api.path)
    return await handler(emu, api, **params)
