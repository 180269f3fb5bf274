"""Injectable crash points: tests stop the process at a named step of a journaled action.

The runner calls `crash.reach(name)` at two points of every step:
`<kind>:<step>:before` (nothing of the step done yet) and `<kind>:<step>:after` (the step's
effect is done but not yet marked done in the database: the worst moment to die). A handler
may add its own points inside a step (say between two parts of a re-post) with `ctx.reach`.

`CrashPoints.from_env()` reads FILMBOT_CRASH_AT (a comma-separated list of point names) and
kills the process there with os._exit, exactly as a power cut would: no cleanup, no flush.
In-process tests pass `CrashPoints()` (CrashMode.RAISE) in when the services are built (it raises
SimulatedCrash) and `arm` the point to stop at when they need it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from enum import StrEnum

from bot.journal.model import SimulatedCrash

log = logging.getLogger(__name__)

CRASH_ENV = "FILMBOT_CRASH_AT"
CRASH_EXIT_CODE = 70


class CrashMode(StrEnum):
    """What reaching an armed point does."""

    RAISE = "raise"  # raise SimulatedCrash (in-process tests)
    EXIT = "exit"  # os._exit, as a power cut would (a bot process killed on purpose)


class CrashPoints:
    """Named points at which to stop; `reached` records every point passed (tests list them)."""

    def __init__(
        self, points: Iterable[str] = (), *, mode: CrashMode = CrashMode.RAISE, record: bool = True
    ) -> None:
        self.points = frozenset(points)
        self.mode = CrashMode(mode)
        self.record = record
        self.reached: list[str] = []

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> CrashPoints:
        """The points named in FILMBOT_CRASH_AT, killing the process (none when unset)."""
        value = (environ if environ is not None else os.environ).get(CRASH_ENV, "")
        points = [name.strip() for name in value.split(",") if name.strip()]
        if points:
            log.warning("crash points armed (the process will be killed there): %s", points)
        return cls(points, mode=CrashMode.EXIT, record=False)

    def arm(self, *points: str) -> None:
        """Stop at these points from now on (none: stop nowhere)."""
        self.points = frozenset(points)

    def reach(self, name: str) -> None:
        """Pass point `name`: stop here if it is armed."""
        if self.record:
            self.reached.append(name)
        if name not in self.points:
            return
        if self.mode is CrashMode.EXIT:
            log.warning("crash point %s reached: killing the process", name)
            os._exit(CRASH_EXIT_CODE)
        raise SimulatedCrash(name)


NO_CRASHES = CrashPoints(record=False)
