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

    def __init__(self) -> None:
        from profanity_check import profanity_check  # 1-2 s: the vectorizer and model load

        self._vectorizer = profanity_check.vectorizer
        self._model = profanity_check.model

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Whole-text toxicity; insult is the worst clause that addresses someone."""
        if not texts:
            return []
        clauses_per_text = [addressed_clauses(text) for text in texts]
        flat = list(texts) + [clause for clauses in clauses_per_text for clause in clauses]
        probabilities = self._probabilities(flat)
        whole, rest = probabilities[: len(texts)], probabilities[len(texts) :]
        results: list[Scores] = []
        cursor = 0
        for index, clauses in enumerate(clauses_per_text):
            clause_scores = rest[cursor : cursor + len(clauses)]
            cursor += len(clauses)
            insult = max(clause_scores, default=0.0)
            results.append({"toxicity": whole[index], "insult": insult})
        return results

    def _probabilities(self, texts: list[str]) -> list[float]:
        matrix = self._vectorizer.transform(texts)
        return [float(p) for p in self._model.predict_proba(matrix)[:, 1]]


def addressed_clauses(text: str) -> list[str]:
    """The clauses of `text` that speak to someone (second person or a mention)."""
    clauses = (part.strip() for part in _CLAUSE_END.split(text))
    return [clause for clause in clauses if clause and _ADDRESSED.search(clause)]
