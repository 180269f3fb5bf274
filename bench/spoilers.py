"""`python -m bench spoilers [--file FILE.tsv ...] [--db DB] [--sensitivity S|all] [--encoder]`

Spoiler detection against labelled sentences (format: bench/_spoiler_data.py). For each file and
each sensitivity it prints precision, recall and the counts behind them overall, for films with
a plot and films without one, and per film, next to two naive baselines run on the same
sentences: "flag every sentence that names a character" and "flag every sentence that shares a
word with the spoiler sections". With `--encoder`, also the guard with the sentence encoder.

Default files: the curated film's set, then the tuning and held-out sets over the fixture's films.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench._machine import describe
from bench._spoiler_data import (
    DATA,
    Row,
    curated_film,
    fixture_database,
    has_plot,
    load_films,
    read_labelled,
)
from bot.films.model import FilmDetails
from bot.spoilers._words import GENERIC_STEMS, STOP_WORDS, stem, words
from bot.spoilers.detect import SpoilerDetector, plot_points
from bot.spoilers.encoder import SentenceEncoder
from bot.spoilers.model import Sensitivity

DEFAULT_FILE = DATA / "spoilers_nlmg.tsv"
DEFAULT_FILES = (
    DEFAULT_FILE,
    DATA / "spoilers_films_tune.tsv",
    DATA / "spoilers_films_heldout.tsv",
)


class Counts:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

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
            f"{name:<34} precision {self.precision:6.1%}  recall {self.recall:6.1%}  "
            f"F1 {self.f1:5.2f}  TP {self.tp:3d}  FP {self.fp:3d}  FN {self.fn:3d}  TN {self.tn:3d}"
        )


class Tally:
    """Counts overall, with and without a plot, and per film."""

    def __init__(self) -> None:
        self.groups: dict[str, Counts] = defaultdict(Counts)

    def add(self, film: FilmDetails, expected: bool, flagged: bool) -> None:
        plot = "films with a plot" if has_plot(film) else "films without a plot"
        for group in ("overall", plot, film.film.label):
            self.groups[group].add(expected, flagged)

    def lines(self, name: str, *, per_film: bool) -> list[str]:
        order = ["overall", "films with a plot", "films without a plot"]
        shown = [g for g in order if g in self.groups]
        if per_film:
            shown += sorted(g for g in self.groups if g not in order)
        return [self.groups[g].line(f"{name}, {g}" if g != "overall" else name) for g in shown]


def naive_flags(details: FilmDetails, text: str) -> dict[str, bool]:
    """Today's two naive baselines for one sentence."""
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
    tokens = [w for w, _, _ in words(text)]
    return {
        "baseline: names a character": bool(names & set(tokens)),
        "baseline: any spoiler word": any(
            stem(w) in (from_sections | spoiler_stems) for w in tokens
        ),
    }


def _films_for(rows: list[Row], db: Path | None) -> dict[str | None, FilmDetails]:
    films: dict[str | None, FilmDetails] = {None: curated_film()}
    labels = {row.film for row in rows if row.film}
    if labels:
        films.update(load_films(db or fixture_database(), labels))
    return films


Films = dict[str | None, FilmDetails]
Detectors = dict[str | None, SpoilerDetector]


def _detectors(films: Films, encoder: SentenceEncoder | None) -> Detectors:
    built = {}
    for label, details in films.items():
        built[label] = SpoilerDetector(details, encoder=encoder)
    return built


def run_file(path: Path, args: argparse.Namespace, encoder: SentenceEncoder | None) -> None:
    rows = read_labelled(path)
    spoilers = sum(row.expected for row in rows)
    films = _films_for(rows, args.db)
    print(
        f"\n== {path.name}: {len(rows)} sentences ({spoilers} spoiler, "
        f"{len(rows) - spoilers} nospoiler) over {len({r.film for r in rows})} films =="
    )
    started = time.perf_counter()
    detectors = _detectors(films, None)
    with_encoder = _detectors(films, encoder) if encoder is not None else {}
    print(f"plot points built in {time.perf_counter() - started:.2f} s")
    chosen = (
        list(Sensitivity) if args.sensitivity in (None, "all") else [Sensitivity(args.sensitivity)]
    )
    for sensitivity in chosen:
        for name, built in (("detector", detectors), ("detector + encoder", with_encoder)):
            if built:
                _run_detector(f"{name}, {sensitivity.value}", built, sensitivity, rows, films, args)
    baselines: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        for name, flagged in naive_flags(films[row.film], row.text).items():
            baselines[name].add(films[row.film], row.expected, flagged)
    for name, tally in baselines.items():
        print("\n".join(tally.lines(name, per_film=False)))


def _run_detector(
    name: str,
    detectors: Detectors,
    sensitivity: Sensitivity,
    rows: list[Row],
    films: Films,
    args: argparse.Namespace,
) -> None:
    tally, wrong = Tally(), []
    started = time.perf_counter()
    for row in rows:
        detector = detectors[row.film]
        detector.sensitivity = sensitivity
        score = detector.score(row.text)
        flagged = score[0] >= sensitivity.threshold
        tally.add(films[row.film], row.expected, flagged)
        if flagged != row.expected:
            wrong.append(("FN" if row.expected else "FP", row, score))
    rate = len(rows) / max(time.perf_counter() - started, 1e-9)
    lines = tally.lines(name, per_film=args.per_film)
    lines[0] += f"  ({rate:,.0f} sentences/s)"
    print("\n".join(lines))
    if args.show:
        for kind, row, (points, reasons) in wrong:
            print(
                f"    {kind} score {points} [{row.film or '-'}] {'; '.join(reasons) or '-'}: {row.text}"
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench spoilers", description=__doc__)
    parser.add_argument("--file", type=Path, action="append", help="labelled TSV (repeatable)")
    parser.add_argument("--db", type=Path, help="catalog database (default: DATABASE_PATH)")
    parser.add_argument("--sensitivity", choices=[*[s.value for s in Sensitivity], "all"])
    parser.add_argument("--encoder", action="store_true", help="also run with the sentence encoder")
    parser.add_argument("--per-film", action="store_true", help="a line per film too")
    parser.add_argument("--show", action="store_true", help="list every wrong answer")
    args = parser.parse_args(argv)
    if args.db is None and os.environ.get("DATABASE_PATH"):
        args.db = Path(os.environ["DATABASE_PATH"])
    print(describe())
    encoder = _load_encoder() if args.encoder else None
    try:
        for path in args.file or DEFAULT_FILES:
            run_file(path, args, encoder)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _load_encoder() -> SentenceEncoder | None:
    from bot.spoilers.encoder import load_encoder

    started = time.perf_counter()
    encoder = load_encoder()
    print(
        f"encoder: {encoder.describe() if encoder else 'not available'} "
        f"(loaded in {time.perf_counter() - started:.1f} s)"
    )
    return encoder
