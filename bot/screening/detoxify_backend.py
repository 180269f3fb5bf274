"""The Detoxify backend: loading (online or offline), checks with clear errors, int8, scoring.

Online, the checkpoint is downloaded once into torch's hub cache (its sha256 prefix checked)
and Detoxify fetches the config and tokenizer from the Hugging Face Hub. Offline,
TOXICITY_CHECKPOINT and TOXICITY_HF_DIR point at local files, and `install_offline_fix()`
works around detoxify 0.5.4 still asking the Hub for the config (upstream PR #126).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.screening.backend import ModelLoadError
from bot.screening.results import Scores

log = logging.getLogger(__name__)

MODELS = ("original", "unbiased", "multilingual", "original-small", "unbiased-small")
SHA_IN_NAME = re.compile(r"-([0-9a-f]{8,64})\.[A-Za-z0-9]+$")
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "sentencepiece.bpe.model",
    "spiece.model",
)
UNBOUNDED_LENGTH = 100_000  # transformers uses ~1e30 when model_max_length is missing
PADDED_TOKEN_BUDGET = 4096  # per forward pass: batch size x longest text, in tokens
LENGTH_SPREAD = 1.3  # a batch's longest text is at most this much longer than its shortest...
SPREAD_SLACK = 8  # ...plus a few tokens, so very short texts still group
LARGEST_GROUP = 32
OFFLINE_HELP = (
    "for a machine without internet, set TOXICITY_CHECKPOINT to the downloaded .ckpt file and "
    "TOXICITY_HF_DIR to a folder with the model's config.json and tokenizer files "
    "(see docs/screening.md), or set TOXICITY_BACKEND=embedded"
)


@dataclass(frozen=True)
class DetoxifyConfig:
    """What to load: the model name, optional local files, and whether to quantise."""

    model: str = "original"
    checkpoint: Path | None = None
    hf_dir: Path | None = None
    quantize: str = "none"  # "none" or "int8"


class DetoxifyBackend:
    """A loaded Detoxify model behind the ScoringBackend interface."""

    # On 2 CPU cores throughput barely grows past batches of 8 (FACTS: int8 39 msg/s at 8,
    # 34 at 32), while every message in a batch waits for the whole batch: keep them small.
    preferred_batch = 8

    def __init__(self, detox: Any, name: str) -> None:
        self._detox = detox
        self.name = name
        self.labels = tuple(detox.class_names)

    @property
    def detoxify(self) -> Any:
        """The underlying detoxify.Detoxify instance."""
        return self._detox

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Scores per text; texts of similar token length share a forward pass (little padding)."""
        results: list[Scores] = [{} for _ in texts]
        lengths = self._token_lengths(texts)
        for group in group_by_length(lengths):
            predicted = self._detox.predict([texts[i] for i in group])
            for position, index in enumerate(group):
                results[index] = {
                    label: float(_as_list(values)[position]) for label, values in predicted.items()
                }
        return results

    def _token_lengths(self, texts: Sequence[str]) -> list[int]:
        if len(texts) == 1:
            return [1]
        encoded = self._detox.tokenizer(list(texts), truncation=True)["input_ids"]
        return [len(ids) for ids in encoded]


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


def _as_list(values: Any) -> list[float]:
    # Detoxify squeezes a batch of one into a bare float.
    return values if isinstance(values, list) else [values]


def load_detoxify(config: DetoxifyConfig) -> DetoxifyBackend:
    """Load the configured model (blocking, seconds); ModelLoadError says why and how to fix."""
    if config.model not in MODELS:
        raise ModelLoadError(
            f"TOXICITY_MODEL={config.model!r} is not a Detoxify model",
            "use one of " + ", ".join(MODELS),
        )
    started = time.monotonic()
    checkpoint = config.checkpoint or _download_checkpoint(config.model)
    loaded = read_checkpoint(checkpoint)
    if config.hf_dir is not None:
        check_hf_dir(config.hf_dir, loaded["config"]["arch"]["args"]["num_classes"])
    elif config.checkpoint is not None:
        log.warning("TOXICITY_HF_DIR is not set: the config and tokenizer come from the Hub")
    detox = _construct(checkpoint, config.hf_dir)
    name = f"detoxify:{config.model}"
    if config.quantize == "int8":
        quantize_int8(detox)
        name += "+int8"
    log.info("loaded %s from %s in %.1f s", name, checkpoint, time.monotonic() - started)
    return DetoxifyBackend(detox, name)


def read_checkpoint(path: Path) -> dict[str, Any]:
    """Check a checkpoint file (exists, sha256 prefix in its name, layout) and return it."""
    import torch

    if not path.is_file():
        raise ModelLoadError(
            f"the checkpoint {path} does not exist", "check TOXICITY_CHECKPOINT; " + OFFLINE_HELP
        )
    verify_sha_prefix(path)
    try:
        loaded = _torch_load(torch, path)
    except Exception as exc:
        raise ModelLoadError(
            f"the checkpoint {path} cannot be read ({type(exc).__name__}: {str(exc)[:200]}); "
            "the file is corrupted or not a PyTorch checkpoint",
            "download it again (compare its sha256 with the 8 hex characters in the official "
            "file name) and point TOXICITY_CHECKPOINT at it",
        ) from None
    _check_layout(path, loaded)
    return loaded


def _torch_load(torch: Any, path: Path) -> Any:
    # mmap avoids reading 400+ MB twice (Detoxify loads the file again); old files lack it.
    try:
        return torch.load(path, map_location="cpu", weights_only=False, mmap=True)
    except RuntimeError as exc:
        if "mmap" not in str(exc) and "zipfile" not in str(exc):
            raise
        return torch.load(path, map_location="cpu", weights_only=False)


def verify_sha_prefix(path: Path) -> None:
    """If the file name ends in -<hex>.ext (as Detoxify's releases do), check its sha256."""
    match = SHA_IN_NAME.search(path.name)
    if not match:
        return
    expected = match.group(1)
    digest = _sha256(path)
    if not digest.startswith(expected):
        raise ModelLoadError(
            f"the checkpoint {path} is corrupted: its sha256 starts with {digest[:8]}, "
            f"but its name says {expected}",
            "download the file again (an interrupted download leaves a truncated file)",
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_layout(path: Path, loaded: Any) -> None:
    fix = "use a checkpoint saved by Detoxify's training code (a dict with config and state_dict)"
    if not isinstance(loaded, dict) or "config" not in loaded or "state_dict" not in loaded:
        raise ModelLoadError(f"{path} is not a Detoxify checkpoint (no config/state_dict)", fix)
    try:
        args = loaded["config"]["arch"]["args"]
        classes = loaded["config"]["dataset"]["args"]["classes"]
        needed = ("model_type", "model_name", "tokenizer_name", "num_classes")
        missing = [key for key in needed if key not in args]
    except (KeyError, TypeError):
        raise ModelLoadError(
            f"{path} lacks config.arch.args or config.dataset.args.classes", fix
        ) from None
    if missing:
        raise ModelLoadError(f"{path}: config.arch.args lacks {', '.join(missing)}", fix)
    if len(classes) != args["num_classes"]:
        raise ModelLoadError(
            f"{path} names {len(classes)} labels but has {args['num_classes']} outputs", fix
        )


def check_hf_dir(folder: Path, num_classes: int) -> None:
    """The offline config folder needs config.json (with matching labels) and tokenizer files."""
    fix = (
        "TOXICITY_HF_DIR must hold config.json (num_labels equal to the checkpoint's outputs) "
        "and the tokenizer files saved with save_pretrained (see docs/screening.md)"
    )
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise ModelLoadError(f"{folder} has no config.json", fix)
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ModelLoadError(f"{folder} has no tokenizer files ({', '.join(TOKENIZER_FILES)})", fix)
    try:
        hf_config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"{config_file} is not valid JSON ({exc})", fix) from None
    labels = len(hf_config.get("id2label") or {}) or hf_config.get("num_labels", 2)
    if labels != num_classes:
        raise ModelLoadError(
            f"{config_file} declares {labels} labels but the checkpoint has {num_classes} outputs",
            fix,
        )


def _download_checkpoint(model: str) -> Path:
    """The official checkpoint in torch's hub cache, downloaded (hash checked) if missing."""
    import torch
    from detoxify.detoxify import MODEL_URLS

    url = MODEL_URLS[model]
    target = Path(torch.hub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[1]
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    match = SHA_IN_NAME.search(target.name)
    try:
        torch.hub.download_url_to_file(url, str(target), match.group(1) if match else None, False)
    except Exception as exc:
        raise ModelLoadError(
            f"could not download the {model} checkpoint from {url} "
            f"({type(exc).__name__}: {str(exc)[:160]})",
            OFFLINE_HELP,
        ) from None
    return target


def _construct(checkpoint: Path, hf_dir: Path | None) -> Any:
    import detoxify
    from transformers.utils import logging as hf_logging

    install_offline_fix()
    hf_logging.disable_progress_bar()
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
        model_type,
        model_name,
        tokenizer_name,
        num_classes,
        state_dict,
        huggingface_config_path=None,
    ):
        return original(
            huggingface_config_path or model_type,
            model_name,
            tokenizer_name,
            num_classes,
            state_dict,
            huggingface_config_path,
        )

    get_model_and_tokenizer.filmbot_offline_fix = True  # type: ignore[attr-defined]
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
        detox.model = quantize_dynamic(detox.model, {torch.nn.Linear}, dtype=torch.qint8)
