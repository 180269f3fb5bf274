"""Build Detoxify-format checkpoints with random weights, locally, with no download.

Tests use a tiny BERT (2 layers, hidden 32, a few dozen words) that loads through the real
`detoxify.Detoxify` class in well under a second. Benchmarks use the real size of the
`original` model (BERT-base): compute does not depend on the weight values, so the timings
are those of the real model. Both come with an offline config folder (config.json and
tokenizer files with model_max_length=512), as TOXICITY_HF_DIR expects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORIGINAL_CLASSES = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PUNCTUATION = tuple(".,!?;:'\"()-*#@/&")
DEFAULT_WORDS = [
    "the",
    "a",
    "an",
    "and",
    "of",
    "to",
    "is",
    "was",
    "it",
    "this",
    "that",
    "i",
    "you",
    "he",
    "she",
    "we",
    "they",
    "are",
    "were",
    "be",
    "not",
    "no",
    "film",
    "movie",
    "scene",
    "ending",
    "book",
    "novel",
    "good",
    "bad",
    "great",
    "boring",
    "love",
    "hate",
    "liked",
    "watch",
    "watched",
    "kathy",
    "tommy",
    "ruth",
    "miss",
    "emily",
    "lucy",
    "hailsham",
    "donor",
    "carer",
    "idiot",
    "stupid",
    "moron",
    "trash",
    "junkies",
    "prostitutes",
    "drunks",
    "modeled",
    "on",
    "hurt",
    "kill",
]
MAX_TOKENS = 512


@dataclass(frozen=True)
class ModelSize:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int | None = None  # None: exactly the words given


TINY = ModelSize(hidden=32, layers=2, heads=2, intermediate=64)
BERT_BASE = ModelSize(hidden=768, layers=12, heads=12, intermediate=3072, vocab_size=30522)


@dataclass(frozen=True)
class BuiltCheckpoint:
    """Where the files are: pass them as TOXICITY_CHECKPOINT and TOXICITY_HF_DIR."""

    checkpoint: Path
    hf_dir: Path
    labels: tuple[str, ...]
    vocab_size: int


def build_tiny_checkpoint(folder: Path, **options: object) -> BuiltCheckpoint:
    """A 2-layer, hidden-32 BERT in Detoxify's `original` format (see build_checkpoint)."""
    return build_checkpoint(folder, size=TINY, **options)  # type: ignore[arg-type]  # options are build_checkpoint's keyword arguments, passed through


def build_original_size_checkpoint(folder: Path, words: Iterable[str] = ()) -> BuiltCheckpoint:
    """BERT-base with random weights: the `original` model's size, for benchmarks."""
    return build_checkpoint(folder, size=BERT_BASE, words=tuple(words) or DEFAULT_WORDS)


def build_checkpoint(
    folder: Path,
    *,
    size: ModelSize = TINY,
    words: Iterable[str] = DEFAULT_WORDS,
    seed: int = 0,
    bias: float | Mapping[str, float] | None = None,
    name: str = "toxic_random",
) -> BuiltCheckpoint:
    """Write `<name>-<sha8>.ckpt` and an `hf/` config folder into `folder`.

    With `bias`, the classifier ignores the text and every score is sigmoid(bias) (a float
    for all labels, or per Detoxify label name): handy to force an outcome in tests.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    folder.mkdir(parents=True, exist_ok=True)
    hf_dir = folder / "hf"
    vocab = _write_tokenizer(hf_dir, words, size.vocab_size)
    shape: dict[str, Any] = {
        "vocab_size": len(vocab),
        "hidden_size": size.hidden,
        "num_hidden_layers": size.layers,
        "num_attention_heads": size.heads,
        "intermediate_size": size.intermediate,
        "max_position_embeddings": MAX_TOKENS,
        "num_labels": len(ORIGINAL_CLASSES),
    }
    config = BertConfig(**shape)
    config.save_pretrained(hf_dir)
    torch.manual_seed(seed)
    model: torch.nn.Module = BertForSequenceClassification(config)
    model.eval()
    if bias is not None:
        _fix_outputs(model, bias)
    checkpoint = _save_with_hash(folder, name, _detoxify_layout(model.state_dict()))
    return BuiltCheckpoint(checkpoint, hf_dir, _detoxify_labels(), len(vocab))


def _write_tokenizer(hf_dir: Path, words: Iterable[str], vocab_size: int | None) -> list[str]:
    from transformers import BertTokenizer

    hf_dir.mkdir(parents=True, exist_ok=True)
    vocab = list(dict.fromkeys([*SPECIAL_TOKENS, *PUNCTUATION, *(w.lower() for w in words)]))
    if vocab_size is not None:
        vocab = vocab[:vocab_size]
        vocab += [f"[unused{i}]" for i in range(vocab_size - len(vocab))]
    vocab_file = hf_dir / "vocab.txt"
    vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(str(vocab_file), do_lower_case=True, model_max_length=MAX_TOKENS)
    tokenizer.save_pretrained(str(hf_dir))
    return vocab


def _fix_outputs(model: object, bias: float | Mapping[str, float]) -> None:
    import torch

    classifier = model.classifier  # type: ignore[attr-defined]  # a transformers model, untyped here
    labels = _detoxify_labels()
    values = [bias.get(label, -8.0) for label in labels] if isinstance(bias, Mapping) else None
    with torch.no_grad():
        classifier.weight.zero_()
        if values is None:
            classifier.bias.fill_(float(bias))  # type: ignore[arg-type]  # bias is a float on this branch
        else:
            classifier.bias.copy_(torch.tensor(values))


def _detoxify_labels() -> tuple[str, ...]:
    renamed = {"toxic": "toxicity", "severe_toxic": "severe_toxicity"}
    renamed["identity_hate"] = "identity_attack"
    return tuple(renamed.get(label, label) for label in ORIGINAL_CLASSES)


def _detoxify_layout(state_dict: dict[str, Any]) -> dict[str, Any]:
    return {
        "config": {
            "arch": {
                "args": {
                    "model_type": "bert-base-uncased",
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": len(ORIGINAL_CLASSES),
                }
            },
            "dataset": {"args": {"classes": list(ORIGINAL_CLASSES)}},
        },
        "state_dict": state_dict,
    }


def _save_with_hash(folder: Path, name: str, payload: dict[str, Any]) -> Path:
    import torch

    partial = folder / f"{name}.partial"
    torch.save(payload, partial)
    digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    final = folder / f"{name}-{digest[:8]}.ckpt"
    partial.replace(final)
    return final
