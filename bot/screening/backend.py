"""The one interface every scoring backend offers, and the error a failed load raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.screening.results import Scores


@runtime_checkable
class ScoringBackend(Protocol):
    """Scores texts; blocking and not thread-safe: one worker thread owns each instance."""

    name: str  # e.g. "embedded", "detoxify:original+int8"
    labels: tuple[str, ...]  # the labels every Scores it returns carries
    preferred_batch: int  # how many texts the batcher should hand it at most

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """One Scores (label -> probability) per text, in order."""
        ...


class ModelLoadError(Exception):
    """The configured model cannot be loaded; the message says why and how to fix it."""

    def __init__(self, why: str, fix: str) -> None:
        super().__init__(f"{why}. Fix: {fix}")
        self.why = why
        self.fix = fix
