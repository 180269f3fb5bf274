"""The int8 recipes: which nodes they quantise, and the cache key that carries the recipe."""

from __future__ import annotations

from pathlib import Path

import pytest
from screening_support import tiny_checkpoint
from test_screening_onnx import TEXTS, assert_close, cached_model, load_tiny

from bot.screening.detoxify_files import file_sha256
from bot.screening.onnx_optimise import optimised_name
from bot.screening.onnx_quantise import (
    BOT_RECIPE,
    RECIPES,
    Int8Recipe,
    node_part,
    nodes_matching,
    parts_of,
    quantise_int8,
)

QUANTISED_OPS = {"MatMulInteger", "DynamicQuantizeMatMul", "QAttention"}


def optimised_graph(tmp_path: Path) -> Path:
    """The tiny Detoxify model (2 layers) exported and fused as the bot scores it in fp32."""
    load_tiny(tmp_path, runtime="onnx")
    return cached_model(tmp_path)


def test_the_int8_file_name_carries_the_recipe_and_every_recipe_has_its_own_tag() -> None:
    name = optimised_name("ab" * 32, "int8", "1.2.3")
    assert name == f"detoxify-{'ab' * 8}-int8-{BOT_RECIPE.tag}-bert1-ort1.2.3.onnx"
    assert (
        optimised_name("ab" * 32, "none", "1.2.3")
        == f"detoxify-{'ab' * 8}-fp32-bert1-ort1.2.3.onnx"
    )
    tags = [recipe.tag for recipe in RECIPES.values()]
    assert len(set(tags)) == len(tags)


def test_an_int8_file_of_another_recipe_is_never_opened(tmp_path: Path) -> None:
    import onnxruntime

    sha = file_sha256(tiny_checkpoint().checkpoint)
    version = onnxruntime.__version__
    older = [
        tmp_path / f"detoxify-{sha[:16]}-int8-bert1-ort{version}.onnx",  # before recipes had tags
        tmp_path / f"detoxify-{sha[:16]}-int8-zz-bert1-ort{version}.onnx",  # another recipe
    ]
    for path in older:
        path.write_bytes(b"not a model")  # opening it would fail
        path.with_suffix(".json").write_text("{}")
    backend = load_tiny(tmp_path, runtime="onnx", quantize="int8")
    assert backend.runtime.startswith("runtime onnx int8: exported to ")
    assert f"-int8-{BOT_RECIPE.tag}-" in backend.runtime
    assert all(path.read_bytes() == b"not a model" for path in older)
    assert load_tiny(tmp_path, runtime="onnx", quantize="int8").runtime.startswith(
        "runtime onnx int8: cached "
    )


def test_every_product_of_the_fused_graph_belongs_to_a_named_part(tmp_path: Path) -> None:
    import onnx

    parts = parts_of(onnx.load(str(optimised_graph(tmp_path))))
    products = {part for part in parts.values() if part.startswith("layer")}
    for layer in (0, 1):
        for part in ("attention", "attention-output", "ffn-in", "ffn-out"):
            assert f"layer {layer} {part}" in products
    assert "embeddings" in parts.values()
    assert "" not in {p for name, p in parts.items() if "MatMul" in name}


@pytest.mark.parametrize(
    ("name", "op_type", "part"),
    [
        (
            "/model/bert/encoder/layer.11/attention/self/query/MatMul",
            "MatMul",
            "layer 11 attention",
        ),
        ("Attention_3", "Attention", "layer 3 attention"),
        (
            "/model/bert/encoder/layer.2/attention/output/dense/MatMul",
            "MatMul",
            "layer 2 attention-output",
        ),
        ("/model/bert/encoder/layer.0/intermediate/dense/MatMul", "MatMul", "layer 0 ffn-in"),
        ("/model/bert/encoder/layer.7/output/dense/MatMul", "MatMul", "layer 7 ffn-out"),
        ("/model/classifier/Gemm", "Gemm", "head"),
        ("/model/bert/pooler/dense/Gemm", "Gemm", "head"),
        ("EmbedLayerNormalization_0", "EmbedLayerNormalization", "embeddings"),
        ("/Div", "Div", ""),
    ],
)
def test_node_names_map_to_parts(name: str, op_type: str, part: str) -> None:
    assert node_part(name, op_type) == part


def test_parts_kept_fp32_are_left_alone_and_the_rest_is_quantised(tmp_path: Path) -> None:
    import onnx

    source = optimised_graph(tmp_path)
    fp32_model = onnx.load(str(source))
    kept = set(nodes_matching(fp32_model, ("layer last *",)))
    assert kept and all("layer.1/" in name or name == "Attention_1" for name in kept)
    recipe = Int8Recipe("test", per_channel=True, keep_fp32=("layer last *",))
    target = quantise_int8(source, tmp_path / "kept.onnx", recipe)
    nodes = {node.name: node.op_type for node in onnx.load(str(target)).graph.node}
    assert all(nodes[name] in {"MatMul", "Attention"} for name in kept)  # still fp32
    assert any(op in QUANTISED_OPS for op in nodes.values())
    assert not any(
        op in QUANTISED_OPS and ("layer.1/" in name or "Attention_1" in name)
        for name, op in nodes.items()
    )
    assert "EmbedLayerNormalization" in nodes.values()  # embeddings are not quantised


def test_the_bots_int8_recipe_scores_close_to_fp32(tmp_path: Path) -> None:
    fp32 = load_tiny(tmp_path, runtime="onnx").score(TEXTS)
    int8 = load_tiny(tmp_path, runtime="onnx", quantize="int8")
    assert f"-int8-{BOT_RECIPE.tag}-" in int8.runtime
    assert_close(int8.score(TEXTS), fp32, 0.05)


def test_the_bots_recipe_is_per_channel_7_bit_and_leaves_the_embeddings_fp32(
    tmp_path: Path,
) -> None:
    import onnx

    assert BOT_RECIPE is RECIPES["channel7"]
    assert (BOT_RECIPE.per_channel, BOT_RECIPE.reduce_range) == (True, True)
    load_tiny(tmp_path, runtime="onnx", quantize="int8")
    [scored] = tmp_path.glob(f"*-int8-{BOT_RECIPE.tag}-bert1-*.onnx")
    graph = onnx.load(str(scored)).graph
    operators = {node.op_type for node in graph.node}
    assert "EmbedLayerNormalization" in operators and "QEmbedLayerNormalization" not in operators
    assert operators & QUANTISED_OPS
    # per-channel: the weight scales of a quantised product are vectors, one per column
    scales = [t for t in graph.initializer if t.name.endswith("_scale") and len(t.dims) == 1]
    assert any(t.dims[0] > 1 for t in scales)
