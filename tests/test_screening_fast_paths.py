"""The embedded path's shortcuts give exactly what the straightforward code gives.

Every shortcut (a cheap first check before a normaliser step, ASCII text split with
bytes.translate instead of a regex, the swearing regex skipped when no known swear word is
there, regexes rewritten to try fewer branches, the usual message combined without
max_scores) is switched off in `reference_mode`, and the results are compared on a few
hundred ordinary and hostile messages: scores equal to 1e-9, the same normalised text, the
same film-aware split, the same regex matches.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from screening_support import never_let_me_go

from bot.screening import _alternatives, embedded, film_aware, harm_patterns, normalise
from bot.screening import _film_talk as film_talk
from bot.screening._linear import LinearProfanityModel, Tokens
from bot.screening.embedded import EmbeddedBackend
from bot.screening.film_aware import FilmContext, prepare
from bot.screening.pipeline import ScreeningPipeline

DATA = Path(__file__).resolve().parents[1] / "bench" / "data"
LABELLED = DATA / "screening_quality.tsv"
CRUDE = DATA / "screening_quality_crude.tsv"
PIECES = [
    *[
        "you",
        "are",
        "an",
        "idiot",
        "fuck",
        "shit",
        "Fuck",
        "YOU",
        "ur",
        "u",
        "I'll",
        "kill",
        "find",
        "vermin",
        "rats",
        "Kathy",
        "Tommy",
    ],
    "where you live",
    "should be exterminated",
    "Miss Emily",
    "the shit out of",
    "Holy shit",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\u2060",
    "\u034f",
    "\u3164",
    "\u2800",
    "\u0301",
    "\u0334",
    "\u0430",
    "\u0435",
    "\u043e",
    "\u0456",
    "\u03bf",
    "\u03a3",
    "\u03c3",
    "\u03c2",
    "\uff59",
    "\U0001d432",
    "\u026a",
    "\u1d05",
    "\U0001f1fa",
    "\U0001f1f8",
    "\U0001f595",
    "\U0001f4a9",
    "\U0001f600",
    "\u2764\ufe0f",
    *"0134578@$!|+",
    "\u20ac",
    "||",
    "**",
    "__",
    "~~",
    "`",
    "```",
    "> ",
    ">>> ",
    "# ",
    "-# ",
    "[x](https://a.b/c)",
    "https://x.y/z",
    "www.EXAMPLE.com",
    "<@123>",
    "<@&7>",
    "<#9>",
    "<:sad_face:1>",
    "<t:17:R>",
    '"',
    "\u201c",
    "\u201d",
    "'",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u201e",
    *".,!?;:",
    "\n",
    "\t",
    "  ",
    " ",
    "-",
    "...",
    "\u2026",
    " but ",
    " so ",
    " and then ",
    "ooo",
    "aAa",
    "Eee",
    "\u00e9\u00e9\u00e9",
    "i d i o t",
    "f.u.c.k",
    "f_u_c_k",
    "f*u*c*k",
    "y0u",
    "1d10t",
    "sh1t",
    "\u017fhit",
    "\u212a",
    "\u0130",
    "\u0131",
    "\u0422\u044b",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u4f60\u597d",
    "Damn",
    "hell yes",
    "damned",
    "they are animals",
    "treated as",
    '"I will find you"',
    "We were modeled on trash. Junkies, prostitutes, drunks.",
    # crude and figurative film talk (_film_talk.py)
    "will kill me",
    "blow your mind",
    "KILLED it",
    "nearly died",
    "die laughing",
    "shut up and watch",
    "shit yourself",
    "the death of me",
    "Damn you",
    "Screw you, Pixar,",
    "fuck you Dave",
    "Damn you Moron",
    "scary as hell",
    "damn mind",
    "fucking masterpiece",
    "garbage",
    "screw",
    "ass",
    "the shit out of me",
    "\u03a3\u0391\u03a3",
    "\u017fhit",
    "k\u0131ll me",
]
# What the issue calls bad input, and texts that make careless regexes slow.
HOSTILE = [
    "x" * 4000,
    "you are an idiot " * 235,
    "\U0001f600" * 2000,
    "\u200b" * 4000,
    "\u0301" * 4000,
    "a" + "\u0301\u0334" * 1999,
    "a " * 2000,
    "f.u.c.k." * 500,
    "'" * 4000,
    '"' * 4000,
    "1" * 4000,
    "a1" * 2000,
    "||" * 2000,
    "*_" * 2000,
    "\n" * 4000,
    "\u0410\u0430a" * 1300,
    "\U0001f1fa" * 2000,
    "you " * 1000,
    "fuck " * 800,
    "the rats " * 400,
    "",
]


def _texts() -> list[str]:
    rng = random.Random(14)
    labelled = []
    for path in (LABELLED, CRUDE):
        with path.open(encoding="utf-8", newline="") as handle:
            labelled += [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    quotes = [quote.text for quote in never_let_me_go().quotes]
    texts = [*labelled, *quotes, *HOSTILE]
    for _ in range(320):
        parts = [rng.choice(PIECES) for _ in range(rng.randrange(1, 30))]
        if rng.random() < 0.4:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(labelled))
        texts.append(("" if rng.random() < 0.5 else " ").join(parts))
    return texts


TEXTS = _texts()


@pytest.fixture
def reference_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every shortcut switched off: each step and regex runs as plainly written."""
    steps = tuple(normalise.Step(s.name, s.apply, lambda _text: True) for s in normalise.STEPS)
    monkeypatch.setattr(normalise, "STEPS", steps)
    monkeypatch.setattr(LinearProfanityModel, "tokenise", _tokenise_with_the_regex)
    monkeypatch.setattr(
        LinearProfanityModel,
        "tokenise_with_parts",
        lambda self, wholes, parts, _owners: self.tokenise([*wholes, *parts]),
    )
    for shortcut in ("_may_swear", "_may_be_figurative"):
        monkeypatch.setattr(
            EmbeddedBackend, shortcut, lambda _self, texts, _: set(range(len(texts)))
        )
    for module, name in [
        (embedded, "_ADDRESSED"),
        (embedded, "_SWEARING"),
        (harm_patterns, "_QUOTE"),
        (film_aware, "_QUOTED"),
    ]:
        monkeypatch.setattr(module, name, _alternatives.ORIGINALS[getattr(module, name)])
    monkeypatch.setattr(embedded, "_CLAUSE_END_QUICK", embedded._CLAUSE_END)
    for method in ("search", "finditer"):
        monkeypatch.setattr(
            _alternatives.CaseBlind,
            method,
            lambda self, text, method=method: getattr(
                _alternatives.ORIGINALS.get(self.regex, self.regex), method
            )(text),
        )
    monkeypatch.setattr(harm_patterns, "faster", lambda regex: regex)
    monkeypatch.setattr(harm_patterns, "_tokens", harm_patterns._TOKENS.findall)
    monkeypatch.setattr(
        harm_patterns, "_unify_apostrophes", lambda t: t.translate(harm_patterns._APOSTROPHE)
    )
    monkeypatch.setattr(film_aware, "_may_quote", lambda _text: True)
    monkeypatch.setattr(film_aware, "_folded_words", lambda t: set(film_aware._words(t)))
    monkeypatch.setattr(ScreeningPipeline, "_combine", ScreeningPipeline._combine_parts)
    yield


def _tokenise_with_the_regex(self: LinearProfanityModel, texts: list[str]) -> Tokens:
    rows, columns = [], []
    for row, text in enumerate(texts):
        words = self._token.findall(text.lower())
        found = [self._vocabulary[word] for word in words if word in self._vocabulary]
        rows += [row] * len(found)
        columns += found
    return Tokens(len(texts), np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64))


def _reference_normalise(text: str) -> normalise.Normalised:
    changes = []
    known = normalise.default_lexicon()
    for step in normalise.STEPS:
        result = step.apply(text, known)
        if result != text:
            changes.append(step.name)
            text = result
    text = normalise._NEWLINES.sub("\n", normalise._SPACES.sub(" ", text)).strip()
    return normalise.Normalised(text, tuple(changes))


def _screenings(film: bool) -> list[tuple[dict[str, float], str, tuple[str, ...], str]]:
    pipeline = ScreeningPipeline(EmbeddedBackend())
    details = never_let_me_go() if film else None
    results = []
    for start in range(0, len(TEXTS), 32):
        for s in pipeline.screen_blocking(TEXTS[start : start + 32], details):
            results.append((s.scores, s.normalised.text, s.film.discounted, s.film.scored))
    pipeline.batcher.close_sync()
    return results


@pytest.mark.parametrize("film", [True, False], ids=["in the film's thread", "elsewhere"])
def test_the_whole_path_scores_as_the_reference_does(
    film: bool, request: pytest.FixtureRequest
) -> None:
    fast = _screenings(film)
    request.getfixturevalue("reference_mode")
    reference = _screenings(film)
    assert len(fast) == len(reference) == len(TEXTS)
    for text, got, want in zip(TEXTS, fast, reference, strict=True):
        assert got[1:] == want[1:], text[:80]
        assert got[0].keys() == want[0].keys()
        for label, value in want[0].items():
            assert got[0][label] == pytest.approx(value, abs=1e-9), (text[:80], label)
    flagged = sum(max(scores.values()) >= 0.5 for scores, *_ in fast)
    assert 0 < flagged < len(TEXTS)  # the texts exercise both verdicts


def test_the_normaliser_matches_every_step_run_without_its_first_check() -> None:
    for text in TEXTS:
        assert normalise.normalise(text) == _reference_normalise(text), text[:80]


def test_ascii_tokens_and_probabilities_match_the_library() -> None:
    from profanity_check import profanity_check

    model = LinearProfanityModel.from_library()
    vocabulary = profanity_check.vectorizer.vocabulary_
    pattern = re.compile(profanity_check.vectorizer.token_pattern)
    for text in TEXTS:
        words = pattern.findall(text.lower())
        assert model.token_ids(text) == [vocabulary[w] for w in words if w in vocabulary]
    tokens = model.tokenise(TEXTS)
    for row, text in enumerate(TEXTS):
        assert sorted(tokens.columns[tokens.rows == row]) == sorted(model.token_ids(text))
    fast = model.probabilities(TEXTS)
    assert np.allclose(fast, profanity_check.predict_prob(TEXTS), rtol=0, atol=1e-9)


def test_film_aware_split_matches_the_reference(request: pytest.FixtureRequest) -> None:
    context = FilmContext(never_let_me_go())
    texts = [normalise.normalise(text).text for text in TEXTS]
    fast = [prepare(text, context) for text in texts]
    request.getfixturevalue("reference_mode")
    assert fast == [prepare(text, context) for text in texts]


def test_every_quicker_regex_matches_where_its_original_does() -> None:
    harm_patterns.load_patterns()  # its rules and guards join ORIGINALS
    fragments = _fragments([original.pattern for original in _alternatives.ORIGINALS.values()])
    texts = [*TEXTS, *(text.lower() for text in TEXTS), *fragments]
    assert len(_alternatives.ORIGINALS) > 10
    for fast, original in _alternatives.ORIGINALS.items():
        for text in texts:
            got = [m.span() for m in fast.finditer(text)]
            assert got == [m.span() for m in original.finditer(text)], (original.pattern, text)


def _fragments(patterns: list[str]) -> list[str]:
    """Texts made of the literal words in the patterns, so that their phrases do match."""
    words = sorted({w for p in patterns for w in re.findall(r"[a-z']+(?: [a-z']+)*", p)})
    rng = random.Random(5)
    glue = [" ", "  ", ", ", " the ", " you ", " are ", "\n", " all ", "'"]
    return [
        "".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randrange(1, 12)))
        for _ in range(400)
    ]


def test_phrases_that_begin_alike_share_their_beginning() -> None:
    assert _alternatives.share_beginnings(r"black\s+people|blacks|black|men") == (
        r"black(?:\s+people|s|)|men"
    )
    body = _alternatives.share_beginnings(r"\b(?:you|your|yours|(?:x|y)z|ya)(?!\w)")
    assert body == r"\b(?:y(?:ou(?:|r(?:|s))|z|a)|xz)(?!\w)"  # "yz" (spread) before "ya"
    for kept in [r"(a)|ab", r"(?x)a b|a c", r"a\1|ab"]:
        assert _alternatives.share_beginnings(kept) == kept
    assert _alternatives.with_first_check(r"\b(?:cat|dog)") == r"(?=[cd])(?:\b(?:cat|dog))"
    for unknown in [r"(?:a|)", r"a?b", r"[^a]b", r"\Wx"]:
        assert _alternatives.with_first_check(unknown) == unknown


def test_a_branch_opening_with_a_group_is_spread_into_branches_tried_in_its_order() -> None:
    share = _alternatives.share_beginnings
    assert share(r"(?:see|catch) you") == r"see you|catch you"
    assert share(r"(?:start |i'd )?lock|x") == r"start lock|i'd lock|lock|x"
    assert share(r"(?:(?:a|b)c|d)e") == r"ace|bce|de"
    for kept in [r"(?:a|b)*c", r"(?:a|b)+c", r"(?:a|b){2}c", r"(?:a|b)??c", r"(?:a|b)?+c"]:
        assert share(kept) == kept
    many = "(?:" + "|".join(f"[ab]{i}" for i in range(40)) + ")x"  # past MAX_SPREAD
    assert share(many) == many
    # the same matches, on texts of a small alphabet where the branches compete
    patterns = [
        r"(?:a|ab)?b(?:c|bc)",
        r"(?:ab|a)(?:b|)c?|b(?:a|)a",
        r"(?:a(?:b|c)?|c)+b|(?:b|a)(?<=a)c",
        r"\b(?:(?:a|b)c?|c)a\b",
        r"(?:a|b|)(?:a|c)?(?!b)",
    ]
    rng = random.Random(3)
    texts = ["".join(rng.choice("abc ") for _ in range(rng.randrange(12))) for _ in range(3000)]
    for pattern in patterns:
        original, quick = re.compile(pattern), _alternatives.faster(re.compile(pattern))
        assert quick.pattern != pattern
        for text in texts:
            got = [m.span() for m in quick.finditer(text)]
            assert got == [m.span() for m in original.finditer(text)], (pattern, text)


def test_the_quick_clause_split_splits_as_the_plain_pattern() -> None:
    pieces = [
        "a",
        "word",
        " ",
        "  ",
        "\n",
        "\t",
        ".",
        "!?",
        ",",
        ";:",
        "\u2026",
        "but",
        " but ",
        "so",
        " so\n",
        "\nso ",
        "and then",
        " and then ",
        "and  then",
        "\u2003",
    ]
    rng = random.Random(8)
    made = ["".join(rng.choice(pieces) for _ in range(rng.randrange(25))) for _ in range(5000)]
    for text in [*TEXTS, *made]:
        assert embedded._CLAUSE_END_QUICK.split(text) == embedded._CLAUSE_END.split(text), text


def test_a_case_blind_regex_finds_the_same_spans_in_lower_cased_ascii() -> None:
    blind = [
        embedded._ADDRESSED_CASE_BLIND,
        embedded._SWEARING_CASE_BLIND,
        embedded._CURSE_AT_YOU,
        embedded._INTENSIFIER,
        film_talk._FIGURATIVE_CASE_BLIND,
    ]
    assert all(regex.lower is not None for regex in blind)
    texts = [*TEXTS, *_fragments([regex.regex.pattern for regex in blind])]
    texts += [changed for text in texts for changed in (text.upper(), text.swapcase())]
    for regex in blind:
        original = _alternatives.ORIGINALS.get(regex.regex, regex.regex)
        for text in texts:
            spans = [m.span() for m in original.finditer(text)]
            assert [m.span() for m in regex.finditer(text)] == spans, (original.pattern, text)
            found = regex.search(text)
            assert (found.span() if found else None) == (spans[0] if spans else None)
    for bound in [r"(?i:x)y", r"[A-Z]x", r"\x41", r"[!-~]", r"\\B", "\u212a", "\u017f"]:
        assert _alternatives.CaseBlind(re.compile(bound, re.IGNORECASE)).lower is None
    assert _alternatives.CaseBlind(re.compile(r"[a-z]\S\b[\w'-]", re.IGNORECASE)).lower


def test_a_masked_or_blanked_word_is_always_one_token() -> None:
    # What EmbeddedBackend._may_swear and _may_be_figurative rely on to skip their regexes:
    # what they blank is one vectorizer token (its lower case), in any text.
    model = LinearProfanityModel.from_library()
    blanked = [
        (embedded._SWEARING, None),
        (film_talk.FIGURATIVE, film_talk.FIGURATIVE_WORD),
        (film_talk.TASTE_GUESS, film_talk.FIGURATIVE_WORD),
    ]
    for text in TEXTS:
        for regex, word in blanked:
            for match in regex.finditer(text):
                start, end = match.span()
                if word is not None:  # the first of the match's words that is a harm word
                    first = next(
                        w for w in re.finditer(r"[\w']+", match.group(0)) if word.fullmatch(w[0])
                    )
                    start, end = start + first.start(), start + first.end()
                token = text[start:end]
                assert model._token.fullmatch(token.lower()), token
                assert not re.match(r"\w", text[end : end + 1])
                assert start == 0 or not re.match(r"\w", text[start - 1])


def test_bad_input_gets_a_verdict() -> None:
    backend = EmbeddedBackend()
    pipeline = ScreeningPipeline(backend)
    results = pipeline.screen_blocking(HOSTILE, never_let_me_go())
    pipeline.batcher.close_sync()
    by_text = dict(zip(HOSTILE, results, strict=True))
    for result in results:
        assert set(result.scores) == set(backend.labels)
        assert all(0.0 <= value <= 1.0 for value in result.scores.values())
    for nothing_to_score in ["\U0001f600" * 2000, "\u200b" * 4000, "\u0301" * 4000, ""]:
        assert by_text[nothing_to_score].skipped == "no words to score"
    assert by_text["you are an idiot " * 235].scores["insult"] >= 0.9
    assert by_text["x" * 4000].skipped is None


def test_the_first_verdict_then_the_second_look_scores_as_the_synchronous_path() -> None:
    """What the bot does (the first stage's verdict, the second look later in the worker's
    batches) ends with exactly the scores `screen_blocking` gives at once, and the first
    stage's scores equal the backend's with the second look off."""
    from bot.screening.pipeline import LookJob

    details = never_let_me_go()
    texts = TEXTS[:160]
    pipeline = ScreeningPipeline(EmbeddedBackend(), defer_second_look=True)
    without = ScreeningPipeline(EmbeddedBackend(second_look=False))
    at_once = pipeline.screen_blocking(texts, details)
    first = pipeline.screen_blocking(texts, details, wait=False)
    assert [s.scores for s in first] == [s.scores for s in without.screen_blocking(texts, details)]
    jobs = [LookJob(i, s.deferred) for i, s in enumerate(first) if s.deferred is not None]
    later: dict[int, dict[str, float]] = {}
    for start in range(0, len(jobs), 16):
        batch = jobs[start : start + 16]
        for job, looked in zip(batch, pipeline.look_again(batch), strict=True):
            later[job.row_id] = looked.scores
    raised = 0
    for index, (text, want) in enumerate(zip(texts, at_once, strict=True)):
        got = later.get(index, first[index].scores)
        assert got.keys() == want.scores.keys(), text[:80]
        for label, value in want.scores.items():
            # the encoder's float sums depend on which texts share its batch (padding): 1e-5
            assert got[label] == pytest.approx(value, abs=1e-5), (text[:80], label)
        raised += got != first[index].scores
    assert raised > 0  # the second look changed some scores: both paths were exercised
    for made in (pipeline, without):
        made.batcher.close_sync()
