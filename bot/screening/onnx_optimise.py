"""ONNX Runtime's transformer optimiser on the exported BERT graph, and the cached file's name.

`optimize_model(model_type="bert")` fuses the embeddings with their LayerNorm
(EmbedLayerNormalization), each layer's self-attention into one Attention operator, the
residual adds with their LayerNorms (SkipLayerNormalization) and the GELU with its bias
(BiasGelu). Fewer, larger kernels cut the per-layer overhead that dominates short texts.
The fusions need the eager attention pattern: `eager_attention` exports it that way.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.screening.onnx_quantise import BOT_RECIPE

log = logging.getLogger(__name__)

# Bump when the optimisation recipe changes: files optimised by an older recipe are not reused.
OPTIMISER_FORMAT = 1
FUSED_OPERATORS = ("Attention", "EmbedLayerNormalization", "SkipLayerNormalization", "BiasGelu")


def optimised_name(
    checkpoint_sha256: str, quantize: str, onnxruntime_version: str, optimise: bool = True
) -> str:
    """The scored file's name: checkpoint hash, weights type (int8: with the quantisation
    recipe's tag), optimiser recipe (or "plain") and the onnxruntime version that made it
    (its fused operators are that version's)."""
    weights = f"int8-{BOT_RECIPE.tag}" if quantize == "int8" else "fp32"
    recipe = f"bert{OPTIMISER_FORMAT}" if optimise else "plain"
    return f"detoxify-{checkpoint_sha256[:16]}-{weights}-{recipe}-ort{onnxruntime_version}.onnx"


@contextlib.contextmanager
def eager_attention(model: Any) -> Iterator[None]:
    """Trace the model with eager attention (the optimiser does not recognise SDPA's graph);
    the numbers are the same, and the model's own setting is restored afterwards."""
    config = getattr(model, "config", None)
    before = getattr(config, "_attn_implementation", None)
    if config is not None and before is not None:
        config._attn_implementation = "eager"
    try:
        yield
    finally:
        if config is not None and before is not None:
            config._attn_implementation = before


def optimise_bert(source: Path, target: Path, model_config: Any) -> dict[str, int]:
    """Write the fused graph of `source` to `target`; returns how many of each fused operator."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimised = optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(model_config.num_attention_heads),
        hidden_size=int(model_config.hidden_size),
        use_gpu=False,
    )
    optimised.save_model_to_file(str(target))
    statistics = optimised.get_fused_operator_statistics()
    fused = {name: int(statistics.get(name, 0)) for name in FUSED_OPERATORS}
    log.info("optimised %s: %s", target.name, fused)
    return fused


def describe_fusions(fused: dict[str, int]) -> str:
    """ "fused 12 Attention, 1 EmbedLayerNormalization, ..." for the status line."""
    done = [f"{count} {name}" for name, count in fused.items() if count]
    return "fused " + ", ".join(done) if done else "no operator fused"
