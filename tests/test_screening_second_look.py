"""The embedded backend's second look: its gate, its head file, its place beside the patterns.

The sentences are from the head's training set (bot/screening/data/harm_head_train.tsv) or
shaped like them; the assertions ask only what the head is trained to do robustly: a veiled
threat without any pattern word reaches the flag threshold but not the hide threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.screening import second_look
from bot.screening.embedded import EmbeddedBackend, is_addressed
from bot.screening.harm_head import DEFAULT_HEAD, HeadFileError, load_head
from bot.screening.harm_patterns import load_patterns
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.second_look import ENCODER_CEILING, Gate
from tests.screening_support import embedded, never_let_me_go

VEILED = "One of these nights you just won't wake up"
STORY = "In the film the stalker tells her one of these nights you just won't wake up"
ZERO = {"toxicity": 0.0, "insult": 0.0, "threat": 0.0, "identity_attack": 0.0}


@pytest.fixture(scope="module")
def gate() -> Gate:
    patterns = load_patterns()
    backend = embedded()
    return Gate(patterns, patterns.groups, is_addressed, backend._said_to_someone)


@pytest.mark.parametrize(
    "text",
    [
        VEILED,
        "Tonight @member finds out what happens to people who cross me",
        "Refugees are a swarm of insects eating everything",
    ],
)
def test_texts_addressed_to_someone_or_naming_a_group_are_read(gate, text):
    assert gate.text_to_read(text, dict(ZERO)) == text


@pytest.mark.parametrize(
    "text",
    [
        "That ending wrecked me completely",  # no one addressed, no group
        "you fool",  # too short to read
        STORY,  # tells the film's story
        'The line "I will find you" whispered in the dark scene',  # a character's line
    ],
)
def test_film_talk_short_texts_and_quoted_lines_are_not_read(gate, text):
    assert gate.text_to_read(text, dict(ZERO)) is None


def test_quoted_dialogue_is_blanked_before_reading(gate):
    text = 'Her line "you will die tonight" lands, and you should see it'
    read = gate.text_to_read(text, dict(ZERO))
    assert read is not None and "die" not in read and len(read) == len(text)


def test_a_text_already_at_a_hide_threshold_is_not_read_again(gate):
    assert gate.text_to_read(VEILED, {**ZERO, "threat": 0.95}) is None


def test_a_veiled_threat_without_pattern_words_is_flagged_but_not_hidden():
    without = EmbeddedBackend(second_look=False).score([VEILED])[0]
    assert without["threat"] == 0.0  # the word lists do not know it
    scores = embedded().score([VEILED])[0]
    assert 0.40 <= scores["threat"] <= ENCODER_CEILING < 0.85


def test_film_talk_with_the_same_words_is_left_alone():
    pipeline = ScreeningPipeline(embedded())
    film = never_let_me_go()
    texts = [STORY, "Tommy says one of these nights you just won't wake up, and Kathy cries"]
    for screening in pipeline.screen_blocking(texts, film):
        assert screening.scores["threat"] < 0.40
    pipeline.batcher.close_sync()


def test_the_candidates_of_a_batch_are_encoded_at_once(monkeypatch):
    look = embedded().second_look
    assert look is not None
    calls: list[int] = []
    encode = look.encoder.encode
    monkeypatch.setattr(
        look.encoder, "encode", lambda texts: calls.append(len(texts)) or encode(texts)
    )
    embedded().score([VEILED, "What a film", "You're easy to find, you know. Very easy.", STORY])
    assert calls == [2]


def test_the_shipped_head_loads_as_arrays():
    head = load_head(DEFAULT_HEAD)
    assert set(head.labels) == {"threat", "identity_attack", "insult"}
    assert head.weights.shape == (3, 384)


def test_a_missing_head_file_is_said_and_the_patterns_run_alone(tmp_path):
    backend = EmbeddedBackend(head_path=tmp_path / "gone.npz")
    assert backend.second_look is None
    assert backend.second_look_state.startswith(
        f"second look unavailable: the harm head file {tmp_path / 'gone.npz'} is missing"
    )
    assert "; the patterns run alone. Fix: restore the file" in backend.second_look_state
    assert backend.problem is None  # the patterns themselves are fine
    assert backend.score(["I know where you live"])[0]["threat"] >= 0.40  # patterns


def test_a_corrupt_head_file_is_refused(tmp_path):
    broken = tmp_path / "head.npz"
    broken.write_bytes(DEFAULT_HEAD.read_bytes()[:300])
    with pytest.raises(HeadFileError, match="cannot be read"):
        load_head(broken)


def _head_file(path, labels, weights, **changed):
    arrays = {"bias": np.zeros(1), "platt_a": np.ones(1), "platt_b": np.zeros(1), **changed}
    np.savez(path, labels=labels, weights=weights, **arrays)
    return path


@pytest.mark.parametrize(
    ("labels", "weights", "changed", "said"),
    [
        (np.array(["threat"]), np.zeros((1, 10)), {}, "is not valid"),  # wrong width
        (np.array(["sarcasm"]), np.zeros((1, 384)), {}, "is not valid"),  # unknown label
        (np.array(["threat"]), np.zeros((1, 384)), {"bias": np.array([np.nan])}, "NaN"),
        (np.array([object()]), np.zeros((1, 384)), {}, "cannot be read"),  # a pickle inside
    ],
)
def test_a_head_of_the_wrong_shape_or_with_pickles_is_refused(
    tmp_path, labels, weights, changed, said
):
    path = _head_file(tmp_path / "head.npz", labels, weights, **changed)
    with pytest.raises(HeadFileError, match=said):
        load_head(path)


def test_a_text_file_is_not_taken_for_a_head(tmp_path):
    text = tmp_path / "head.npz"
    text.write_text("weights = 1, 2, 3", encoding="utf-8")
    with pytest.raises(HeadFileError, match="it is not an .npz"):
        load_head(text)


def test_without_the_encoder_the_backend_says_so(monkeypatch):
    monkeypatch.setattr(second_look, "load_encoder", lambda: None)
    monkeypatch.setattr(second_look, "load_problem", lambda: "ModuleNotFoundError: torch")
    backend = EmbeddedBackend()
    assert backend.second_look is None
    assert backend.second_look_state.startswith(
        "second look unavailable: the sentence encoder all-MiniLM-L6-v2 cannot be loaded "
        "(ModuleNotFoundError: torch)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Funny how people who leak screeners always seem to move house",
        "The last guy who spoiled Dune here was very quiet afterwards",
        "Nobody would think to look for a critic in that car park",
    ],
)
def test_texts_speaking_of_a_third_party_are_read(gate, text):
    assert gate.text_to_read(text, dict(ZERO)) == text


def test_a_third_party_in_a_story_sentence_is_not_read(gate):
    text = "In Goodfellas, people who talk to the cops tend to disappear"
    assert gate.text_to_read(text, dict(ZERO)) is None
