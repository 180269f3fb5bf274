"""alt-profanity-check's model, scored from its fitted arrays with a few numpy operations.

The library's `predict_prob` runs scikit-learn's TfidfVectorizer (unigrams, English stop
words, l2 norm) and a CalibratedClassifierCV of five LinearSVCs with sigmoid calibration.
Its per-document Python overhead is most of the embedded backend's time, so this module reads
the fitted vocabulary, idf weights, coefficients and calibration constants once and computes
the same probabilities with numpy (no sparse matrix: building one costs more than the
arithmetic for a batch of chat messages): tokens -> counts x idf -> l2 norm -> five decision
values -> five sigmoids -> their mean. The unit tests check the result against `predict_prob`.

Plain-ASCII text (most chat) is tokenised without the regex: its vectorizer tokens (runs of
two or more word characters, lower-cased) are then the runs of ASCII letters, digits and
underscores, which one `bytes.translate` and `split` find several times faster than the
regex; any other text goes through the vectorizer's own pattern.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def _ascii_word_table() -> bytes:
    """ASCII letters, digits and underscores lower-cased, every other byte a
    space. The vocabulary only holds tokens of two or more characters, so the single
    characters this lets through never match."""
    table = bytearray(b" " * 256)
    for byte in range(128):
        if chr(byte).isalnum() or chr(byte) == "_":
            table[byte] = ord(chr(byte).lower())
    return bytes(table)


_ASCII_WORDS = _ascii_word_table()


class LinearProfanityModel:
    """The arrays of alt-profanity-check's vectorizer and calibrated linear SVMs."""

    def __init__(self, vectorizer: Any, model: Any) -> None:
        self._vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self._token = re.compile(vectorizer.token_pattern)
        self._ascii_vocabulary = {
            word.encode("ascii"): index
            for word, index in self._vocabulary.items()
            if word.isascii()
        }
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
        return self.probabilities_of([self.raw_ids(text) for text in texts])

    def probabilities_of(self, ids_per_text: Sequence[list[int]]) -> list[float]:
        """`probabilities` of texts given by their `token_ids` (or with -1 for unknown
        words: those are dropped here, all at once)."""
        if not ids_per_text:
            return []
        count = len(ids_per_text)
        lengths = np.fromiter(map(len, ids_per_text), dtype=np.int64, count=count)
        columns = np.fromiter(
            itertools.chain.from_iterable(ids_per_text), dtype=np.int64, count=int(lengths.sum())
        )
        rows = np.repeat(np.arange(count, dtype=np.int64), lengths)
        known = columns >= 0
        rows, columns = rows[known], columns[known]
        decisions = self._decisions(count, rows, columns)
        calibrated = 1.0 / (1.0 + np.exp(self._a * decisions + self._b))
        scores: list[float] = calibrated.mean(axis=1).tolist()
        return scores

    def indices_where(self, predicate: Callable[[str], bool]) -> frozenset[int]:
        """The vocabulary indices of the words for which `predicate` is true."""
        return frozenset(index for word, index in self._vocabulary.items() if predicate(word))

    def token_ids(self, text: str) -> list[int]:
        """The vocabulary indices of the text's tokens, in order (unknown words left out)."""
        return [i for i in self.raw_ids(text) if i >= 0]

    def raw_ids(self, text: str) -> list[int]:
        """The vocabulary index of each token of the text, -1 for an unknown word."""
        if text.isascii():
            ascii_words = text.encode("ascii").translate(_ASCII_WORDS).split()
            return list(map(self._ascii_vocabulary.get, ascii_words, itertools.repeat(-1)))
        words = self._token.findall(text.lower())
        return list(map(self._vocabulary.get, words, itertools.repeat(-1)))

    def _decisions(self, count: int, rows: Any, columns: Any) -> Any:
        """The five decision values per text from its tokens' (row, vocabulary index) pairs
        (two int64 arrays): counts x idf, l2-normalised, times each fold's weights, plus its
        intercept."""
        decisions = np.zeros((count, self._weights.shape[1]))
        if columns.size:
            size = len(self._idf)
            keys = rows * size + columns
            unique, counts = np.unique(keys, return_counts=True)  # sorted: rows ascending
            row_of, column = np.divmod(unique, size)
            values = counts * self._idf[column]
            norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=count))
            present, starts = np.unique(row_of, return_index=True)
            sums = np.add.reduceat(self._weights[column] * values[:, None], starts, axis=0)
            decisions[present] = sums / norms[present][:, None]
        return decisions + self._intercepts
