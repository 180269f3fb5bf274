"""The Detoxify model in ONNX Runtime: exported once, cached on disk, scored by a session.

The model loaded by the real `detoxify.Detoxify` class is exported with dynamic batch and
sequence axes (and, with TOXICITY_QUANTIZE=int8, its weights quantised to int8 by
`onnxruntime.quantization.quantize_dynamic`). The file is cached under a name made of the
checkpoint's sha256 prefix and the quantisation, so a restart reuses it. Files are written
to a temporary folder and renamed into place, with a manifest (size and sha256) written last:
a partial, truncated or damaged file fails the check and is rebuilt.

Every failure is raised as ModelLoadError; the caller then scores with torch instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.screening.backend import ModelLoadError
from bot.screening.detoxify_files import file_sha256

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1  # bump when the export recipe changes: older cached files are not reused
OPSET = 17
EXAMPLE_TEXTS = ("the film was good and the ending was sad", "a")  # padded: masks stay traced
CHECK_TEXTS = ("one", "you are an idiot and the film is trash " * 6, "the ending")
FP32_TOLERANCE = 1e-3  # largest logit difference accepted between the export and torch
INSTALL_HINT = "pip install onnxruntime onnx, or set TOXICITY_RUNTIME=torch"
DEFAULT_CACHE = Path.home() / ".cache" / "filmbot" / "onnx"


class OnnxForward:
    """The forward pass in an onnxruntime.InferenceSession (releases the GIL while it runs)."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.input_names = [item.name for item in session.get_inputs()]

    def logits(self, batch: Mapping[str, Any]) -> Any:
        """A (texts x labels) float32 array for one padded batch of token arrays."""
        return self._session.run(None, {name: batch[name] for name in self.input_names})[0]


def import_onnx() -> tuple[Any, Any]:
    """The onnxruntime and onnx modules, or ModelLoadError saying which one is missing."""
    try:
        import onnx
        import onnxruntime
    except ImportError as exc:
        raise ModelLoadError(
            f"onnxruntime/onnx cannot be imported ({type(exc).__name__}: {exc})", INSTALL_HINT
        ) from None
    return onnxruntime, onnx


def load_onnx_forward(
    detox: Any, checkpoint: Path, *, quantize: str = "none", cache_dir: Path | None = None
) -> tuple[OnnxForward, str]:
    """The ONNX forward pass for a loaded Detoxify model, and how it was obtained.

    Reuses the cached export for this checkpoint and quantisation when it is intact,
    otherwise exports (and quantises) it now: seconds for BERT-base, done once.
    """
    ort, _ = import_onnx()
    folder = cache_dir or DEFAULT_CACHE
    model_path = folder / cache_name(file_sha256(checkpoint), quantize)
    session, problem = _open_cached(ort, model_path)
    if session is not None:
        return OnnxForward(session), f"cached {model_path} reused"
    started = time.monotonic()
    with _export_guard(model_path):
        try:
            _export_to_cache(ort, detox, model_path, quantize)
            forward = OnnxForward(open_session(ort, model_path))
        except Exception as exc:
            raise ModelLoadError(
                f"exporting the model to ONNX failed ({type(exc).__name__}: {str(exc)[:300]})",
                f"check that {folder} is writable and has about 1 GB free, or set "
                "TOXICITY_RUNTIME=torch",
            ) from None
    took = time.monotonic() - started
    log.info("exported %s in %.1f s%s", model_path, took, f" ({problem})" if problem else "")
    rebuilt = f" ({problem}, rebuilt)" if problem else ""
    return forward, f"exported to {model_path} in {took:.1f} s{rebuilt}"


@contextlib.contextmanager
def _export_guard(model_path: Path) -> Iterator[None]:
    """A marker file lives while exporting. Finding one at start-up means the process was
    killed mid-export (exporting BERT-base peaks at about 2.2 GB): then use torch rather than
    risk being killed again at every restart."""
    marker = model_path.with_suffix(".exporting")
    if marker.exists():
        raise ModelLoadError(
            f"an earlier export to {model_path.name} never finished (the process was killed, "
            "perhaps out of memory: exporting needs about 2.2 GB)",
            f"delete {marker} to try again, or set TOXICITY_RUNTIME=torch",
        )
    try:
        model_path.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"exporting since {time.ctime()} (pid {os.getpid()})\n", encoding="utf-8")
    except OSError as exc:
        raise ModelLoadError(
            f"the model cache {model_path.parent} is not writable ({exc})",
            "make the folder beside the database writable, or set TOXICITY_RUNTIME=torch",
        ) from None
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def cache_name(checkpoint_sha256: str, quantize: str) -> str:
    """The cached file's name: checkpoint hash prefix, weights type and export format."""
    weights = "int8" if quantize == "int8" else "fp32"
    return f"detoxify-{checkpoint_sha256[:16]}-{weights}-v{EXPORT_FORMAT}.onnx"


def open_session(ort: Any, path: Path) -> Any:
    """An InferenceSession on the CPU with one intra-op thread per usable core."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = _usable_cores()
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: ORT's warnings are about unused initialisers
    # Idle pool threads would spin for work after each batch, taking a core from the event
    # loop and the tokenizer: on 2 cores that cost throughput and showed as CPU stall.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _manifest_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def _open_cached(ort: Any, model_path: Path) -> tuple[Any | None, str]:
    """(session, "") for an intact cached file; (None, what was wrong) otherwise."""
    if not model_path.exists():
        return None, ""
    try:
        manifest = json.loads(_manifest_path(model_path).read_text(encoding="utf-8"))
        size = model_path.stat().st_size
        if size != manifest["bytes"] or file_sha256(model_path) != manifest["sha256"]:
            raise ValueError(f"{size} bytes, not the {manifest['bytes']} its manifest records")
        return open_session(ort, model_path), ""
    except Exception as exc:
        problem = f"the cached {model_path.name} was damaged ({type(exc).__name__}: {exc})"
        log.warning("%s; exporting it again", problem)
        model_path.unlink(missing_ok=True)
        _manifest_path(model_path).unlink(missing_ok=True)
        return None, problem[:200]


def _export_to_cache(ort: Any, detox: Any, model_path: Path, quantize: str) -> None:
    """Export, check against torch and quantise in a temporary folder, then rename the file
    and, last, its manifest into the cache."""
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=model_path.parent))
    try:
        exported = scratch / "model.onnx"
        export_fp32(detox, exported)
        check_against_torch(detox, OnnxForward(open_session(ort, exported)))
        if quantize == "int8":
            exported = quantise_int8(exported, scratch / "model-int8.onnx")
        manifest = scratch / "manifest.json"
        manifest.write_text(json.dumps(_describe(exported)), encoding="utf-8")
        os.replace(exported, model_path)
        os.replace(manifest, _manifest_path(model_path))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _describe(exported: Path) -> dict[str, Any]:
    import onnxruntime
    import torch

    return {
        "bytes": exported.stat().st_size,
        "sha256": file_sha256(exported),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "export_format": EXPORT_FORMAT,
    }


def _logits_only(model: Any, input_names: list[str]) -> Any:
    """The transformers model taking tokens positionally and returning only the logits."""
    import torch

    class LogitsOnly(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tokens: Any) -> Any:
            return self.model(**dict(zip(input_names, tokens, strict=True)))[0]

    return LogitsOnly().eval()


def export_fp32(detox: Any, target: Path) -> None:
    """torch.onnx.export of detox.model with dynamic batch and sequence axes (fp32)."""
    import torch

    from bot.screening.detoxify_backend import encode

    example = {
        key: torch.from_numpy(v) for key, v in encode(detox.tokenizer, EXAMPLE_TEXTS).items()
    }
    names = list(example)
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    with warnings.catch_warnings(), torch.inference_mode():
        # The TorchScript exporter is deprecated in favour of torch.export (which needs
        # onnxscript); it still works in torch 2.13, and the result is checked against torch.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _logits_only(detox.model, names),
            tuple(example[name] for name in names),
            str(target),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={**axes, "logits": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def quantise_int8(source: Path, target: Path) -> Path:
    """int8 weights for MatMul/Gemm (activations quantised on the fly); 7-bit range, because
    on CPUs without VNNI the 8-bit products can saturate (ONNX Runtime's advice)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_root_logger():
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, reduce_range=True)
    return target


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """The quantiser logs a line per tensor with logging.info(): keep those out of our log."""

    def from_onnxruntime(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname

    root = logging.getLogger()
    root.addFilter(from_onnxruntime)
    try:
        yield
    finally:
        root.removeFilter(from_onnxruntime)


def check_against_torch(detox: Any, forward: OnnxForward) -> None:
    """The fp32 export must give torch's logits for other shapes than the traced example."""
    import numpy as np

    from bot.screening.detoxify_backend import TorchForward, encode

    batch = encode(detox.tokenizer, CHECK_TEXTS)
    expected = TorchForward(detox.model).logits(batch)
    difference = float(np.abs(forward.logits(batch) - expected).max())
    if not difference <= FP32_TOLERANCE:
        raise ModelLoadError(
            f"the ONNX export disagrees with torch (largest logit difference {difference:.4f})",
            "set TOXICITY_RUNTIME=torch and report the versions of torch and onnxruntime",
        )
