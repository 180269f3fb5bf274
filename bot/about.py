"""What `/about` reports: version, uptime, database state, screening backend."""

from __future__ import annotations

from dataclasses import dataclass

from bot import __version__
from bot.services import Services


@dataclass(frozen=True)
class AboutInfo:
    version: str
    uptime: str
    schema_version: int
    latest_schema: int
    database_bytes: int
    database_path: str
    screening_backend: str
    command_sync: str
    database_trouble: str | None = None  # "cannot be written since ...: disk full"
    journal_pending: int = 0  # actions waiting to be completed or retried


async def collect(services: Services, uptime_seconds: float, command_sync: str) -> AboutInfo:
    """What /about shows, read now."""
    database = services.database
    state = await database.schema()
    return AboutInfo(
        version=__version__,
        uptime=format_duration(uptime_seconds),
        schema_version=state.current,
        latest_schema=state.latest,
        database_bytes=database.size_bytes(),
        database_path=str(database.path),
        screening_backend=services.screening_backend,
        command_sync=command_sync,
        database_trouble=database.health.describe(),
        journal_pending=(await services.journal.counts()).get("pending", 0),
    )


def format_duration(seconds: float) -> str:
    """ "3d 4h 5m", "2m 10s", "12s": the two largest units that are not zero."""
    left = int(seconds)
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    parts: list[str] = []
    for suffix, size in units:
        amount, left = divmod(left, size)
        if amount or (suffix == "s" and not parts):
            parts.append(f"{amount}{suffix}")
    return " ".join(parts[:2])


def format_bytes(size: int) -> str:
    """ "812 B", "3.4 KiB", "1.2 GiB"."""
    amount = float(size)
    for unit in ("B", "KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"
