"""Pick and load the scoring backend at start-up, falling back to the embedded one.

Loading takes seconds (Detoxify) and must not run on the event loop: call
`await load_backend_async(settings)`. The result carries the active backend's name and why
it was chosen, for the log, `/about` and `/mod screening`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.screening.backend import ModelLoadError, ScoringBackend
from bot.screening.detoxify_backend import DetoxifyConfig, load_detoxify
from bot.screening.embedded import EmbeddedBackend

log = logging.getLogger(__name__)

MODEL_CACHE = "model-cache"


class ScreeningSettings(Protocol):
    """The toxicity_* fields of bot.settings.Settings."""

    # Read-only properties, so Settings' narrower types (Literal, Path | None) fit.
    @property
    def toxicity_backend(self) -> str: ...
    @property
    def toxicity_model(self) -> str: ...
    @property
    def toxicity_checkpoint(self) -> Path | None: ...
    @property
    def toxicity_hf_dir(self) -> Path | None: ...
    @property
    def toxicity_quantize(self) -> str: ...
    @property
    def toxicity_runtime(self) -> str: ...
    @property
    def toxicity_fallback(self) -> str: ...
    @property
    def database_path(self) -> Path:  # exported ONNX models are cached beside it
        ...

    # toxicity_patterns, toxicity_harm_head (Path | None) and toxicity_second_look are read
    # with getattr: older callers may not have them


@dataclass(frozen=True)
class ActiveBackend:
    """The backend in use, its name and a sentence saying why it is the one in use."""

    backend: ScoringBackend
    reason: str
    fell_back: bool = False

    @property
    def name(self) -> str:
        return self.backend.name


def load_backend(settings: ScreeningSettings) -> ActiveBackend:
    """Load the configured backend (blocking). Raises ModelLoadError only with fallback off."""
    if settings.toxicity_backend == "embedded":
        return _embedded(settings, "TOXICITY_BACKEND=embedded")
    config = DetoxifyConfig(
        model=settings.toxicity_model,
        checkpoint=settings.toxicity_checkpoint,
        hf_dir=settings.toxicity_hf_dir,
        quantize=settings.toxicity_quantize,
        runtime=settings.toxicity_runtime,
        cache_dir=model_cache(settings),
    )
    started = time.monotonic()
    try:
        backend = load_detoxify(config)
    except ModelLoadError as exc:
        if settings.toxicity_fallback == "off":
            log.error("screening model not loaded: %s (TOXICITY_FALLBACK=off)", exc)
            raise
        log.error("screening model not loaded, using the embedded backend instead: %s", exc)
        return _embedded(settings, f"fell back to embedded: {exc.why}. Fix: {exc.fix}", True)
    source = "offline files" if config.checkpoint and config.hf_dir else "download/cache"
    took = time.monotonic() - started
    reason = f"TOXICITY_BACKEND=detoxify ({source}, {backend.runtime}, loaded in {took:.1f} s)"
    return ActiveBackend(backend, reason)


def _embedded(settings: ScreeningSettings, reason: str, fell_back: bool = False) -> ActiveBackend:
    """The embedded backend; the reason says whether its second look is on (first, so a
    trimmed status line keeps it), and why when its pattern file could not be used."""
    backend = EmbeddedBackend(
        getattr(settings, "toxicity_patterns", None),
        getattr(settings, "toxicity_harm_head", None),
        getattr(settings, "toxicity_second_look", "on") != "off",
    )
    parts = (reason, backend.second_look_state, backend.problem)
    return ActiveBackend(backend, "; ".join(p for p in parts if p), fell_back)


def model_cache(settings: ScreeningSettings) -> Path:
    """The folder beside the database where exported models are kept between restarts."""
    return Path(str(settings.database_path)).parent / MODEL_CACHE


async def load_backend_async(settings: ScreeningSettings) -> ActiveBackend:
    """load_backend in a worker thread, so start-up never blocks the event loop."""
    return await asyncio.to_thread(load_backend, settings)
