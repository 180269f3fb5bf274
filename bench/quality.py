"""`python -m bench quality [--file FILE.tsv]`: what the default policy does to real text.

Runs the whole screening path (normalisation, film-aware rules for Never Let Me Go, default
thresholds) and prints, per backend:
- the shipped labelled sets (bench/data/screening_quality.tsv, the later
  screening_quality_fresh*.tsv about other films and screening_quality_crude*.tsv of crude
  film talk against look-alike insults): precision and recall per label (threat,
  identity_attack, insult) and how much film talk is caught, for each split (the rows the
  rules were tuned on, the held-out rows, each fresh set);
- precision and recall on the Jigsaw sample (../shared/data/jigsaw_test_sample.csv), where a
  comment counts as caught when it is flagged or hidden, with the counts behind each ratio;
- how many of the seed blog's 15 comments and of the film's quotes would be flagged or
  hidden in the film's discussion thread (target: none hidden).
With --file, it runs the same path on a TSV (header with `expect` and `text`, optionally
`split`, `label`, `kind`; see bench/_labelled.py) and prints each row's verdict and the totals.

The Detoxify backend is included only when real weights are available offline
(TOXICITY_CHECKPOINT + TOXICITY_HF_DIR, or the checkpoint in torch's hub cache): with random
weights its numbers would mean nothing.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bench import _corpus
from bench._labelled import (
    CRUDE,
    FRESH,
    SHIPPED,
    Row,
    fired_labels,
    per_label_lines,
    ratio,
    read_tsv,
)
from bench._machine import describe
from bot.screening.model import Outcome

if TYPE_CHECKING:
    from bench._corpus import LabelledComment
    from bot.films.model import FilmDetails
    from bot.screening.backend import ScoringBackend
    from bot.screening.detoxify_backend import DetoxifyBackend
    from bot.screening.pipeline import ScreeningPipeline
    from bot.screening.results import Verdict


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench quality", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--file", type=Path, help="TSV with a header naming expect and text")
    parser.add_argument("--shared", help="folder holding data/ and seeds/ (default: ../shared)")
    parser.add_argument("--head", type=Path, help="the second look's head (.npz) to use")
    parser.add_argument(
        "--without-second-look", action="store_true", help="the embedded backend without it"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rows = read_tsv(args.file) if args.file else None
    print(describe())
    from bot.films.curated import load_curated

    film = next(f for f in load_curated() if f.film.title == "Never Let Me Go")
    failures = 0
    for name, backend in _backends(args.head, not args.without_second_look):
        print(f"\n== backend: {name}")
        pipeline = _pipeline(backend)
        if rows is not None:
            failures += _run_file(pipeline, rows, film)
        else:
            _run_reports(pipeline, _corpus.find_shared(args.shared), film)
        pipeline.batcher.close_sync()
    return 1 if failures else 0


def _backends(head: Path | None, second_look: bool) -> Iterator[tuple[str, ScoringBackend]]:
    from bot.screening.embedded import EmbeddedBackend

    embedded = EmbeddedBackend(head_path=head, second_look=second_look)
    look = embedded.second_look
    yield (
        f"embedded (alt-profanity-check, {look.describe() if look else 'no second look'})",
        embedded,
    )
    if embedded.problem:
        print(f"  problem: {embedded.problem}")
    detoxify, why_not = _detoxify_if_available()
    if detoxify is None:
        print(f"\n== backend: detoxify: not measured: {why_not}")
    else:
        yield detoxify.name, detoxify


def _detoxify_if_available() -> tuple[DetoxifyBackend | None, str | None]:
    import torch

    from bot.screening.backend import ModelLoadError
    from bot.screening.detoxify_backend import DetoxifyConfig, load_detoxify
    from bot.screening.loader import model_cache
    from bot.settings import load_settings

    settings = load_settings()
    config = DetoxifyConfig(  # the configured model, runtime and quantisation
        settings.toxicity_model,
        settings.toxicity_checkpoint,
        settings.toxicity_hf_dir,
        quantize=settings.toxicity_quantize,
        runtime=settings.toxicity_runtime,
        cache_dir=model_cache(settings),
    )
    cached = list((Path(torch.hub.get_dir()) / "checkpoints").glob("*.ckpt"))
    if config.checkpoint is None and not cached:
        return None, (
            "no pretrained weights on this machine (no internet to download them); set "
            "TOXICITY_CHECKPOINT and TOXICITY_HF_DIR to the real files to include it"
        )
    try:
        return load_detoxify(config), None
    except ModelLoadError as exc:
        return None, str(exc)


def _pipeline(backend: ScoringBackend) -> ScreeningPipeline:
    from bot.screening.pipeline import ScreeningPipeline

    return ScreeningPipeline(backend)


def _outcomes(
    pipeline: ScreeningPipeline, texts: Iterable[str], film: FilmDetails | None = None
) -> list[Verdict]:
    from bot.screening.policy import ScreeningPolicy, decide

    policy = ScreeningPolicy(guild_id=0)
    return [decide(s.scores, policy) for s in pipeline.screen_blocking(list(texts), film)]


def _run_reports(pipeline: ScreeningPipeline, shared: Path, film: FilmDetails) -> None:
    for path in (SHIPPED, *FRESH, *CRUDE):
        rows = read_tsv(path)
        for split in dict.fromkeys(row.split for row in rows):
            part = [row for row in rows if row.split == split]
            print(f"labelled film-discussion comments, {split} ({len(part)}, {path.name}):")
            _labelled_report(pipeline, part, film, verbose=False)
    comments = _corpus.jigsaw(shared)
    verdicts = _outcomes(pipeline, [c.text for c in comments])
    _print_jigsaw(comments, verdicts)
    blog = _corpus.blog_comments(shared)
    _print_outcomes(
        f"seed blog comments in the film's thread ({len(blog)})",
        blog,
        _outcomes(pipeline, blog, film),
    )
    quotes = [q.text for q in film.quotes]
    _print_outcomes(
        f"film quotes in the film's thread ({len(quotes)})",
        quotes,
        _outcomes(pipeline, quotes, film),
    )
    _print_outcomes(
        f"film quotes outside any film thread ({len(quotes)})", quotes, _outcomes(pipeline, quotes)
    )


def _print_jigsaw(comments: Sequence[LabelledComment], verdicts: Sequence[Verdict]) -> None:
    caught = [v.outcome is not Outcome.PASS for v in verdicts]
    truth = [c.toxic for c in comments]
    tp = sum(c and t for c, t in zip(caught, truth, strict=True))
    fp = sum(c and not t for c, t in zip(caught, truth, strict=True))
    fn = sum(t and not c for c, t in zip(caught, truth, strict=True))
    hidden = [v.outcome is Outcome.HIDE for v in verdicts]
    hidden_toxic = sum(h and t for h, t in zip(hidden, truth, strict=True))
    counts = Counter(v.outcome.value for v in verdicts)
    print(f"Jigsaw sample: {len(comments)} comments, {sum(truth)} labelled toxic")
    print(f"  outcomes: {counts['pass']} pass, {counts['flag']} flag, {counts['hide']} hide")
    print(f"  caught (flag or hide): precision {ratio(tp, tp + fp)}  recall {ratio(tp, tp + fn)}")
    print(
        f"  hidden: {sum(hidden)}, of which labelled toxic {hidden_toxic} ({ratio(hidden_toxic, sum(hidden))})"
    )
    for comment, verdict in zip(comments, verdicts, strict=True):
        if comment.toxic and verdict.outcome is Outcome.PASS:
            print(f"  missed ({', '.join(comment.labels)}): {_short(comment.text)}")
        elif not comment.toxic and verdict.outcome is not Outcome.PASS:
            print(f"  false alarm ({verdict.rule}): {_short(comment.text)}")


def _print_outcomes(title: str, texts: Sequence[str], verdicts: Sequence[Verdict]) -> None:
    counts = Counter(v.outcome.value for v in verdicts)
    print(f"{title}: {counts['pass']} pass, {counts['flag']} flagged, {counts['hide']} hidden")
    for text, verdict in zip(texts, verdicts, strict=True):
        if verdict.outcome is not Outcome.PASS:
            print(f"  {verdict.outcome.value}: {verdict.rule}: {_short(text)}")


def _run_file(pipeline: ScreeningPipeline, rows: list[Row], film: FilmDetails) -> int:
    return _labelled_report(pipeline, rows, film, verbose=True)


def _labelled_report(
    pipeline: ScreeningPipeline, rows: list[Row], film: FilmDetails, verbose: bool
) -> int:
    """Per-row verdicts (all if verbose, else the wrong ones), per-label lines, totals."""
    from bot.screening.policy import ScreeningPolicy, decide

    policy = ScreeningPolicy(guild_id=0)
    screenings = pipeline.screen_blocking([row.text for row in rows], film)
    fired = [fired_labels(s.scores, policy.thresholds_for(None)) for s in screenings]
    failures = 0
    for row, screening in zip(rows, screenings, strict=True):
        verdict = decide(screening.scores, policy)
        ok = (
            verdict.outcome is Outcome.PASS
            if row.expect == "pass"
            else verdict.outcome is not Outcome.PASS
        )
        failures += not ok
        if verbose or not ok:
            why = "" if verdict.outcome is Outcome.PASS else f" ({verdict.rule})"
            tag = f" [{row.label}: {row.kind}]" if row.label else ""
            print(
                f"  {'ok  ' if ok else 'FAIL'} line {row.line}{tag}: expect {row.expect}, "
                f"got {verdict.outcome.value}{why}: {_short(row.text)}"
            )
    for line in per_label_lines(rows, fired):
        print(line)
    print(f"totals: {len(rows) - failures} as expected, {failures} not, of {len(rows)} rows")
    return failures


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"
