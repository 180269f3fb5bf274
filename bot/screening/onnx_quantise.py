"""int8 recipes for the exported BERT graph: which weights `quantize_dynamic` turns to int8, how.

A recipe names ONNX Runtime's own options (per-channel weight scales, the 7-bit `reduce_range`,
which operator types are quantised) and which parts of the network stay fp32. Parts are named
by `node_part`, from the node names the exporter and the optimiser give: "embeddings",
"layer N attention" (the fused Q/K/V product), "layer N attention-output", "layer N ffn-in",
"layer N ffn-out" and "head" (pooler and classifier). A recipe's `keep_fp32` holds glob
patterns over those names ("head", "layer 0 *", "* attention-output"; "layer last *" is the
last encoder layer). The recipe's tag goes into the cached file's name, so a file quantised by
another recipe is never reused. `python -m bench int8 --recipes` measures them side by side.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

QUANTISABLE = ("MatMul", "Attention", "Gemm", "Gather", "EmbedLayerNormalization")
_LAYER = re.compile(r"layer\.(\d+)/")
_FUSED_ATTENTION = re.compile(r"^Attention_(\d+)$")
_PARTS = (
    ("attention/output/", "attention-output"),
    ("attention/self/", "attention"),
    ("intermediate/", "ffn-in"),
    ("output/dense", "ffn-out"),
)


@dataclass(frozen=True)
class Int8Recipe:
    """One way of quantising the weights (activations are always quantised on the fly)."""

    tag: str  # short, goes into the cached file's name: change it whenever the recipe changes
    per_channel: bool = False
    reduce_range: bool = False
    op_types: tuple[str, ...] = ("MatMul", "Attention")
    keep_fp32: tuple[str, ...] = ()  # globs over node_part names
    summary: str = ""

    def describe(self) -> str:
        """One line for docs and the benchmark: the options, and what stays fp32."""
        scales = "per-channel" if self.per_channel else "per-tensor"
        bits = "7-bit (reduce_range)" if self.reduce_range else "8-bit"
        kept = f", fp32: {', '.join(self.keep_fp32)}" if self.keep_fp32 else ""
        ops = "/".join(self.op_types) or "all quantisable (embeddings too)"
        return f"{scales}, {bits}, ops {ops}{kept}"


# The recipe the bot used until this was measured (ONNX Runtime's defaults plus reduce_range):
# every quantisable operator, the embeddings included, per-tensor scales, 7-bit weights.
LEGACY = Int8Recipe("q1", reduce_range=True, op_types=(), summary="the first recipe")
RECIPES: dict[str, Int8Recipe] = {
    "legacy": LEGACY,
    "tensor8": Int8Recipe("t8", summary="per-tensor, 8-bit, products only"),
    # The bot's: per-channel scales took agreement with fp32 from 95.4 % to 98.7 % on the
    # trained MiniLM, at the same speed; 7-bit weights cost nothing measurable there and keep
    # the u8 x s8 products from saturating on CPUs without VNNI (ONNX Runtime's advice).
    "channel7": Int8Recipe(
        "c7", per_channel=True, reduce_range=True, summary="per-channel, 7-bit, products only"
    ),
    "channel8": Int8Recipe("c8", per_channel=True, summary="per-channel, 8-bit, products only"),
    "channel8-ends": Int8Recipe(
        "c8e", per_channel=True, keep_fp32=("head", "layer 0 *", "layer last *")
    ),
    "channel8-all-ops": Int8Recipe("c8a", per_channel=True, op_types=()),
    "channel8-ffn-out-0": Int8Recipe("c8f0", per_channel=True, keep_fp32=("layer 0 ffn-out",)),
    "channel8-ffn-out-012": Int8Recipe(
        "c8f2", per_channel=True, keep_fp32=("layer [012] ffn-out",)
    ),
    "channel8-no-ffn-out": Int8Recipe("c8o", per_channel=True, keep_fp32=("* ffn-out",)),
}
BOT_RECIPE = RECIPES["channel7"]  # measured: docs/screening.md, "int8 recipes"


def node_part(name: str, op_type: str) -> str:
    """Which part of the network a node belongs to (see the module docstring); "" if none."""
    fused = _FUSED_ATTENTION.match(name)
    if fused and op_type == "Attention":
        return f"layer {fused.group(1)} attention"
    layer = _LAYER.search(name)
    if layer:
        for marker, part in _PARTS:
            if marker in name:
                return f"layer {layer.group(1)} {part}"
        return f"layer {layer.group(1)}"
    if "embeddings" in name or op_type in ("Gather", "EmbedLayerNormalization"):
        return "embeddings"
    if any(word in name for word in ("classifier", "pooler", "head")):
        return "head"
    return ""


def parts_of(model: Any) -> dict[str, str]:
    """Node name -> part, for every node quantize_dynamic could quantise."""
    return {
        node.name: node_part(node.name, node.op_type)
        for node in model.graph.node
        if node.op_type in QUANTISABLE
    }


def _resolve(patterns: tuple[str, ...], parts: dict[str, str]) -> list[str]:
    layers = [int(m.group(1)) for p in parts.values() if (m := re.match(r"layer (\d+)", p))]
    last = str(max(layers)) if layers else "-"
    return [pattern.replace("layer last", f"layer {last}") for pattern in patterns]


def nodes_matching(model: Any, patterns: tuple[str, ...]) -> list[str]:
    """The names of the nodes whose part matches any of the glob patterns."""
    parts = parts_of(model)
    globs = _resolve(patterns, parts)
    return [name for name, part in parts.items() if any(fnmatch.fnmatch(part, g) for g in globs)]


def quantise_int8(
    source: Path,
    target: Path,
    recipe: Int8Recipe = BOT_RECIPE,
    only_parts: tuple[str, ...] = (),
) -> Path:
    """int8 weights by `recipe` (activations quantised on the fly). `only_parts`: quantise just
    the nodes of those parts (the benchmark's per-part sensitivity). Shape inference cannot
    type the outputs of fused operators: those tensors are float32."""
    import onnx
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source), load_external_data=False)
    excluded = nodes_matching(model, recipe.keep_fp32)
    chosen = nodes_matching(model, only_parts) if only_parts else []
    if only_parts and not chosen:
        raise ValueError(f"no node matches {only_parts}")
    with _quiet_root_logger():
        quantize_dynamic(
            source,
            target,
            op_types_to_quantize=list(recipe.op_types) or None,
            per_channel=recipe.per_channel,
            reduce_range=recipe.reduce_range,
            weight_type=QuantType.QInt8,
            nodes_to_quantize=chosen or None,
            nodes_to_exclude=excluded or None,
            extra_options={"DefaultTensorType": TensorProto.FLOAT, "MatMulConstBOnly": True},
        )
    log.info("quantised %s (%s; %d nodes kept fp32)", target.name, recipe.describe(), len(excluded))
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
