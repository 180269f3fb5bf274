"""`python -m bot screening ...` from a shell."""

from __future__ import annotations

import screening_support  # noqa: F401  (offline environment for model code)

from bot.__main__ import main


def test_score_prints_the_outcome_the_rule_and_what_was_undone(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TOXICITY_BACKEND", "embedded")
    assert main(["screening", "score", "y0u are an 1d10t", "lovely film"]) == 0
    out = capsys.readouterr().out
    assert "backend: embedded (TOXICITY_BACKEND=embedded; second look on)" in out
    assert "hide: insult 1.00 >= hide threshold 0.93 (default)" in out
    assert "normalised (leetspeak): 'you are an idiot'" in out
    assert "'lovely film'\n  pass: no threshold reached" in out


def test_score_in_a_film_thread_sets_its_dialogue_aside(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TOXICITY_BACKEND", "embedded")
    quote = "We were modeled on trash. Junkies, prostitutes, drunks."
    assert main(["screening", "score", f'Ruth: "{quote}"', "--film", "Never Let Me Go"]) == 0
    assert f"film lines set aside: [{quote!r}]" in capsys.readouterr().out


def test_tiny_model_prints_the_settings_that_load_it(tmp_path, capsys) -> None:
    assert main(["screening", "tiny-model", str(tmp_path), "--bias", "-4"]) == 0
    out = capsys.readouterr().out
    checkpoint = next(tmp_path.glob("toxic_random-*.ckpt"))
    assert f"TOXICITY_CHECKPOINT={checkpoint}" in out
    assert f"TOXICITY_HF_DIR={tmp_path / 'hf'}" in out
