"""`python -m bot screening score TEXT... | tiny-model DIR`: try the screener from a shell."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import Subparsers

if TYPE_CHECKING:
    from bot.films.model import FilmDetails

log = logging.getLogger(__name__)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "screening", help="try toxicity screening on text, or build a tiny test model"
    )
    commands = parser.add_subparsers(dest="screening_command", metavar="ACTION", required=True)
    score = commands.add_parser(
        "score", help="score texts with the configured backend and the default policy"
    )
    score.add_argument("texts", nargs="+", metavar="TEXT")
    score.add_argument("--film", help="score as in this curated film's discussion thread (a title)")
    score.set_defaults(handler=score_texts)
    tiny = commands.add_parser(
        "tiny-model", help="build a tiny random Detoxify checkpoint (for the sandbox and tests)"
    )
    tiny.add_argument("folder", type=Path)
    tiny.add_argument(
        "--bias", type=float, help="make every score sigmoid(BIAS), e.g. -4 (0.02) or 4 (0.98)"
    )
    tiny.set_defaults(handler=build_tiny)


def score_texts(args: argparse.Namespace) -> int:
    """Print each text's outcome, rule, scores and what normalisation changed."""
    from bot.screening.loader import load_backend
    from bot.screening.pipeline import ScreeningPipeline
    from bot.screening.policy import ScreeningPolicy, decide
    from bot.settings import configure_logging, load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    film = _curated_film(args.film) if args.film else None
    active = load_backend(settings)
    print(f"backend: {active.name} ({active.reason})")
    pipeline = ScreeningPipeline(active.backend, reason=active.reason)
    try:
        for text, result in zip(
            args.texts, pipeline.screen_blocking(args.texts, film), strict=True
        ):
            verdict = decide(result.scores, ScreeningPolicy(guild_id=0))
            scores = ", ".join(f"{k} {v:.2f}" for k, v in sorted(result.scores.items()))
            print(f"\n{text!r}\n  {verdict.outcome.value}: {verdict.rule}\n  scores: {scores}")
            if result.normalised.changes:
                print(
                    f"  normalised ({', '.join(result.normalised.changes)}): {result.film.scored!r}"
                )
            if result.film.film_quotes or result.film.discounted:
                print(
                    f"  film lines set aside: {list(result.film.film_quotes)}; "
                    f"attributed quotes at 0.85x: {list(result.film.discounted)}"
                )
    finally:
        pipeline.batcher.close_sync()
    return 0


def _curated_film(title: str) -> FilmDetails:
    from bot.films.curated import load_curated

    films = load_curated()
    for details in films:
        if details.film.title.lower() == title.strip().lower():
            return details
    known = ", ".join(d.film.label for d in films)
    raise SystemExit(f"no curated film called {title!r}; curated films: {known}")


def build_tiny(args: argparse.Namespace) -> int:
    """Build the tiny checkpoint and print the settings that load it."""
    from bot.screening.tiny_model import build_tiny_checkpoint

    built = build_tiny_checkpoint(args.folder, bias=args.bias)
    print(f"TOXICITY_CHECKPOINT={built.checkpoint}\nTOXICITY_HF_DIR={built.hf_dir}")
    print("(random weights: the scores mean nothing; use it to exercise the loading path)")
    return 0
