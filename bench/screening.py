"""`python -m bench screening`: naive per-message Detoxify vs the batching pipeline.

Builds the `original` architecture (BERT-base, 6 outputs) with random weights of the real
size locally (compute does not depend on the weight values), loads it through the real
Detoxify class, and measures on chat-sized messages from the shared data:
  (a) throughput, and p50/p99 verdict latency at offered loads of 5/10/20/40 messages/s
      (Poisson arrivals) for naive per-message predict and the pipeline with each runtime
      (torch, ONNX Runtime), fp32 and int8;
  (b) event-loop lag while the model is busy (pipeline vs predict called on the loop);
  (c) the embedded backend's throughput.
Options: --quick (shorter runs), --embedded (only the embedded backend), --shared PATH (the folder with data/ and seeds/).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import _corpus, _roofline
from bench._machine import describe
from bench._screening_load import CpuStall, latency_section, percentile

if TYPE_CHECKING:
    from bot.films.model import FilmDetails
    from bot.screening.backend import ScoringBackend
    from bot.screening.detoxify_backend import DetoxifyBackend

# All messages at once, on a machine other sessions load: a verdict may take minutes.
BUSY_TIMEOUT = 900.0
# Each pipeline variant loads the same checkpoint through the real Detoxify class.
VARIANTS: dict[str, dict[str, Any]] = {
    "pipeline fp32": {"runtime": "torch"},
    "pipeline int8": {"runtime": "torch", "quantize": "int8"},
    "pipeline onnx fp32": {"runtime": "onnx"},
    "pipeline onnx int8": {"runtime": "onnx", "quantize": "int8"},
    # The same export without ONNX Runtime's transformer optimiser (its own fusions at load only)
    "onnx fp32 unoptimised": {"runtime": "onnx", "optimise": False},
    "onnx int8 unoptimised": {"runtime": "onnx", "quantize": "int8", "optimise": False},
}
TARGETS = "pipeline >= 3x naive throughput; p99 < 300 ms at 20 msg/s; loop lag p99 < 20 ms; embedded whole path >= 5,000 msg/s"


def _naive_throughput(detox: Any, messages: list[str], count: int) -> float:
    started = time.perf_counter()
    for text in messages[:count]:
        detox.predict(text)
    return count / (time.perf_counter() - started)


async def _pipeline_throughput(
    backend: ScoringBackend, film: FilmDetails, messages: list[str], count: int
) -> tuple[float, float]:
    from bot.screening.pipeline import ScreeningPipeline

    pipeline = ScreeningPipeline(backend, max_queue=count + 1, timeout=BUSY_TIMEOUT)
    started = time.perf_counter()
    await asyncio.gather(
        *(pipeline.screen(messages[i % len(messages)], film) for i in range(count))
    )
    elapsed = time.perf_counter() - started
    mean_batch = pipeline.batcher.stats.mean_batch
    await pipeline.close()
    return count / elapsed, mean_batch


async def _loop_lag(work: Callable[[], Awaitable[None]]) -> list[float]:
    """Lateness of a 5 ms timer while `work()` runs."""
    lags: list[float] = []
    running = True

    async def ticker() -> None:
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - before - 0.005)

    tick = asyncio.create_task(ticker())
    await work()
    running = False
    await tick
    return lags


async def _lag_section(
    detox: Any, backend: ScoringBackend, film: FilmDetails, messages: list[str], count: int
) -> None:
    from bot.screening.pipeline import ScreeningPipeline

    pipeline = ScreeningPipeline(backend, max_queue=count + 1, timeout=BUSY_TIMEOUT)

    async def through_pipeline() -> None:
        await asyncio.gather(
            *(pipeline.screen(messages[i % len(messages)], film) for i in range(count))
        )

    async def on_the_loop() -> None:
        for text in messages[: count // 4]:
            detox.predict(text)  # what a careless cog would do
            await asyncio.sleep(0)

    piped = await _loop_lag(through_pipeline)
    await pipeline.close()
    blocked = await _loop_lag(on_the_loop)
    print(f"(b) event-loop lag while the model is busy ({backend.name}; 5 ms timer):")
    for name, lags in (("pipeline", piped), ("predict on loop", blocked)):
        print(
            f"  {name:<20} p50 {percentile(lags, 50) * 1000:6.1f} ms  "
            f"p99 {percentile(lags, 99) * 1000:6.1f} ms  max {max(lags) * 1000:6.1f} ms  "
            f"({len(lags)} ticks)"
        )


def _embedded_section(messages: list[str], film: FilmDetails) -> None:
    from bench._embedded import embedded_section

    embedded_section(messages, film)


async def _run(args: argparse.Namespace) -> int:
    import torch

    from bot.films.curated import load_curated

    shared = _corpus.find_shared(args.shared)
    messages = _corpus.chat_messages(shared)
    random.Random(7).shuffle(messages)
    film = next(f for f in load_curated() if f.film.title == "Never Let Me Go")
    print(describe() + f", torch {torch.__version__} ({torch.get_num_threads()} threads)")
    print("before: " + machine_load())
    print(
        f"messages: {len(messages)} chat-sized texts from {shared} (mean {_mean_words(messages):.0f} words)"
    )
    if args.embedded:
        stall = CpuStall()
        _embedded_section(messages, film)
        print(f"cpu stall {stall.percent():.0f}%; after: " + machine_load())
        return 0
    with tempfile.TemporaryDirectory() as folder:
        variants = _load_variants(Path(folder), messages)
    detox = variants["pipeline fp32"].detoxify
    detox.predict(messages[0])  # warm-up
    count = 40 if args.quick else 120
    stall = CpuStall()
    naive = _naive_throughput(detox, messages, count // 2)
    print("(a) throughput, all messages offered at once:")
    print(f"  {'naive predict()':<20} {naive:6.1f} msg/s  cpu stall {stall.percent():.0f}%")
    fp32_rates = []
    for name, backend in variants.items():
        stall = CpuStall()
        rate, batch = await _pipeline_throughput(backend, film, messages, count)
        print(
            f"  {name:<20} {rate:6.1f} msg/s  ({rate / naive:.1f}x naive, mean batch {batch:.1f}, "
            f"cpu stall {stall.percent():.0f}%)"
        )
        if "int8" not in name:
            fp32_rates.append(rate)
    print("(a) ceiling: the most fp32 BERT-base can score on this machine")
    ceiling = _roofline.measure(detox.tokenizer, messages, torch.get_num_threads())
    print("\n".join(_roofline.report(ceiling, naive, max(fp32_rates))))
    await latency_section(args, detox, variants, film, messages)
    lag_backend = variants["pipeline onnx int8"]
    await _lag_section(detox, lag_backend, film, messages, 48 if args.quick else 120)
    _embedded_section(messages, film)
    print("after: " + machine_load())
    print("targets: " + TARGETS)
    return 0


def _load_variants(folder: Path, messages: list[str]) -> dict[str, DetoxifyBackend]:
    """The same random BERT-base checkpoint behind each runtime, quantised or not."""
    from bot.screening.detoxify_backend import DetoxifyConfig, load_detoxify
    from bot.screening.tiny_model import build_original_size_checkpoint

    started = time.perf_counter()
    built = build_original_size_checkpoint(folder, _corpus.words_of(messages))
    size = built.checkpoint.stat().st_size / 1e6
    print(
        f"built BERT-base random checkpoint ({size:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )
    variants: dict[str, DetoxifyBackend] = {}
    for name, options in VARIANTS.items():
        started = time.perf_counter()
        config = DetoxifyConfig(
            checkpoint=built.checkpoint,
            hf_dir=built.hf_dir,
            cache_dir=folder / "model-cache",
            **options,
        )
        variants[name] = load_detoxify(config)
        took = time.perf_counter() - started
        print(f"  {name:<20} loaded in {took:5.1f} s ({variants[name].runtime})")
    started = time.perf_counter()
    again = load_detoxify(config)
    print(
        f"  {'again, restarted':<20} loaded in {time.perf_counter() - started:5.1f} s ({again.runtime})"
    )
    return variants


def machine_load() -> str:
    """Load average and CPU pressure: other work on these 2 cores skews every figure."""
    try:
        load = Path("/proc/loadavg").read_text().split()[0]
        pressure = Path("/proc/pressure/cpu").read_text().split()[1].split("=")[1]
    except (OSError, IndexError):
        return "load: unknown"
    return f"load average {load}, CPU pressure {pressure}% (0 on an idle machine)"


def _mean_words(messages: list[str]) -> float:
    return statistics.fmean(len(m.split()) for m in messages)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench screening", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs (about a minute)")
    parser.add_argument("--shared", help="folder holding data/ and seeds/ (default: ../shared)")
    parser.add_argument("--embedded", action="store_true", help="only (c), the embedded backend")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(_run(args))
