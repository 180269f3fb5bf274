"""A progress bar for long jobs (imports, exports, backfills), written to stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts work done and redraws one line at most every `interval` seconds.

    With a known `total` it shows a bar and a percentage; otherwise a running count and rate.
    On a non-terminal stream it prints a line every `interval` seconds instead of redrawing.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        interval: float = 0.5,
        unit: str = "items",
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.unit = unit
        self.detail = ""  # shown after the counts, e.g. "films 12, skipped 3,400, failed 1"
        self._stream = stream if stream is not None else sys.stderr
        self._interval = interval
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._tty = getattr(self._stream, "isatty", lambda: False)()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(final=False)

    def finish(self) -> None:
        self._draw(final=True)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            filled = int(fraction * 24)
            bar = "#" * filled + "-" * (24 - filled)
            return (
                f"{self.label} [{bar}] {fraction:6.1%} {self.done:,}/{self.total:,} {self.unit} "
                f"({rate:,.0f}/s){self._detail()}"
            )
        return f"{self.label}: {self.done:,} {self.unit} ({rate:,.0f}/s){self._detail()}"

    def _detail(self) -> str:
        return f" · {self.detail}" if self.detail else ""

    def _draw(self, *, final: bool) -> None:
        text = self.line()
        if self._tty:
            self._stream.write("\r" + text + ("\n" if final else ""))
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()
