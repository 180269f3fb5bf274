"""Plain values the screener passes around: scores, outcomes and verdicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.screening.model import Outcome as Outcome  # verdicts carry it; re-exported

# label -> probability in [0, 1]. Backends return only the labels they know.
Scores = dict[str, float]

# Every label any backend can produce, in the order moderators read them.
LABELS = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)


@dataclass(frozen=True)
class Verdict:
    """The decision for one message and, unless it passed, the rule that fired.

    `rule` is a sentence a moderator (or the author, for hidden messages) can read, e.g.
    "insult 0.97 >= hide threshold 0.93 (server default)".
    """

    outcome: Outcome
    label: str | None = None
    score: float | None = None
    threshold: float | None = None
    rule: str = "no threshold reached"


def max_scores(parts: Iterable[Mapping[str, float]], weight: float = 1.0) -> Scores:
    """Label-wise maximum over several score sets, each multiplied by `weight`."""
    combined: Scores = {}
    for part in parts:
        for label, value in part.items():
            combined[label] = max(combined.get(label, 0.0), float(value) * weight)
    return combined
