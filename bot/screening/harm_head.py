"""The second look's trained head: logistic regression on a sentence embedding, per label.

The head is kept as plain arrays in an `.npz` file (read with `allow_pickle=False`, so no
code is ever unpickled and no scikit-learn version is needed to load it): `labels` (the
label of each row), `weights` (labels x 384), `bias`, and the Platt calibration of each
label's decision value, `platt_a` and `platt_b`: probability = 1 / (1 + exp(a * d + b)).
`python -m bench train_harm_head` rebuilds it from bot/screening/data/harm_head_train.tsv and
writes its provenance beside it (harm_head.json: data, licence, encoder, date, figures).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_HEAD = Path(__file__).with_name("data") / "harm_head.npz"
KNOWN_LABELS = frozenset({"threat", "identity_attack", "insult"})
ZIP_MAGIC = b"PK\x03\x04"  # an .npz is a zip archive
_ARRAYS = ("labels", "weights", "bias", "platt_a", "platt_b")


class HeadFileError(Exception):
    """The head file is missing or unusable; the message says which and why."""


@dataclass(frozen=True)
class HarmHead:
    """Calibrated probabilities per label from unit-length sentence embeddings."""

    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, dimensions)
    bias: np.ndarray  # (labels,)
    platt_a: np.ndarray  # (labels,)
    platt_b: np.ndarray  # (labels,)

    @property
    def dimensions(self) -> int:
        return int(self.weights.shape[1])

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """(texts, labels) calibrated probabilities for (texts, dimensions) embeddings."""
        decision = embeddings @ self.weights.T + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(self.platt_a * decision + self.platt_b)))

    def save(self, path: Path) -> None:
        """Write the arrays (np.savez: no pickles; labels as a unicode array)."""
        np.savez(
            path,
            labels=np.array(self.labels, dtype=np.str_),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float64),
            platt_a=self.platt_a.astype(np.float64),
            platt_b=self.platt_b.astype(np.float64),
        )


def load_head(path: Path = DEFAULT_HEAD, dimensions: int = 384) -> HarmHead:
    """Read and check a head file; HeadFileError says what is wrong with it."""
    try:
        with path.open("rb") as opened:
            if opened.read(4) != ZIP_MAGIC:  # np.load would call any other file a pickle
                raise HeadFileError(f"the harm head file {path} cannot be read: it is not an .npz")
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in _ARRAYS}
    except FileNotFoundError:
        raise HeadFileError(f"the harm head file {path} is missing") from None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise HeadFileError(f"the harm head file {path} cannot be read: {exc}") from None
    labels = tuple(str(label) for label in arrays["labels"].tolist())
    count = len(labels)
    shapes_ok = (
        arrays["weights"].shape == (count, dimensions)
        and all(arrays[name].shape == (count,) for name in ("bias", "platt_a", "platt_b"))
        and all(np.issubdtype(arrays[n].dtype, np.floating) for n in _ARRAYS[1:])
    )
    if not count or not shapes_ok or not set(labels) <= KNOWN_LABELS:
        raise HeadFileError(
            f"the harm head file {path} is not valid: labels {list(labels)}, weights "
            f"{arrays['weights'].shape} (expected {count} x {dimensions})"
        )
    if not all(np.isfinite(arrays[name]).all() for name in _ARRAYS[1:]):
        raise HeadFileError(f"the harm head file {path} is not valid: it holds NaN or inf")
    return HarmHead(
        labels,
        arrays["weights"].astype(np.float32),
        arrays["bias"].astype(np.float32),
        arrays["platt_a"].astype(np.float32),
        arrays["platt_b"].astype(np.float32),
    )
