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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.screening.tiny_model import BERT_BASE, ModelSize

ROWS = 512  # tokens in one product: a batch of 8 chat messages of 64 tokens
ROUNDS = 5


@dataclass(frozen=True)
class Ceiling:
    gflops: float  # measured fp32 matrix product rate, GFLOP/s
    tokens: float  # mean tokens a message, [CLS] and [SEP] included
    gflop_per_message: float

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


def matmul_gflops(threads: int) -> float:
    """The best of a few timed fp32 products shaped like BERT-base's feed-forward layer."""
    import torch

    torch.set_num_threads(threads)
    left = torch.randn(ROWS, BERT_BASE.hidden)
    right = torch.randn(BERT_BASE.hidden, BERT_BASE.intermediate)
    flops = 2.0 * ROWS * BERT_BASE.hidden * BERT_BASE.intermediate
    torch.matmul(left, right)  # warm-up
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(10):
            torch.matmul(left, right)
        best = max(best, 10 * flops / (time.perf_counter() - started) / 1e9)
    return best


def measure(tokenizer: Any, messages: Sequence[str], threads: int) -> Ceiling:
    counts = [len(ids) for ids in tokenizer(list(messages), truncation=True)["input_ids"]]
    per_message = statistics.fmean(forward_flops(n) for n in counts) / 1e9
    return Ceiling(matmul_gflops(threads), statistics.fmean(counts), per_message)


def report(ceiling: Ceiling, naive: float, best: float) -> list[str]:
    """Lines comparing the ceiling with the naive baseline and the best pipeline measured."""
    top = ceiling.messages_per_second
    return [
        f"  fp32 matrix products {ceiling.gflops:.0f} GFLOP/s (best of {ROUNDS}, "
        f"{ROWS}x{BERT_BASE.hidden} @ {BERT_BASE.hidden}x{BERT_BASE.intermediate})",
        f"  BERT-base needs {ceiling.gflop_per_message:.1f} GFLOP a message "
        f"(mean {ceiling.tokens:.0f} tokens, unpadded)",
        f"  ceiling {top:.1f} msg/s = {top / naive:.1f}x naive; the best fp32 pipeline reached "
        f"{best:.1f} msg/s ({best / top:.0%} of it); 3x naive would need {3 * naive:.1f} msg/s",
    ]
