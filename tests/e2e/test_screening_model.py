"""The real Detoxify class (a tiny random checkpoint) loaded at start-up in the background,
and the fallback to the embedded backend reported by /about when the checkpoint is broken."""

from __future__ import annotations

from tests.e2e._screening import discussion_thread, is_deleted, post_screened, ready
from tests.screening_support import scratch_copy, tiny_checkpoint


def detoxify_settings(settings, built):
    return settings.model_copy(
        update={
            "toxicity_backend": "detoxify",
            "toxicity_checkpoint": built.checkpoint,
            "toxicity_hf_dir": built.hf_dir,
        }
    )


async def test_detoxify_loads_at_start_up_and_a_broken_checkpoint_falls_back(
    emu, start_bot, settings, error_log
):
    built = tiny_checkpoint(bias=4.0)  # a tiny model whose every label scores 0.98
    async with start_bot(detoxify_settings(settings, built)) as bot:
        await ready(bot)
        about = await (await emu.slash("Alice", "about")).text()
        # TOXICITY_RUNTIME defaults to onnx: exported at this first start into model-cache/
        assert "backend detoxify:original+onnx (TOXICITY_BACKEND=detoxify (offline files" in about
        assert "runtime onnx: exported to " in about
        thread = await discussion_thread(bot, emu)
        posted, handled = await post_screened(bot, emu, "Dave", thread, "the ending hurt")
        assert handled.outcome == "hide" and is_deleted(emu, posted)
        assert handled.stored.backend == "detoxify:original+onnx"

    broken = scratch_copy(tiny_checkpoint(bias=4.0), "e2e-truncated")
    broken.checkpoint.write_bytes(broken.checkpoint.read_bytes()[:1000])
    async with start_bot(detoxify_settings(settings, broken)) as bot:
        await ready(bot)
        error_log.expect("screening model not loaded, using the embedded backend instead")
        about = await (await emu.slash("Alice", "about")).text()
        assert "backend embedded (fell back to embedded: the checkpoint" in about
        assert "corrupted" in about and "Fix:" in about
        status = await (await emu.slash("Mona", "mod screening status")).text()
        assert "fell back to embedded" in status
