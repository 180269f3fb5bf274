"""The ceiling on this machine: how many messages a second BERT-base can score at most.

A transformer's forward pass is mostly matrix products. Counting the multiply-adds a message
needs (from its own token count, no padding) and measuring how fast this machine multiplies
fp32 matrices of BERT's shapes gives an upper bound on throughput that no batching,
bucketing or graph fusion can pass. Printed next to the targets, it says which are within
reach on this hardware.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.screening.tiny_model import BERT_BASE, ModelSize

ROWS = 512  # tokens in one product: a batch of 8 chat messages of 64 tokens
ROUNDS = 5


@dataclass(frozen=True)
class Ceiling:
    rates: dict[str, float]  # measured fp32 matrix product rate per runtime, GFLOP/s
    tokens: float  # mean tokens a message, [CLS] and [SEP] included
    gflop_per_message: float

    @property
    def gflops(self) -> float:
        return max(self.rates.values())

    @property
    def messages_per_second(self) -> float:
        return self.gflops / self.gflop_per_message


def forward_flops(tokens: int, size: ModelSize = BERT_BASE) -> float:
    """FLOPs of one unpadded forward pass: per layer, the four attention projections
    (4 d^2 per token), the feed-forward pair (2 d f per token) and the attention itself
    (scores and weighted sum: 2 n^2 d); a multiply-add is 2 FLOPs."""
    d, f, n = size.hidden, size.intermediate, tokens
    per_layer = n * (4 * d * d + 2 * d * f) + 2 * n * n * d
    return 2.0 * per_layer * size.layers


def _best_rate(multiply: Callable[[], object]) -> float:
    """GFLOP/s of the fastest of a few rounds of ten products."""
    flops = 2.0 * ROWS * BERT_BASE.hidden * BERT_BASE.intermediate
    multiply()  # warm-up
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(10):
            multiply()
        best = max(best, 10 * flops / (time.perf_counter() - started) / 1e9)
    return best


def matmul_gflops(threads: int) -> dict[str, float]:
    """fp32 product rates shaped like BERT-base's feed-forward layer, in torch and in ONNX
    Runtime (the two runtimes the bot scores with)."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from onnx import TensorProto, helper, numpy_helper

    torch.set_num_threads(threads)
    left = torch.randn(ROWS, BERT_BASE.hidden)
    right = torch.randn(BERT_BASE.hidden, BERT_BASE.intermediate)
    rates = {"torch": _best_rate(lambda: torch.matmul(left, right))}
    shape_in, shape_out = [ROWS, BERT_BASE.hidden], [ROWS, BERT_BASE.intermediate]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "feed_forward",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape_in)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape_out)],
        [numpy_helper.from_array(right.numpy(), "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    feed = {"x": np.ascontiguousarray(left.numpy())}
    rates["onnxruntime"] = _best_rate(lambda: session.run(None, feed))
    return rates


def measure(tokenizer: Any, messages: Sequence[str], threads: int) -> Ceiling:
    counts = [len(ids) for ids in tokenizer(list(messages), truncation=True)["input_ids"]]
    per_message = statistics.fmean(forward_flops(n) for n in counts) / 1e9
    return Ceiling(matmul_gflops(threads), statistics.fmean(counts), per_message)


def report(ceiling: Ceiling, naive: float, best: float) -> list[str]:
    """Lines comparing the ceiling with the naive baseline and the best pipeline measured."""
    top = ceiling.messages_per_second
    return [
        f"  fp32 matrix products, best of {ROUNDS} rounds of {ROWS}x{BERT_BASE.hidden} @ "
        f"{BERT_BASE.hidden}x{BERT_BASE.intermediate}: "
        + ", ".join(f"{name} {rate:.0f} GFLOP/s" for name, rate in ceiling.rates.items()),
        f"  BERT-base needs {ceiling.gflop_per_message:.1f} GFLOP a message "
        f"(mean {ceiling.tokens:.0f} tokens, unpadded)",
        f"  ceiling {top:.1f} msg/s = {top / naive:.1f}x naive; the best fp32 pipeline reached "
        f"{best:.1f} msg/s ({best / top:.0%} of it); 3x naive would need {3 * naive:.1f} msg/s",
    ]
