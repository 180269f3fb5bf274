"""The Detoxify model in ONNX Runtime: exported once, cached on disk, scored by a session.

The model loaded by the real `detoxify.Detoxify` class is exported with dynamic batch and
sequence axes (eager attention, so the graph has the pattern the optimiser fuses). ONNX
Runtime's transformer optimiser (`onnxruntime.transformers.optimizer`, model type "bert")
then fuses each layer's attention, LayerNorm and GELU into single operators; with
TOXICITY_QUANTIZE=int8 the optimised graph's weights are quantised to int8 by
`onnxruntime.quantization.quantize_dynamic`, with the recipe in onnx_quantise.py.

Two files are cached: the plain export (named by the checkpoint's sha256 prefix), and beside
it the optimised (and quantised) model that is scored, whose name also carries the
onnxruntime version and the optimiser's recipe: after an upgrade the optimised file is made
again from the cached export, and a stale one is never opened. Files are written to a
temporary folder and renamed into place, with a manifest (size and sha256, and for the
optimised file the sha256 of the export it came from) written last: a partial, truncated,
damaged or stale file fails the check and is rebuilt. The optimiser is in onnx_optimise.py.

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
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.screening.backend import ModelLoadError
from bot.screening.detoxify_files import file_sha256
from bot.screening.onnx_optimise import (
    describe_fusions,
    eager_attention,
    optimise_bert,
    optimised_name,
)
from bot.screening.onnx_quantise import quantise_int8

log = logging.getLogger(__name__)

EXPORT_FORMAT = 2  # bump when the export recipe changes: older cached files are not reused
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
    detox: Any,
    checkpoint: Path,
    *,
    quantize: str = "none",
    cache_dir: Path | None = None,
    optimise: bool = True,
) -> tuple[OnnxForward, str]:
    """The ONNX forward pass for a loaded Detoxify model, and how it was obtained.

    Reuses the cached optimised model for this checkpoint, quantisation and onnxruntime
    when it is intact; otherwise makes it now (from the cached export if that is intact,
    else exporting first: seconds for BERT-base, done once). With `optimise` False the
    graph optimiser is skipped (the plain export, or its int8 copy, is scored).
    """
    ort, _ = import_onnx()
    folder = cache_dir or DEFAULT_CACHE
    checkpoint_sha = file_sha256(checkpoint)
    export_path = folder / export_name(checkpoint_sha)
    model_path = export_path
    if optimise or quantize == "int8":
        name = optimised_name(checkpoint_sha, quantize, ort.__version__, optimise)
        model_path = folder / name
    source = None if model_path == export_path else _sha_of(export_path)
    problem = _check_cached(model_path, source)
    if not problem and model_path.exists():
        return OnnxForward(open_session(ort, model_path)), f"cached {model_path} reused"
    started = time.monotonic()
    with _export_guard(model_path):
        try:
            how = _build_cached(ort, detox, export_path, model_path, quantize, optimise)
            forward = OnnxForward(open_session(ort, model_path))
        except ModelLoadError:
            raise
        except Exception as exc:
            raise ModelLoadError(
                f"exporting the model to ONNX failed ({type(exc).__name__}: {str(exc)[:300]})",
                f"check that {folder} is writable and has about 1 GB free, or set "
                "TOXICITY_RUNTIME=torch",
            ) from None
    took = time.monotonic() - started
    log.info("made %s in %.1f s (%s)%s", model_path, took, how, f" ({problem})" if problem else "")
    rebuilt = f" ({problem}, rebuilt)" if problem else ""
    return forward, f"exported to {model_path} in {took:.1f} s, {how}{rebuilt}"


def _build_cached(
    ort: Any, detox: Any, export_path: Path, model_path: Path, quantize: str, optimise: bool
) -> str:
    """The export (if its cached copy is not intact), then the optimised model; says how."""
    _check_cached(export_path)
    if not export_path.exists():
        _store(export_path, lambda scratch: _export_checked(ort, detox, scratch), source=None)
    how: list[str] = [] if optimise else ["graph optimiser off"]
    if model_path == export_path:
        return how[0]

    def optimised(scratch: Path) -> Path:
        if not optimise:
            result = scratch / "model-plain.onnx"
            shutil.copyfile(export_path, result)
        else:
            result = _optimise_checked(ort, detox, export_path, scratch, how)
        if quantize == "int8":
            result = quantise_int8(result, scratch / "model-int8.onnx")
        return result

    _store(model_path, optimised, source=_sha_of(export_path))
    return how[0]


def _export_checked(ort: Any, detox: Any, scratch: Path) -> Path:
    exported = scratch / "model.onnx"
    with eager_attention(detox.model):
        export_fp32(detox, exported)
    check_against_torch(detox, OnnxForward(open_session(ort, exported)))
    return exported


def _optimise_checked(
    ort: Any, detox: Any, export_path: Path, scratch: Path, how: list[str]
) -> Path:
    """The fused graph, checked against torch; the plain export if the optimiser fails."""
    target = scratch / "model-optimised.onnx"
    try:
        fused = optimise_bert(export_path, target, detox.model.config)
        check_against_torch(detox, OnnxForward(open_session(ort, target)))
    except Exception as exc:
        log.warning("the graph optimiser was not used: %s", exc)
        how.append(f"graph optimiser not used ({type(exc).__name__}: {str(exc)[:120]})")
        shutil.copyfile(export_path, target)
        return target
    how.append(f"graph optimised ({describe_fusions(fused)})")
    return target


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


def export_name(checkpoint_sha256: str) -> str:
    """The cached plain export's name: checkpoint hash prefix and export format (fp32)."""
    return f"detoxify-{checkpoint_sha256[:16]}-fp32-v{EXPORT_FORMAT}.onnx"


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


class _Stale(Exception):
    """A cached file is whole but was made from something else than what is cached now."""


def _sha_of(path: Path) -> str | None:
    """The sha256 a cached file's manifest records (None: no readable manifest)."""
    try:
        recorded = json.loads(_manifest_path(path).read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(recorded)


def _check_cached(path: Path, source: str | None = None) -> str:
    """ "" for an intact cached file (or none at all); otherwise what was wrong, and the file
    is removed. `source`: the sha256 of the file it was made from, which must match (None:
    that file is not cached any more, so there is nothing to compare)."""
    if not path.exists():
        return ""
    try:
        manifest = json.loads(_manifest_path(path).read_text(encoding="utf-8"))
        size = path.stat().st_size
        if size != manifest["bytes"] or file_sha256(path) != manifest["sha256"]:
            raise ValueError(f"{size} bytes, not the {manifest['bytes']} its manifest records")
        if source is not None and manifest.get("source") != source:
            raise _Stale("it was made from another export")
        return ""
    except Exception as exc:
        state = "is stale" if isinstance(exc, _Stale) else "was damaged"
        problem = f"the cached {path.name} {state} ({type(exc).__name__}: {exc})"
        log.warning("%s; making it again", problem)
        path.unlink(missing_ok=True)
        _manifest_path(path).unlink(missing_ok=True)
        return problem[:200]


def _store(path: Path, make: Callable[[Path], Path], *, source: str | None) -> None:
    """Make a file in a temporary folder, then rename it and, last, its manifest into the
    cache. `source`: the sha256 of the cached file it is made from, recorded for the check."""
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=path.parent))
    try:
        made = make(scratch)
        manifest = scratch / "manifest.json"
        manifest.write_text(json.dumps({**_describe(made), "source": source}), encoding="utf-8")
        os.replace(made, path)
        os.replace(manifest, _manifest_path(path))
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
