"""alt-profanity-check's model, scored from its fitted arrays in one sparse product.

The library's `predict_prob` runs scikit-learn's TfidfVectorizer (unigrams, English stop
words, l2 norm) and a CalibratedClassifierCV of five LinearSVCs with sigmoid calibration.
Its per-document Python overhead is most of the embedded backend's time, so this module reads
the fitted vocabulary, idf weights, coefficients and calibration constants once and computes
the same probabilities with numpy: tokens -> counts x idf -> l2 norm -> five decision values
-> five sigmoids -> their mean. The unit tests check the result against `predict_prob`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

log = logging.getLogger(__name__)


class LinearProfanityModel:
    """The arrays of alt-profanity-check's vectorizer and calibrated linear SVMs."""

    def __init__(self, vectorizer: Any, model: Any) -> None:
        self._vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self._token = re.compile(vectorizer.token_pattern)
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        folds = model.calibrated_classifiers_
        self._weights = np.stack([fold.estimator.coef_[0] for fold in folds], axis=1)
        self._intercepts = np.array([fold.estimator.intercept_[0] for fold in folds])
        self._a = np.array([fold.calibrators[0].a_ for fold in folds])
        self._b = np.array([fold.calibrators[0].b_ for fold in folds])

    @classmethod
    def from_library(cls) -> LinearProfanityModel:
        """The model alt-profanity-check ships (1-2 s: its files are unpickled)."""
        from profanity_check import profanity_check

        return cls(profanity_check.vectorizer, profanity_check.model)

    def known(self, word: str) -> bool:
        """True if the word is in the model's vocabulary."""
        return word in self._vocabulary

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self._vocabulary)

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """The probability that each text is offensive, as `predict_prob` gives it."""
        if not texts:
            return []
        vocabulary = self._vocabulary
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            found = map(vocabulary.get, self._token.findall(text.lower()))
            indices.extend(index for index in found if index is not None)
            indptr.append(len(indices))
        counts = csr_matrix(
            (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(texts), len(self._idf)),
        )
        counts.sum_duplicates()
        counts.data *= self._idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0.0] = 1.0
        decisions = (counts @ self._weights) / norms[:, None] + self._intercepts
        calibrated = 1.0 / (1.0 + np.exp(self._a * decisions + self._b))
        scores: list[float] = calibrated.mean(axis=1).tolist()
        return scores
