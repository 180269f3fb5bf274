"""alt-profanity-check's model, scored from its fitted arrays with a few numpy operations.

The library's `predict_prob` runs scikit-learn's TfidfVectorizer (unigrams, English stop
words, l2 norm) and a CalibratedClassifierCV of five LinearSVCs with sigmoid calibration.
Its per-document Python overhead is most of the embedded backend's time, so this module reads
the fitted vocabulary, idf weights, coefficients and calibration constants once and computes
the same probabilities with numpy (no sparse matrix: building one costs more than the
arithmetic for a batch of chat messages): tokens -> counts x idf -> l2 norm -> five decision
values -> five sigmoids -> their mean. The unit tests check the result against `predict_prob`.

Text whose word characters are all ASCII (most chat, emoji and curly quotes included) is
tokenised without the regex: its vectorizer tokens (runs of two or more word characters,
lower-cased) are then the runs of ASCII letters, digits and underscores of its ASCII form
(anything else a "?"), which `bytes.translate` and `split` find several times faster.
A batch's ASCII texts are joined (a non-ASCII byte between them) and split in one pass, and
their words looked up in one `map`; any other text goes through the vectorizer's pattern.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def _ascii_word_table() -> bytes:
    """ASCII letters, digits and underscores lower-cased, every other ASCII byte a space.
    The vocabulary only holds tokens of two or more characters, so the single characters
    this lets through never match. SEPARATOR (not ASCII) is kept: it parts joined texts."""
    table = bytearray(b" " * 256)
    for byte in range(128):
        if chr(byte).isalnum() or chr(byte) == "_":
            table[byte] = ord(chr(byte).lower())
    table[SEPARATOR[0]] = SEPARATOR[0]
    return bytes(table)


SEPARATOR = b"\xff"  # no ASCII text holds it
_ASCII_WORDS = _ascii_word_table()
_JOIN = f" {SEPARATOR.decode('latin-1')} "
# A word character that is not ASCII: without one, a text's tokens are those of its ASCII
# form (every other character a separator; no character that is not a word character
# becomes one when lower-cased: checked over all of Unicode by the tests).
_FOREIGN_WORD_CHARACTER = re.compile(r"(?![\x00-\x7f])\w")


def ascii_words_only(text: str) -> bool:
    """True if every word character of the text is ASCII (emoji, curly quotes and dashes
    are not word characters)."""
    return text.isascii() or _FOREIGN_WORD_CHARACTER.search(text) is None


def _as_bytes(text: str) -> bytes:
    """The text in Latin-1, "?" for what it lacks: for text with only ASCII word characters,
    every other character becomes a separator (a byte >= 128 or "?"), as in the regex."""
    return text.encode("latin-1", "replace")


_UNKNOWN, _NEXT_TEXT = -1, -2


@dataclass(frozen=True)
class Tokens:
    """The known tokens of a batch of texts: for each, its text (row) and vocabulary index."""

    count: int
    rows: Any  # int64 arrays of the same length
    columns: Any

    def rows_holding(self, marked: Any) -> set[int]:
        """The rows with a token whose vocabulary index is True in `marked` (a bool array
        over the vocabulary, from `LinearProfanityModel.marks`)."""
        found: list[int] = self.rows[marked[self.columns]].tolist()
        return set(found)

    def with_rows_replaced(self, rows: list[int], other: Tokens) -> Tokens:
        """These tokens with the given rows' tokens replaced by `other`'s (its row i is
        rows[i])."""
        replaced = np.zeros(self.count, dtype=bool)
        replaced[rows] = True
        keep = ~replaced[self.rows]
        moved = np.asarray(rows, dtype=np.int64)[other.rows]
        return Tokens(
            self.count,
            np.concatenate([self.rows[keep], moved]),
            np.concatenate([self.columns[keep], other.columns]),
        )

    def __add__(self, other: Tokens) -> Tokens:
        rows = np.concatenate([self.rows, other.rows + self.count])
        return Tokens(self.count + other.count, rows, np.concatenate([self.columns, other.columns]))


_NO_TOKENS = Tokens(0, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


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
        self._ascii_vocabulary[SEPARATOR] = _NEXT_TEXT
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

    def marks(self, predicate: Callable[[str], bool]) -> Any:
        """A bool array over the vocabulary: True for the words `predicate` is true for."""
        marked = np.zeros(len(self._idf), dtype=bool)
        marked[[index for word, index in self._vocabulary.items() if predicate(word)]] = True
        return marked

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """The probability that each text is offensive, as `predict_prob` gives it."""
        return self.probabilities_of(self.tokenise(texts))

    def probabilities_of(self, tokens: Tokens) -> list[float]:
        """`probabilities` of the texts these tokens came from."""
        if not tokens.count:
            return []
        decisions = self._decisions(tokens.count, tokens.rows, tokens.columns)
        calibrated = 1.0 / (1.0 + np.exp(self._a * decisions + self._b))
        scores: list[float] = calibrated.mean(axis=1).tolist()
        return scores

    def tokenise(self, texts: Sequence[str]) -> Tokens:
        """The texts' known tokens. Texts whose words are plain ASCII are joined and split
        in one pass (bytes.translate, split, dictionary look-ups), the others one by one
        with the regex."""
        if not texts:
            return _NO_TOKENS
        plain = [
            row
            for row, text in enumerate(texts)
            if text.isascii() or not _FOREIGN_WORD_CHARACTER.search(text)
        ]
        joined = _as_bytes(_JOIN.join(texts[row] for row in plain))
        words = joined.translate(_ASCII_WORDS).split() if plain else []
        ids = np.fromiter(
            map(self._ascii_vocabulary.get, words, itertools.repeat(_UNKNOWN)),
            dtype=np.int64,
            count=len(words),
        )
        starts = ids == _NEXT_TEXT
        rows = np.asarray(plain, dtype=np.int64)[np.cumsum(starts)[~starts]]
        columns = ids[~starts]
        if len(plain) < len(texts):
            quick = set(plain)
            found = [
                (row, self.token_ids(text)) for row, text in enumerate(texts) if row not in quick
            ]
            rows = np.concatenate(
                [rows, *(np.full(len(f), row, dtype=np.int64) for row, f in found)]
            )
            columns = np.concatenate([columns, *(np.asarray(f, dtype=np.int64) for _, f in found)])
        known = columns >= 0
        return Tokens(len(texts), rows[known], columns[known])

    def tokenise_with_parts(
        self, wholes: Sequence[str], parts: Sequence[str], owners: Sequence[int]
    ) -> Tokens:
        """The tokens of `wholes` then `parts`, as `tokenise([*wholes, *parts])` gives them,
        for parts (each of the whole `owners[i]`) that split their whole only between words
        the vocabulary does not know: a whole with parts takes its parts' tokens instead of
        being tokenised again, unless it has a non-ASCII word character (lower-casing a
        Greek sigma depends on what follows it)."""
        count = len(wholes)
        derived = np.zeros(count, dtype=bool)
        derived[[row for row in set(owners) if ascii_words_only(wholes[row])]] = True
        own = np.flatnonzero(~derived)
        tokens = self.tokenise([wholes[row] for row in own.tolist()] + list(parts))
        flat = np.concatenate([own, np.arange(count, count + len(parts))])
        part_rows = tokens.rows - len(own)
        from_part = part_rows >= 0
        owner_of = np.asarray(owners, dtype=np.int64)[part_rows[from_part]]
        copied = derived[owner_of]
        return Tokens(
            count + len(parts),
            np.concatenate([flat[tokens.rows], owner_of[copied]]),
            np.concatenate([tokens.columns, tokens.columns[from_part][copied]]),
        )

    def token_ids(self, text: str) -> list[int]:
        """The vocabulary indices of the text's tokens, in order (unknown words left out)."""
        if ascii_words_only(text):
            words = _as_bytes(text).translate(_ASCII_WORDS).split()
            return [i for i in map(self._ascii_vocabulary.get, words) if i is not None]
        lookup = self._vocabulary.get
        return [i for i in map(lookup, self._token.findall(text.lower())) if i is not None]

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
            starts = np.flatnonzero(np.diff(row_of, prepend=-1))  # row_of is sorted
            present = row_of[starts]
            sums = np.add.reduceat(self._weights[column] * values[:, None], starts, axis=0)
            decisions[present] = sums / norms[present][:, None]
        return decisions + self._intercepts
