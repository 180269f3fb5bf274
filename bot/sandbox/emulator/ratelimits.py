"""Per-route rate-limit buckets, answered with the headers discord.py reads (and 429s on bursts).

docs: topics/rate-limits "Header Format": X-RateLimit-Limit, -Remaining, -Reset, -Reset-After,
-Bucket; "Exceeding A Rate Limit": a 429 with a JSON body holding `retry_after` (seconds) and
`global`; "Rate limits are applied on a per-route basis ... the top-level resources within a
path (channel_id, guild_id, webhook_id) are the major parameters". Interaction callbacks are not
bound by them ("Interaction endpoints are not bound to the bot's Global Rate Limit").

The counts are the ones Discord gives bots (5 messages per 5 s per channel and so on); the
windows are scaled (`scale`, 0.02 by default) so the test suite is not slowed to real time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SCALE = 0.02


@dataclass(frozen=True)
class BucketRule:
    name: str
    method: str
    pattern: re.Pattern[str]
    limit: int
    seconds: float


def _rule(name: str, method: str, path: str, limit: int, seconds: float) -> BucketRule:
    return BucketRule(name, method, re.compile(path), limit, seconds)


# The first match wins; the major parameter is the first group of the pattern.
RULES = (
    _rule("exempt", "*", r"^/interactions/", 0, 0),
    _rule("send", "POST", r"^/channels/(\d+)/messages$", 5, 5),
    _rule("edit", "PATCH", r"^/channels/(\d+)/messages/\d+$", 5, 5),
    _rule("delete", "DELETE", r"^/channels/(\d+)/messages/\d+$", 5, 1),
    _rule("bulk", "POST", r"^/channels/(\d+)/messages/bulk-delete$", 1, 1),
    _rule("member", "PATCH", r"^/guilds/(\d+)/members/\d+$", 10, 10),
    _rule("webhook", "*", r"^/webhooks/(\d+)/[^/]+", 5, 2),
    _rule("threads", "POST", r"^/channels/(\d+)/(?:messages/\d+/)?threads$", 10, 10),
    _rule("channel", "*", r"^/channels/(\d+)", 20, 1),
    _rule("guild", "*", r"^/guilds/(\d+)", 20, 1),
    _rule("other", "*", r"^(/[^/]+)", 50, 1),
)


@dataclass
class _Window:
    resets_at: float
    used: int = 0


@dataclass
class Decision:
    """The headers to send; `retry_after` is set when the request must be answered 429."""

    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float | None = None


class RateLimiter:
    """Fixed windows per (bucket, major parameter), on the real monotonic clock (discord.py
    waits in real time, so these must too)."""

    def __init__(self, scale: float = DEFAULT_SCALE, now: Callable[[], float] = time.monotonic):
        self.scale = scale
        self._now = now
        self._windows: dict[tuple[str, str], _Window] = {}
        self.limited = 0  # how many requests were answered 429

    def take(self, method: str, path: str, app_id: str) -> Decision:
        """Count one request; the application's own webhook (follow-ups) is exempt."""
        rule, major = _match(method, path)
        if rule is None or rule.limit == 0 or (rule.name == "webhook" and major == app_id):
            return Decision()
        now, window_seconds = self._now(), rule.seconds * self.scale
        window = self._windows.get((rule.name, major))
        if window is None or now >= window.resets_at:
            window = self._windows[(rule.name, major)] = _Window(now + window_seconds)
        reset_after = max(window.resets_at - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": f"emulated-{rule.name}",
        }
        if window.used >= rule.limit:
            self.limited += 1
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"})
            return Decision(headers, retry_after=reset_after)
        window.used += 1
        headers["X-RateLimit-Remaining"] = str(rule.limit - window.used)
        return Decision(headers)


def _match(method: str, path: str) -> tuple[BucketRule | None, str]:
    for rule in RULES:
        if rule.method in ("*", method):
            match = rule.pattern.search(path)
            if match:
                return rule, match.group(1) if match.groups() else ""
    return None, ""
