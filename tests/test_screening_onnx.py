"""The ONNX Runtime path: the real Detoxify model exported, cached, and scored like torch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from screening_support import FakeSettings, migrated, tiny_checkpoint

from bot.screening.detoxify_backend import DetoxifyConfig, load_detoxify
from bot.screening.loader import load_backend
from bot.screening.service import ScreeningService
from bot.screening.startup import ScreeningStartup

TEXTS = [
    "x",
    "you are an idiot",
    "the ending was sad and i love it",
    "kathy and tommy " * 40,  # about 120 tokens
    "the film was good " * 200,  # past 512 tokens: truncated
    "good film",
]


def load_tiny(cache: Path, **options):
    built = tiny_checkpoint()
    return load_detoxify(
        DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir, cache_dir=cache, **options)
    )


def cached_model(cache: Path) -> Path:
    """The optimised model that is scored (the plain export is cached beside it)."""
    [model] = cache.glob("*-bert*.onnx")
    return model


def assert_close(left, right, tolerance: float) -> None:
    assert len(left) == len(right)
    for ours, theirs in zip(left, right, strict=True):
        assert set(ours) == set(theirs)
        for label, value in ours.items():
            assert value == pytest.approx(theirs[label], abs=tolerance), label


def test_onnx_scores_equal_torch_batched_and_one_by_one(tmp_path: Path) -> None:
    torch_backend = load_tiny(tmp_path)
    onnx_backend = load_tiny(tmp_path, runtime="onnx")
    assert onnx_backend.name == "detoxify:original+onnx"
    assert onnx_backend.runtime.startswith("runtime onnx: exported to ")
    assert onnx_backend.detoxify.model is None  # the torch copy of the weights is released
    assert_close(onnx_backend.score(TEXTS), torch_backend.score(TEXTS), 1e-4)
    for text in TEXTS:
        assert_close(onnx_backend.score([text]), torch_backend.score([text]), 1e-4)


def test_int8_onnx_scores_stay_close_and_are_probabilities(tmp_path: Path) -> None:
    fp32 = load_tiny(tmp_path).score(TEXTS)
    int8 = load_tiny(tmp_path, runtime="onnx", quantize="int8")
    assert int8.name == "detoxify:original+onnx+int8"
    assert "-int8-" in cached_model(tmp_path).name
    scores = int8.score(TEXTS)
    assert all(0.0 <= value <= 1.0 for text in scores for value in text.values())
    assert_close(scores, fp32, 0.05)


def test_a_restart_reuses_the_cached_export(tmp_path: Path) -> None:
    first = load_tiny(tmp_path, runtime="onnx")
    model = cached_model(tmp_path)
    written = model.stat().st_mtime_ns
    second = load_tiny(tmp_path, runtime="onnx")
    assert second.runtime == f"runtime onnx: cached {model} reused"
    assert model.stat().st_mtime_ns == written
    assert second.score(TEXTS) == first.score(TEXTS)


@pytest.mark.parametrize("damage", ["truncate", "flip a byte", "lose the manifest"])
def test_a_damaged_cached_export_is_rebuilt(tmp_path: Path, damage: str) -> None:
    expected = load_tiny(tmp_path, runtime="onnx").score(TEXTS)
    model = cached_model(tmp_path)
    data = model.read_bytes()
    if damage == "truncate":
        model.write_bytes(data[: len(data) // 2])
    elif damage == "flip a byte":
        model.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        model.with_suffix(".json").unlink()
    backend = load_tiny(tmp_path, runtime="onnx")
    assert "was damaged" in backend.runtime and "rebuilt" in backend.runtime
    assert_close(backend.score(TEXTS), expected, 1e-6)
    assert "reused" in load_tiny(tmp_path, runtime="onnx").runtime  # the rebuilt file is whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial-")]


def test_the_scored_graph_is_fused_by_the_optimiser_and_cached_beside_the_export(
    tmp_path: Path,
) -> None:
    import onnx

    backend = load_tiny(tmp_path, runtime="onnx")
    assert "graph optimised (fused 2 Attention, 1 EmbedLayerNormalization" in backend.runtime
    operators = {node.op_type for node in onnx.load(str(cached_model(tmp_path))).graph.node}
    assert {"Attention", "SkipLayerNormalization", "BiasGelu"} <= operators
    [export] = tmp_path.glob("*-fp32-v*.onnx")
    assert "Attention" not in {node.op_type for node in onnx.load(str(export)).graph.node}


def test_a_stale_optimised_model_is_made_again_from_the_cached_export(tmp_path: Path) -> None:
    expected = load_tiny(tmp_path, runtime="onnx").score(TEXTS)
    model = cached_model(tmp_path)
    manifest = json.loads(model.with_suffix(".json").read_text())
    manifest["source"] = "0" * 64  # made from some other export
    model.with_suffix(".json").write_text(json.dumps(manifest))
    [export] = tmp_path.glob("*-fp32-v*.onnx")
    exported_at = export.stat().st_mtime_ns
    backend = load_tiny(tmp_path, runtime="onnx")
    assert "is stale" in backend.runtime and "rebuilt" in backend.runtime
    assert export.stat().st_mtime_ns == exported_at  # the export itself was reused
    assert_close(backend.score(TEXTS), expected, 1e-6)


def test_a_model_optimised_by_another_onnxruntime_is_never_opened(tmp_path: Path) -> None:
    import onnxruntime

    from bot.screening.detoxify_files import file_sha256
    from bot.screening.onnx_optimise import optimised_name

    sha = file_sha256(tiny_checkpoint().checkpoint)
    older = tmp_path / optimised_name(sha, "none", "0.0.1")
    older.write_bytes(b"not a model")  # opening it would fail
    backend = load_tiny(tmp_path, runtime="onnx")
    assert backend.runtime.startswith("runtime onnx: exported to ")
    assert (tmp_path / optimised_name(sha, "none", onnxruntime.__version__)).is_file()
    assert older.read_bytes() == b"not a model"


def test_if_the_optimiser_fails_the_plain_export_is_scored_and_the_reason_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.screening.onnx_runtime as onnx_runtime

    def broken(*args: object) -> None:
        raise RuntimeError("no fusion today")

    monkeypatch.setattr(onnx_runtime, "optimise_bert", broken)
    torch_scores = load_tiny(tmp_path / "torch").score(TEXTS)
    backend = load_tiny(tmp_path, runtime="onnx")
    assert "graph optimiser not used (RuntimeError: no fusion today)" in backend.runtime
    assert_close(backend.score(TEXTS), torch_scores, 1e-4)


def test_without_the_optimiser_the_plain_export_is_scored(tmp_path: Path) -> None:
    torch_scores = load_tiny(tmp_path / "torch").score(TEXTS)
    plain = load_tiny(tmp_path, runtime="onnx", optimise=False)
    assert plain.runtime.endswith("graph optimiser off")
    assert not list(tmp_path.glob("*-bert*.onnx"))  # only the export: nothing else to cache
    assert_close(plain.score(TEXTS), torch_scores, 1e-4)
    assert load_tiny(tmp_path, runtime="onnx", optimise=False).runtime.startswith(
        "runtime onnx: cached "
    )
    int8 = load_tiny(tmp_path, runtime="onnx", quantize="int8", optimise=False)
    assert [p.name for p in tmp_path.glob("*-int8-*-plain-*.onnx")] and int8.runtime.endswith(
        "graph optimiser off"
    )


def test_without_onnxruntime_the_loader_falls_back_to_torch_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` now fails
    built = tiny_checkpoint()
    settings = FakeSettings(
        toxicity_checkpoint=built.checkpoint,
        toxicity_hf_dir=built.hf_dir,
        toxicity_runtime="onnx",
        toxicity_quantize="int8",
        database_path=tmp_path / "filmbot.sqlite3",
    )
    active = load_backend(settings)
    assert active.name == "detoxify:original+int8"  # torch's own int8 instead
    assert not active.fell_back
    assert "runtime torch int8 (TOXICITY_RUNTIME=onnx not used: onnxruntime/onnx cannot be " in (
        active.reason
    )
    assert "fix: pip install onnxruntime onnx" in active.reason
    assert active.backend.score(["you are an idiot"])[0]["insult"] >= 0.0
    assert not (tmp_path / "model-cache").exists()


def test_an_unwritable_cache_falls_back_to_torch(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    backend = load_tiny(blocked, runtime="onnx")
    assert backend.name == "detoxify:original"
    assert f"TOXICITY_RUNTIME=onnx not used: the model cache {blocked} is not writable" in (
        backend.runtime
    )
    assert backend.score(["good film"])[0]["toxicity"] >= 0.0


def test_an_export_killed_midway_is_not_retried_until_its_marker_is_deleted(
    tmp_path: Path,
) -> None:
    load_tiny(tmp_path, runtime="onnx", quantize="int8")
    model = cached_model(tmp_path)
    model.unlink()  # as if the process had been killed while exporting:
    marker = model.with_suffix(".exporting")
    marker.write_text("exporting since ... (pid 1)")
    backend = load_tiny(tmp_path, runtime="onnx", quantize="int8")
    assert backend.name == "detoxify:original+int8"
    assert "never finished (the process was killed, perhaps out of memory" in backend.runtime
    assert f"delete {marker} to try again" in backend.runtime
    marker.unlink()
    assert load_tiny(tmp_path, runtime="onnx", quantize="int8").runtime.startswith(
        "runtime onnx int8: exported to "
    )
    assert not marker.exists()


async def test_status_line_names_the_onnx_runtime_and_its_cache(tmp_path: Path) -> None:
    built = tiny_checkpoint()
    settings = FakeSettings(
        toxicity_checkpoint=built.checkpoint,
        toxicity_hf_dir=built.hf_dir,
        toxicity_runtime="onnx",
        database_path=tmp_path / "filmbot.sqlite3",
    )
    conn = await migrated(tmp_path / "filmbot.sqlite3")
    service = ScreeningService(conn)
    startup = ScreeningStartup(service, settings)
    startup.begin()
    assert await startup.wait_loaded()
    status = startup.describe()
    assert status.startswith("backend detoxify:original+onnx (TOXICITY_BACKEND=detoxify (")
    assert f"runtime onnx: exported to {tmp_path / 'model-cache'}" in status
    await startup.close()
    await conn.close()
