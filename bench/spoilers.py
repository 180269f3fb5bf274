"""`python -m bench spoilers [--file FILE.tsv] [--sensitivity low|medium|high|all] [--film TITLE]`

Spoiler detection against labelled sentences (tab-separated, header `expect<TAB>text`, expect is
`spoiler` or `nospoiler`). Prints precision, recall and the counts behind them for each
sensitivity, next to two naive baselines run on the same sentences: "flag every sentence that
names a character" and "flag every sentence that shares a word with the spoiler sections".
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench._machine import describe
from bot.films.curated import load_curated
from bot.films.model import FilmDetails
from bot.spoilers._words import GENERIC_STEMS, STOP_WORDS, stem, words
from bot.spoilers.detect import Sensitivity, SpoilerDetector, plot_points

DEFAULT_FILE = Path(__file__).parent / "data" / "spoilers_nlmg.tsv"
LABELS = ("spoiler", "nospoiler")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, flagged: bool) -> None:
        if expected and flagged:
            self.tp += 1
        elif flagged:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<28} precision {self.precision:6.1%}  recall {self.recall:6.1%}  "
            f"F1 {self.f1:5.2f}  TP {self.tp:3d}  FP {self.fp:3d}  FN {self.fn:3d}  TN {self.tn:3d}"
        )


def read_labelled(path: Path) -> list[tuple[bool, str]]:
    """(is a spoiler, sentence) rows; ValueError naming the line of any bad row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["expect", "text"]:
            raise ValueError(f"{path}: the first line must be the header expect<TAB>text")
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2 or row[0].strip().lower() not in LABELS:
                raise ValueError(f"{path}:{number}: expected spoiler|nospoiler<TAB>text")
            rows.append((row[0].strip().lower() == "spoiler", row[1]))
    return rows


def pick_film(title: str | None) -> FilmDetails:
    films = load_curated()
    if title is None:
        return films[0]
    for details in films:
        if title.lower() in details.film.title.lower():
            return details
    raise SystemExit(f"no curated film matches {title!r}")


def baselines(details: FilmDetails, rows: list[tuple[bool, str]]) -> dict[str, Counts]:
    points = plot_points(details)
    spoiler_stems = set(points.key_terms) | set(points.weak_terms)
    from_sections = {
        stem(w)
        for section in details.summary
        if section.level > 0
        for w, _, _ in words(section.text)
        if w not in STOP_WORDS and stem(w) not in GENERIC_STEMS
    }
    names = {w for name in points.names for w in name if len(w) > 2}
    result = {"baseline: names a character": Counts(), "baseline: any spoiler word": Counts()}
    for expected, text in rows:
        tokens = [w for w, _, _ in words(text)]
        result["baseline: names a character"].add(expected, bool(names & set(tokens)))
        hit = any(stem(w) in (from_sections | spoiler_stems) for w in tokens)
        result["baseline: any spoiler word"].add(expected, hit)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench spoilers", description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--sensitivity", choices=[*[s.value for s in Sensitivity], "all"])
    parser.add_argument("--film", help="curated film title (default: the first one)")
    parser.add_argument("--show", action="store_true", help="list every wrong answer")
    args = parser.parse_args(argv)
    print(describe())
    try:
        rows = read_labelled(args.file)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    details = pick_film(args.film)
    spoilers = sum(expected for expected, _ in rows)
    print(f"file: {args.file} ({len(rows)} sentences: {spoilers} spoiler, "
          f"{len(rows) - spoilers} nospoiler); film: {details.film.label}")  # fmt: skip
    chosen = (
        [Sensitivity(args.sensitivity)]
        if args.sensitivity not in (None, "all")
        else list(Sensitivity)
    )
    started = time.perf_counter()
    detector = SpoilerDetector(details)
    print(f"plot points built in {time.perf_counter() - started:.2f} s")
    for sensitivity in chosen:
        detector.sensitivity = sensitivity
        counts, wrong = Counts(), []
        started = time.perf_counter()
        for expected, text in rows:
            flagged = detector.is_spoiler(text)
            counts.add(expected, flagged)
            if flagged != expected:
                wrong.append(("FN" if expected else "FP", text, detector.score(text)))
        rate = len(rows) / max(time.perf_counter() - started, 1e-9)
        print(counts.line(f"detector, {sensitivity.value}") + f"  ({rate:,.0f} sentences/s)")
        if args.show:
            for kind, text, (score, reasons) in wrong:
                print(f"    {kind} score {score} {'; '.join(reasons) or '-'}: {text}")
    for name, counts in baselines(details, rows).items():
        print(counts.line(name))
    return 0
