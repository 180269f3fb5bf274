"""The embedded backend: alt-profanity-check, a small linear model shipped inside its wheel.

It gives one probability. We report it as `toxicity`, and as `insult` for the parts of a
message addressed to someone ("you", "your", a mention): abuse aimed at a person is what
gets hidden, while swearing at a film only reaches the flag threshold. It has no `threat`,
`identity_attack` or `severe_toxicity`; see docs/screening.md for what that misses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.screening.results import Scores

log = logging.getLogger(__name__)

_CLAUSE_END = re.compile(r"[.!?;,:\n\u2026]+|\s(?:but|and then|so)\s")
_ADDRESSED = re.compile(
    r"(?<![\w@])(?:you|your|yours|yourself|yourselves|you'?re|youre|ya|u|ur|thou|@member)(?!\w)",
    re.IGNORECASE,
)


class EmbeddedBackend:
    """alt-profanity-check behind the ScoringBackend interface; always available offline."""

    name = "embedded"
    labels = ("toxicity", "insult")
    preferred_batch = 256  # sklearn's per-call overhead dominates small batches

    def __init__(self) -> None:
        from profanity_check import profanity_check  # 1-2 s: the vectorizer and model load

        self._vectorizer = profanity_check.vectorizer
        self._model = profanity_check.model

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Toxicity of the worst clause (or the whole); insult of the worst addressed clause.

        Scoring clauses as well as the whole text keeps one insult from being diluted by
        a long, otherwise civil message (the model's features are length-normalised).
        """
        if not texts:
            return []
        clauses_per_text = [split_clauses(text) for text in texts]
        flat = list(texts) + [clause for clauses in clauses_per_text for clause in clauses]
        probabilities = self._probabilities(flat)
        results: list[Scores] = []
        cursor = len(texts)
        for index, clauses in enumerate(clauses_per_text):
            clause_scores = probabilities[cursor : cursor + len(clauses)]
            cursor += len(clauses)
            addressed = [p for c, p in zip(clauses, clause_scores, strict=True) if is_addressed(c)]
            if len(clauses) <= 1 and is_addressed(texts[index]):
                addressed.append(probabilities[index])
            toxicity = max([probabilities[index], *clause_scores])
            results.append({"toxicity": toxicity, "insult": max(addressed, default=0.0)})
        return results

    def _probabilities(self, texts: list[str]) -> list[float]:
        matrix = self._vectorizer.transform(texts)
        return [float(p) for p in self._model.predict_proba(matrix)[:, 1]]


def split_clauses(text: str) -> list[str]:
    """The clauses of a text with more than one; [] for a single clause."""
    clauses = [part.strip() for part in _CLAUSE_END.split(text)]
    clauses = [clause for clause in clauses if clause]
    return clauses if len(clauses) > 1 else []


def is_addressed(text: str) -> bool:
    """True if the text speaks to someone (second person or a mention)."""
    return _ADDRESSED.search(text) is not None
