"""`python -m bench markdown [--chars N] [--repeat R]`

Speed of the markdown model that every tagger and excerpt goes through, on generated Discord
text (emphasis, code spans and fences, escapes, bare URLs, spoilers), next to a naive baseline
run on the same text in the same run: pair `||` with a regex and wrap ranges in bars, which
is what the outline did before the model (fast, and wrong around code, escapes and URLs).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable

from bench._machine import describe
from bot.replies.text import excerpt
from bot.spoilers.format import Document, split_message

PIECES = [
    "Tommy *screams* in the field. ",
    "**Ruth** completes ||after her second donation||. ",
    "`code || here` ",
    "see https://example.com/r?a=1 ",
    "_Kathy_ drives on. ",
    "\\*escaped\\* ",
    "```py\nprint('x || y')\n```\n",
    "~~struck~~ words __under__ ",
    "a lone * and a lone ` here. ",
]
_NAIVE_SPOILER = re.compile(r"\|\|(.+?)\|\|", re.DOTALL)


def corpus(chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    text = ""
    while len(text) < chars:
        text += rng.choice(PIECES)
    return text[:chars]


def best_of(repeat: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_tag(text: str, ranges: list[tuple[int, int]]) -> str:
    _NAIVE_SPOILER.findall(text)
    for start, end in sorted(ranges, reverse=True):
        text = f"{text[:start]}||{text[start:end]}||{text[end:]}"
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench markdown")
    parser.add_argument("--chars", type=int, default=4000, help="characters in one message")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    message, long = corpus(args.chars), corpus(88_000)
    ranges = [(100, 300), (1000, 1400), (args.chars - 900, args.chars - 800)]
    doc = Document.parse(message)
    print(describe())
    print(f"inputs: one message of {len(message):,} characters, one text of {len(long):,}")
    rows = [
        ("parse + render", lambda: Document.parse(message).render(), None),
        (
            "tag 3 ranges (with read-back)",
            lambda: doc.hide(ranges).render(),
            lambda: naive_tag(message, ranges),
        ),
        ("excerpt of 160", lambda: excerpt(message, 160), lambda: message[:159] + "…"),
    ]
    for name, job, baseline in rows:
        ours = best_of(args.repeat, job)
        line = f"{name:32} {ours * 1000:8.2f} ms"
        if baseline is not None:
            naive = best_of(args.repeat, baseline)
            line += f"   naive {naive * 1000:7.3f} ms   ratio {ours / naive:7.1f}x"
        print(line)
    split = best_of(3, lambda: split_message(long))
    print(
        f"{'split 88,000 into messages':32} {split * 1000:8.2f} ms   "
        f"({len(split_message(long))} parts)"
    )
    return 0
