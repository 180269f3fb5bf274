"""The Detoxify model's files: the checkpoint (downloaded or local) and the offline config folder.

Every check raises ModelLoadError with what is wrong and how to fix it, before Detoxify
itself sees the files (its own errors are much less helpful).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from bot.screening.backend import ModelLoadError

SHA_IN_NAME = re.compile(r"-([0-9a-f]{8,64})\.[A-Za-z0-9]+$")
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "sentencepiece.bpe.model",
    "spiece.model",
)
OFFLINE_HELP = (
    "for a machine without internet, set TOXICITY_CHECKPOINT to the downloaded .ckpt file and "
    "TOXICITY_HF_DIR to a folder with the model's config.json and tokenizer files "
    "(see docs/screening.md), or set TOXICITY_BACKEND=embedded"
)


def read_checkpoint(path: Path) -> dict[str, Any]:
    """Check a checkpoint file (exists, sha256 prefix in its name, layout) and return it."""
    import torch

    if not path.is_file():
        raise ModelLoadError(
            f"the checkpoint {path} does not exist", "check TOXICITY_CHECKPOINT; " + OFFLINE_HELP
        )
    verify_sha_prefix(path)
    try:
        loaded: dict[str, Any] = _torch_load(torch, path)
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
    digest = file_sha256(path)
    if not digest.startswith(expected):
        raise ModelLoadError(
            f"the checkpoint {path} is corrupted: its sha256 starts with {digest[:8]}, "
            f"but its name says {expected}",
            "download the file again (an interrupted download leaves a truncated file)",
        )


def file_sha256(path: Path) -> str:
    """The file's sha256 (hex), computed once per file version (size and mtime) per process."""
    stat = path.stat()
    return _sha256_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
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


def download_checkpoint(model: str) -> Path:
    """The official checkpoint in torch's hub cache, downloaded (hash checked) if missing."""
    import torch
    from detoxify.detoxify import MODEL_URLS

    url: str = MODEL_URLS[model]
    target: Path = Path(torch.hub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[1]
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
