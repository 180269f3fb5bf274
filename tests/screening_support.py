"""Helpers for the screening tests: shared backends, a tiny Detoxify checkpoint, a database."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.films.curated import load_curated
from bot.films.model import FilmDetails
from bot.screening.embedded import EmbeddedBackend
from bot.screening.results import Scores
from bot.screening.tiny_model import BuiltCheckpoint, build_tiny_checkpoint
from storage.db import connect
from storage.migrate import migrate

# Nothing in these tests may wait on the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@dataclass
class FakeSettings:
    """The screening fields of bot.settings.Settings, for load_backend."""

    toxicity_backend: str = "detoxify"
    toxicity_model: str = "original"
    toxicity_checkpoint: Path | None = None
    toxicity_hf_dir: Path | None = None
    toxicity_quantize: str = "none"
    toxicity_runtime: str = "torch"
    toxicity_fallback: str = "on"
    toxicity_second_look: str = "on"
    database_path: Path = Path("data/filmbot.sqlite3")  # model-cache/ beside it (onnx only)


@functools.cache
def embedded() -> EmbeddedBackend:
    """One embedded backend for the whole run (it takes a second or two to load)."""
    return EmbeddedBackend()


@functools.cache
def never_let_me_go() -> FilmDetails:
    """The curated film, with its quotes and characters."""
    return next(f for f in load_curated() if f.film.title == "Never Let Me Go")


@functools.cache
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="screening-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def tiny_checkpoint(bias: float | None = None) -> BuiltCheckpoint:
    """A tiny random BERT in Detoxify's format, built once per run (per bias)."""
    name = "plain" if bias is None else f"bias{bias:+.1f}"
    return build_tiny_checkpoint(_scratch() / name, bias=bias)


def scratch_copy(built: BuiltCheckpoint, name: str) -> BuiltCheckpoint:
    """A copy of a built checkpoint that a test may damage."""
    target = _scratch() / name
    shutil.copytree(built.checkpoint.parent, target)
    return BuiltCheckpoint(
        target / built.checkpoint.name, target / "hf", built.labels, built.vocab_size
    )


async def migrated(path: Path):
    conn = await connect(path)
    await migrate(conn)
    return conn


class GatedBackend:
    """A ScoringBackend stand-in (a model is not ours to fake cheaply) whose batches wait
    for the test to open a gate, and which records the batches it was given."""

    name = "gated"
    labels = ("toxicity",)
    preferred_batch = 32

    def __init__(self, fail_on: str | None = None) -> None:
        self.batches: list[list[str]] = []
        self.started = threading.Event()
        self.gate = threading.Event()
        self.fail_on = fail_on

    def score(self, texts: Sequence[str]) -> list[Scores]:
        self.started.set()
        self.gate.wait(timeout=10)
        self.batches.append(list(texts))
        if self.fail_on is not None and self.fail_on in texts:
            raise ValueError(f"cannot score {self.fail_on!r}")
        return [{"toxicity": min(1.0, len(text) / 100)} for text in texts]
