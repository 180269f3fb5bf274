"""Stopping background tasks at shutdown without ever waiting for ever.

A task that swallows its cancel (asyncio.wait_for on Python 3.11 can) or cleans up slowly is
left behind after a bounded wait, with its stack logged, so one stuck task cannot hang the
shutdown: what it did not finish is what a crash would leave, and the journal resumes that.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0


async def stop_task(task: asyncio.Task[Any] | None, *, timeout: float = STOP_SECONDS) -> bool:
    """Cancel `task` and wait at most `timeout` seconds for it to end; True if it ended."""
    if task is None or task.done():
        return True
    task.cancel()
    return await settle({task}, timeout=timeout)


async def settle(tasks: set[asyncio.Task[Any]], *, timeout: float = STOP_SECONDS) -> bool:
    """Wait until the live set `tasks` is empty of running tasks (it may grow meanwhile), at
    most `timeout` seconds in all; True if they all ended, else each one left is logged."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pending := {task for task in tasks if not task.done()}:
        remaining = deadline - loop.time()
        if remaining <= 0:
            for task in pending:
                log.warning(
                    "%s still running after %s s:\n%s", task.get_name(), timeout, stack(task)
                )
            return False
        await asyncio.wait(pending, timeout=remaining)
    return True


def stack(task: asyncio.Task[Any]) -> str:
    """Where `task` is suspended, as a traceback."""
    out = io.StringIO()
    task.print_stack(file=out)
    return out.getvalue()
