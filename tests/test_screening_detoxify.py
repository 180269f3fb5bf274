"""The Detoxify backend through the real detoxify.Detoxify class, with a tiny random model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from screening_support import FakeSettings, scratch_copy, tiny_checkpoint

from bot.screening.backend import ModelLoadError
from bot.screening.detoxify_backend import DetoxifyConfig, load_detoxify
from bot.screening.loader import load_backend
from bot.screening.tiny_model import ORIGINAL_CLASSES

DETOXIFY_LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")


def load_tiny(**options):
    built = tiny_checkpoint()
    return load_detoxify(
        DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir, **options)
    )


def test_tiny_checkpoint_loads_offline_through_detoxify() -> None:
    import detoxify

    backend = load_tiny()
    assert isinstance(backend.detoxify, detoxify.Detoxify)
    assert backend.name == "detoxify:original"
    assert backend.labels == DETOXIFY_LABELS
    assert backend.detoxify.tokenizer.model_max_length == 512


def test_one_text_gives_one_score_per_label() -> None:
    [scores] = load_tiny().score(["you are an idiot"])
    assert set(scores) == set(DETOXIFY_LABELS)
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in scores.values())


def test_a_batch_scores_like_texts_one_by_one() -> None:
    backend = load_tiny()
    texts = ["good film", "you are an idiot", "the ending was sad and i love it", "trash"]
    together = backend.score(texts)
    alone = [backend.score([text])[0] for text in texts]
    for batch_scores, single in zip(together, alone, strict=True):
        for label in DETOXIFY_LABELS:
            assert batch_scores[label] == pytest.approx(single[label], abs=1e-4)


def test_scores_are_what_detoxify_predict_gives() -> None:
    """The backend runs the model itself (to share tokens with the ONNX runtime); it must
    agree with the real Detoxify.predict, batch by batch."""
    backend = load_tiny(runtime="torch")
    texts = ["good film", "you are an idiot and the ending was sad", "trash"]
    predicted = backend.detoxify.predict(texts)
    for position, scores in enumerate(backend.score(texts)):
        for label in DETOXIFY_LABELS:
            assert scores[label] == pytest.approx(predicted[label][position], abs=1e-5)


def test_text_longer_than_512_tokens_is_truncated_not_a_crash() -> None:
    backend = load_tiny()
    long_text = "the film was good and the ending was sad " * 200  # about 1,800 tokens
    tokens = backend.detoxify.tokenizer(long_text, truncation=True)["input_ids"]
    assert len(tokens) == 512
    [scores] = backend.score([long_text])
    assert set(scores) == set(DETOXIFY_LABELS)


def test_int8_quantisation_keeps_the_scores_close() -> None:
    plain = load_tiny().score(["you are an idiot"])[0]
    quantised = load_tiny(quantize="int8")
    assert quantised.name == "detoxify:original+int8"
    assert any(
        isinstance(m, torch.ao.nn.quantized.dynamic.Linear)
        for m in quantised.detoxify.model.modules()
    )
    for label, value in quantised.score(["you are an idiot"])[0].items():
        assert value == pytest.approx(plain[label], abs=0.05)


def test_a_forced_bias_gives_the_scores_asked_for() -> None:
    built = tiny_checkpoint(bias=4.0)
    backend = load_detoxify(DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir))
    [scores] = backend.score(["anything at all"])
    assert scores["insult"] == pytest.approx(torch.sigmoid(torch.tensor(4.0)).item(), abs=1e-4)


def test_tokenizer_without_model_max_length_is_bounded_at_512() -> None:
    built = scratch_copy(tiny_checkpoint(), "no-max-length")
    config_file = built.hf_dir / "tokenizer_config.json"
    config = json.loads(config_file.read_text())
    config.pop("model_max_length")
    config_file.write_text(json.dumps(config))
    backend = load_detoxify(DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir))
    assert backend.detoxify.tokenizer.model_max_length == 512
    assert backend.score(["film " * 900])


def test_missing_checkpoint_says_which_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as error:
        load_detoxify(DetoxifyConfig(checkpoint=tmp_path / "nope.ckpt", hf_dir=tmp_path))
    assert "does not exist" in str(error.value)
    assert "TOXICITY_CHECKPOINT" in error.value.fix


def test_truncated_checkpoint_fails_its_sha256_check() -> None:
    built = scratch_copy(tiny_checkpoint(), "truncated")
    data = built.checkpoint.read_bytes()
    built.checkpoint.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError) as error:
        load_detoxify(DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir))
    assert "corrupted" in error.value.why and "sha256" in error.value.why
    assert "download the file again" in error.value.fix


def test_garbage_file_without_hash_in_its_name_is_reported_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ModelLoadError) as error:
        load_detoxify(DetoxifyConfig(checkpoint=path, hf_dir=tiny_checkpoint().hf_dir))
    assert "cannot be read" in error.value.why


def test_a_plain_state_dict_is_not_a_detoxify_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(ModelLoadError, match="not a Detoxify checkpoint"):
        load_detoxify(DetoxifyConfig(checkpoint=path, hf_dir=tiny_checkpoint().hf_dir))


def test_config_folder_with_the_wrong_number_of_labels_is_refused() -> None:
    built = scratch_copy(tiny_checkpoint(), "wrong-labels")
    config_file = built.hf_dir / "config.json"
    config = json.loads(config_file.read_text())
    config["id2label"] = {"0": "a", "1": "b"}
    config_file.write_text(json.dumps(config))
    with pytest.raises(ModelLoadError) as error:
        load_detoxify(DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir))
    assert f"checkpoint has {len(ORIGINAL_CLASSES)} outputs" in error.value.why


def test_config_folder_without_config_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_detoxify(DetoxifyConfig(checkpoint=tiny_checkpoint().checkpoint, hf_dir=tmp_path))


def test_loader_falls_back_to_embedded_and_says_why(tmp_path: Path) -> None:
    settings = FakeSettings(toxicity_checkpoint=tmp_path / "gone.ckpt", toxicity_hf_dir=tmp_path)
    active = load_backend(settings)
    assert active.name == "embedded"
    assert active.fell_back
    assert "gone.ckpt does not exist" in active.reason and "Fix:" in active.reason


def test_loader_refuses_to_fall_back_when_told_not_to(tmp_path: Path) -> None:
    settings = FakeSettings(
        toxicity_checkpoint=tmp_path / "gone.ckpt",
        toxicity_hf_dir=tmp_path,
        toxicity_fallback="off",
    )
    with pytest.raises(ModelLoadError):
        load_backend(settings)


def test_loader_loads_the_configured_checkpoint() -> None:
    built = tiny_checkpoint()
    settings = FakeSettings(toxicity_checkpoint=built.checkpoint, toxicity_hf_dir=built.hf_dir)
    active = load_backend(settings)
    assert active.name == "detoxify:original"
    assert not active.fell_back
    assert "offline files" in active.reason


def test_embedded_backend_when_asked_for_says_whether_its_second_look_is_on() -> None:
    active = load_backend(FakeSettings(toxicity_backend="embedded"))
    assert active.name == "embedded"
    assert active.reason == "TOXICITY_BACKEND=embedded; second look on"
    off = load_backend(FakeSettings(toxicity_backend="embedded", toxicity_second_look="off"))
    assert off.reason == "TOXICITY_BACKEND=embedded; second look off (TOXICITY_SECOND_LOOK=off)"
    assert off.backend.second_look is None


async def test_the_pipeline_hides_through_the_real_detoxify_model(tmp_path: Path) -> None:
    from screening_support import migrated

    from bot.screening.model import IncomingMessage
    from bot.screening.pipeline import ScreeningPipeline
    from bot.screening.policy import MessagePlace
    from bot.screening.service import ScreeningService

    built = tiny_checkpoint(bias=4.0)  # every label scores 0.98
    backend = load_detoxify(DetoxifyConfig(checkpoint=built.checkpoint, hf_dir=built.hf_dir))
    conn = await migrated(tmp_path / "db.sqlite3")
    pipeline = ScreeningPipeline(backend)
    service = ScreeningService(conn, pipeline=pipeline)
    message = IncomingMessage(1, 2, 3, 4, "some words " * 500)  # long: split into chunks
    handled = await service.handle_message(message, MessagePlace(2, is_discussion_thread=True))
    await pipeline.close()
    assert handled.outcome == "hide" and handled.verdict.label == "severe_toxicity"
    stored = await service.latest_screening(3)
    assert stored.backend == "detoxify:original" and set(stored.scores) == set(DETOXIFY_LABELS)
    assert pipeline.batcher.stats.texts > 1  # the chunks went through the batcher together
    await conn.close()
