"""The Detoxify backend: loading (online or offline), the runtime that scores, int8, scoring.

Online, the checkpoint is downloaded once into torch's hub cache (its sha256 prefix checked)
and Detoxify fetches the config and tokenizer from the Hugging Face Hub. Offline,
TOXICITY_CHECKPOINT and TOXICITY_HF_DIR point at local files, and `install_offline_fix()`
works around detoxify 0.5.4 still asking the Hub for the config (upstream PR #126).

The model is always loaded through the real `detoxify.Detoxify` class; the forward pass then
runs in torch (optionally int8-quantised) or in ONNX Runtime (`onnx_runtime.py`). Both share
the tokenisation, the grouping of texts by token length and the sigmoid, as Detoxify does.
"""

from __future__ import annotations

import gc
import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.screening.backend import ModelLoadError
from bot.screening.detoxify_files import (
    OFFLINE_HELP,
    check_hf_dir,
    download_checkpoint,
    read_checkpoint,
)
from bot.screening.results import Scores

log = logging.getLogger(__name__)

MODELS = ("original", "unbiased", "multilingual", "original-small", "unbiased-small")
RUNTIMES = ("torch", "onnx")
UNBOUNDED_LENGTH = 100_000  # transformers uses ~1e30 when model_max_length is missing
PADDED_TOKEN_BUDGET = 4096  # per forward pass: batch size x longest text, in tokens
LENGTH_SPREAD = 1.3  # a batch's longest text is at most this much longer than its shortest...
SPREAD_SLACK = 8  # ...plus a few tokens, so very short texts still group
LARGEST_GROUP = 32


@dataclass(frozen=True)
class DetoxifyConfig:
    """What to load: the model, optional local files, quantisation and the runtime."""

    model: str = "original"
    checkpoint: Path | None = None
    hf_dir: Path | None = None
    quantize: str = "none"  # "none" or "int8"
    runtime: str = "torch"  # "torch" or "onnx" (falls back to torch if ONNX cannot be used)
    cache_dir: Path | None = None  # where exported ONNX models are kept (onnx runtime only)
    optimise: bool = True  # ONNX Runtime's transformer optimiser on the export (onnx only)


class ForwardPass(Protocol):
    """Runs the model on one padded batch: token arrays in, one row of logits per text out."""

    def logits(self, batch: Mapping[str, Any]) -> Any:
        """A (texts x labels) float32 numpy array."""
        ...


class TorchForward:
    """The forward pass in torch (fp32, or int8 after quantize_int8)."""

    def __init__(self, model: Any) -> None:
        self._model = model.eval()

    def logits(self, batch: Mapping[str, Any]) -> Any:
        import torch

        with torch.inference_mode():
            output = self._model(**{key: torch.from_numpy(v) for key, v in batch.items()})
        return output[0].float().numpy()


class DetoxifyBackend:
    """A loaded Detoxify model behind the ScoringBackend interface."""

    # The most texts a batch may take; the batcher takes fewer while the measured speed says
    # a batch of that size would take longer than its time target (on 2 cores: about 5).
    preferred_batch = LARGEST_GROUP

    def __init__(
        self, detox: Any, name: str, forward: ForwardPass | None = None, runtime: str = ""
    ) -> None:
        self._detox = detox
        self._forward = forward or TorchForward(detox.model)
        self.name = name
        self.labels = tuple(detox.class_names)
        self.runtime = runtime or "runtime torch"  # which runtime scores, and why (status line)

    @property
    def detoxify(self) -> Any:
        """The underlying detoxify.Detoxify instance (its torch model is None with ONNX)."""
        return self._detox

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Scores per text; texts of similar token length share a forward pass (little padding).

        The texts are tokenised once; each group is then padded to its own longest text.
        """
        results: list[Scores] = [{} for _ in texts]
        if not texts:
            return results
        tokens = self._detox.tokenizer(list(texts), truncation=True)
        pad_id = self._detox.tokenizer.pad_token_id or 0
        for group in group_by_length([len(ids) for ids in tokens["input_ids"]]):
            probabilities = self.probabilities(padded(tokens, group, pad_id))
            for index, row in zip(group, probabilities, strict=True):
                results[index] = dict(zip(self.labels, map(float, row), strict=True))
        return results

    def probabilities(self, batch: Mapping[str, Any]) -> Any:
        """sigmoid(logits) for one padded batch of token arrays, as Detoxify.predict."""
        import torch

        logits = self._forward.logits(batch)
        return torch.sigmoid(torch.from_numpy(logits)).numpy()


def padded(tokens: Mapping[str, Any], group: Sequence[int], pad_id: int) -> dict[str, Any]:
    """The token lists of texts `group` as int64 arrays padded on the right to the longest,
    exactly as the tokenizer pads (ids with `pad_id`, the other fields with 0)."""
    import numpy as np

    longest = max(len(tokens["input_ids"][i]) for i in group)
    batch: dict[str, Any] = {}
    for key, rows in tokens.items():
        array = np.full((len(group), longest), pad_id if key == "input_ids" else 0, np.int64)
        for line, index in enumerate(group):
            array[line, : len(rows[index])] = rows[index]
        batch[key] = array
    return batch


def encode(tokenizer: Any, texts: Sequence[str]) -> dict[str, Any]:
    """Token arrays for texts scored together, padded to the longest (as Detoxify.predict)."""
    return dict(tokenizer(list(texts), truncation=True, padding=True, return_tensors="np"))


def group_by_length(
    lengths: Sequence[int],
    *,
    budget: int = PADDED_TOKEN_BUDGET,
    spread: float = LENGTH_SPREAD,
    largest: int = LARGEST_GROUP,
) -> list[list[int]]:
    """Indices grouped by similar length: padding wastes at most ~`spread`, under `budget`.

    A batch is padded to its longest text, so one long message in a batch of short ones
    multiplies the work; sorting by length and cutting where lengths grow keeps the gain.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    groups: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = max(lengths[index], 1)
        if current and (
            len(current) >= largest
            or longest * (len(current) + 1) > budget
            or longest > spread * lengths[current[0]] + SPREAD_SLACK
        ):
            groups.append(current)
            current = []
        current.append(index)
    if current:
        groups.append(current)
    return groups


def load_detoxify(config: DetoxifyConfig) -> DetoxifyBackend:
    """Load the configured model (blocking, seconds); ModelLoadError says why and how to fix.

    With runtime "onnx" the model is exported (once, then cached) and scored by ONNX Runtime;
    if that is impossible the torch runtime is used and `backend.runtime` says why.
    """
    if config.model not in MODELS:
        raise ModelLoadError(
            f"TOXICITY_MODEL={config.model!r} is not a Detoxify model",
            "use one of " + ", ".join(MODELS),
        )
    started = time.monotonic()
    checkpoint = config.checkpoint or download_checkpoint(config.model)
    loaded = read_checkpoint(checkpoint)
    if config.hf_dir is not None:
        check_hf_dir(config.hf_dir, loaded["config"]["arch"]["args"]["num_classes"])
    elif config.checkpoint is not None:
        log.warning("TOXICITY_HF_DIR is not set: the config and tokenizer come from the Hub")
    del loaded
    detox = _construct(checkpoint, config.hf_dir)
    forward, suffix, runtime = _pick_runtime(detox, config, checkpoint)
    name = f"detoxify:{config.model}{suffix}"
    log.info(
        "loaded %s from %s in %.1f s (%s)", name, checkpoint, time.monotonic() - started, runtime
    )
    return DetoxifyBackend(detox, name, forward, runtime)


def _pick_runtime(detox: Any, config: DetoxifyConfig, checkpoint: Path) -> tuple[Any, str, str]:
    """The forward pass, the name's suffix and the runtime line (which one scores, and why)."""
    int8 = config.quantize == "int8"
    quantised = " int8" if int8 else ""
    not_used = ""
    if config.runtime == "onnx":
        from bot.screening.onnx_runtime import load_onnx_forward

        try:
            forward, how = load_onnx_forward(
                detox,
                checkpoint,
                quantize=config.quantize,
                cache_dir=config.cache_dir,
                optimise=config.optimise,
            )
        except ModelLoadError as exc:
            log.warning("TOXICITY_RUNTIME=onnx not used, scoring with torch instead: %s", exc)
            not_used = f" (TOXICITY_RUNTIME=onnx not used: {exc.why}; fix: {exc.fix})"
        else:
            detox.model = None  # ONNX Runtime holds its own copy of the weights
            gc.collect()
            return forward, "+onnx" + ("+int8" if int8 else ""), f"runtime onnx{quantised}: {how}"
    if int8:
        quantize_int8(detox)
    return TorchForward(detox.model), "+int8" if int8 else "", f"runtime torch{quantised}{not_used}"


def _construct(checkpoint: Path, hf_dir: Path | None) -> Any:
    import detoxify
    from transformers.utils import logging as hf_logging

    install_offline_fix()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # unannotated upstream
    try:
        detox = detoxify.Detoxify(
            checkpoint=str(checkpoint),
            huggingface_config_path=str(hf_dir) if hf_dir is not None else None,
        )
    except ModelLoadError:
        raise
    except Exception as exc:
        where = f"the files in {hf_dir}" if hf_dir else "the Hugging Face Hub"
        raise ModelLoadError(
            f"Detoxify could not build the model from {checkpoint} and {where} "
            f"({type(exc).__name__}: {str(exc)[:300]})",
            OFFLINE_HELP if hf_dir is None else "check that TOXICITY_HF_DIR matches the checkpoint",
        ) from None
    _bound_token_length(detox)
    return detox


def install_offline_fix() -> None:
    """Make Detoxify read the config from `huggingface_config_path` instead of the Hub.

    detoxify 0.5.4 calls `from_pretrained(<hub id>)` for the config even when a local folder
    is given, which fails offline. Replacing the hub id with the local folder is the upstream
    fix; with no local folder, behaviour is unchanged. Safe to call more than once.
    """
    import detoxify.detoxify as module

    if getattr(module.get_model_and_tokenizer, "filmbot_offline_fix", False):
        return
    original = module.get_model_and_tokenizer

    def get_model_and_tokenizer(
        model_type: str,
        model_name: str,
        tokenizer_name: str,
        num_classes: int,
        state_dict: dict[str, Any],
        huggingface_config_path: str | None = None,
    ) -> Any:
        return original(
            huggingface_config_path or model_type,
            model_name,
            tokenizer_name,
            num_classes,
            state_dict,
            huggingface_config_path,
        )

    get_model_and_tokenizer.filmbot_offline_fix = True  # type: ignore[attr-defined]  # a marker on the patched function
    module.get_model_and_tokenizer = get_model_and_tokenizer


def _bound_token_length(detox: Any) -> None:
    # Without model_max_length the tokenizer does not truncate and long texts crash the model.
    tokenizer = detox.tokenizer
    limit = getattr(detox.model.config, "max_position_embeddings", 512)
    if tokenizer.model_max_length > UNBOUNDED_LENGTH:
        log.warning(
            "the tokenizer has no model_max_length; truncating at %d tokens (add "
            '"model_max_length": %d to tokenizer_config.json to silence this)',
            min(limit, 512),
            min(limit, 512),
        )
        tokenizer.model_max_length = min(limit, 512)


def quantize_int8(detox: Any) -> None:
    """Dynamic int8 quantisation of the linear layers (about 2-3x faster on CPU)."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        # torch announces torchao as the successor of torch.ao.quantization; it still works
        # in torch 2.13 (measured in bench/screening.py) and needs no extra package.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantiz.*deprecated", category=UserWarning)
        detox.model = quantize_dynamic(  # type: ignore[no-untyped-call]  # unannotated in torch
            detox.model, {torch.nn.Linear}, dtype=torch.qint8
        )
