"""`python -m bench encoder_runtime`: the bundled MiniLM encoder, torch against ONNX Runtime.

The second look and the spoiler guard embed with torch (bot/text_encoder.py, one intra-op
thread). This exports the same model with mean pooling to ONNX (opset 17, dynamic axes, in a
temporary folder), runs ONNX Runtime's transformer optimiser on it (`model_type="bert"`), and
embeds the same chat messages in batches of 32 with each (inside a batch, similar lengths
together, as the bot's encoder does), one thread each, printing CPU time
per message (`time.process_time()`, best of three) and the largest difference between the
embeddings. Nothing is kept or changed in the bot.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench import _corpus
from bench._machine import describe
from bot.text_encoder import DIMENSIONS, GROUP, MAX_TOKENS

BATCH = 32
ROUNDS = 3


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench encoder_runtime")
    parser.add_argument("--count", type=int, default=512, help="messages to embed")
    parser.add_argument("--shared", help="folder holding data/ (default: ../shared)")
    args = parser.parse_args(argv)
    from bot.text_encoder import load_encoder

    encoder = load_encoder()
    if encoder is None:
        print("the encoder cannot be loaded")
        return 1
    print(describe())
    texts = _corpus.chat_messages(_corpus.find_shared(args.shared))[: args.count]
    reference = _embed_all(encoder.encode, texts)
    print(f"{len(texts)} chat messages, batches of {BATCH}, CPU ms a message (best of {ROUNDS}):")
    print(f"  torch, one thread          {_cpu_ms(encoder.encode, texts):6.2f}")
    with tempfile.TemporaryDirectory() as folder:
        plain = _export(encoder, Path(folder) / "minilm.onnx")
        optimised = _optimise(plain, Path(folder) / "minilm-opt.onnx")
        for name, path in (("ONNX Runtime", plain), ("ONNX Runtime, optimised", optimised)):
            embed = _session_embedder(path, encoder._tokenizer)
            gap = float(np.abs(_embed_all(embed, texts) - reference).max())
            print(f"  {name:<26} {_cpu_ms(embed, texts):6.2f}  (largest difference {gap:.1e})")
    return 0


def _embed_all(embed: Callable[[list[str]], np.ndarray], texts: list[str]) -> np.ndarray:
    return np.concatenate([embed(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])


def _cpu_ms(embed: Callable[[list[str]], np.ndarray], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        _embed_all(embed, texts)
        best = min(best, time.process_time() - started)
    return 1000 * best / len(texts)


def _export(encoder: Any, path: Path) -> Path:
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    texts = ["a short one", "and a longer second text"]
    sample = encoder._tokenizer(texts, padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Pooled(encoder._model).eval(),
        (sample["input_ids"], sample["attention_mask"]),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    return path


def _optimise(source: Path, target: Path) -> Path:
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(str(source), model_type="bert", num_heads=12, hidden_size=384)
    print(f"  optimiser fusions: {model.get_fused_operator_statistics()}")
    model.save_model_to_file(str(target))
    return target


def _session_embedder(path: Path, tokenizer: Any) -> Callable[[list[str]], np.ndarray]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> np.ndarray:
        """As SentenceEncoder.encode: similar lengths together, GROUP at a time."""
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), GROUP):
            part = order[start : start + GROUP]
            batch = tokenizer(
                [texts[i] for i in part],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="np",
            )
            feeds = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
            rows[part] = session.run(None, feeds)[0]
        return rows

    return embed
