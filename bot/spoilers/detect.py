"""Spoiler detection: which sentences of a comment give a film's plot away, and a tagged rewrite.

Plot points come from the film's catalog entry, never from a hand-written list per film:
- characters: every name a character goes by, and the actors who play them ("Garfield");
- terms: words of the later/ending summary sections and quotes that the spoiler-free
  premise does not use, that are not everyday English (Zipf frequency below 4.5 in wordfreq,
  i.e. rarer than about 30 per million words) and not words any review uses; key terms return
  in more than one spoiler sentence or are rare (Zipf below 3): "donations", "deferral",
  "completes"; the others are weak terms;
- phrases: two neighbouring content words of a spoiler sentence, one of them a key term or an
  outcome word, neither a name nor an everyday word ("completes ... donations");
- outcome words any film shares ("dies", "killed") and cues ("in the end", "turns out").

Trivia facts are not read, even when marked as spoilers: their words are about the making of
the film, not its plot.

A sentence scores 3 for a phrase or a character with an outcome word ("Ruth dies"), 2 for a
key term (the film's own plot vocabulary), 1 for an outcome word alone, a weak term, or a
character with a cue ("Kathy ... at the end"). Sensitivity sets the score that counts: low 3
(explicit outcomes only), medium 2, high 1. Text already inside spoiler tags is not read.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from bot import limits
from bot.films.model import FilmDetails, SpoilerLevel, SummarySection
from bot.screening.normalise import normalise
from bot.spoilers._words import FATE_STEMS, GENERIC_STEMS, REVEAL_CUES, STOP_WORDS, stem, words
from bot.spoilers.cues import cue_score
from bot.spoilers.encoder import ParaphraseIndex, SentenceEncoder
from bot.spoilers.format import Document
from bot.spoilers.model import Sensitivity
from bot.spoilers.names import character_names, needs_capital
from bot.spoilers.sentences import join_fragments, sentences
from bot.spoilers.terms import ExtraTerms
from bot.text import escape_markdown, neutralise_mentions


@dataclass(frozen=True)
class PlotPoints:
    """What a film's catalog entry says its spoilers are made of (see the module docstring)."""

    names: dict[tuple[str, ...], str]  # lowercased name words -> the character
    case_sensitive: frozenset[tuple[str, ...]]  # names that are also common words
    key_terms: dict[str, str]  # stem -> a word as the catalog spells it
    weak_terms: dict[str, str]
    phrases: frozenset[tuple[str, str]]  # neighbouring stems
    identities: dict[tuple[str, ...], int] = field(default_factory=dict)  # double identities


@dataclass(frozen=True)
class Reveal:
    """A sentence that gives the plot away: where it is in the document's text, and why."""

    sentence: str
    start: int
    end: int
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class GuardResult:
    reveals: tuple[Reveal, ...]
    rewritten: str | None  # markdown with the revealing sentences tagged; None if none
    parts: list[str] = field(default_factory=list)  # `rewritten` split under message limits

    @property
    def reveals_anything(self) -> bool:
        return bool(self.reveals)


def plot_points(details: FilmDetails) -> PlotPoints:
    """Derive the film's plot points from its catalog entry."""
    names, identities = character_names(details)
    name_words = {w for name in names for w in name}
    premise = [s.text for s in details.summary if s.level == SpoilerLevel.PREMISE]
    premise += [details.film.title, details.film.synopsis or ""]
    premise += [q.text for q in details.quotes if q.level == SpoilerLevel.PREMISE]
    premise_stems = {stem(w) for text in premise for w, _, _ in words(normalise(text).text)}
    spoiler_sentences = []
    for text in _spoiler_texts(details):
        text = normalise(text).text
        spoiler_sentences += [text[a:b] for a, b in sentences(text)]
    setup = _setup_stems(details, premise_stems)
    # A brief plot (a moderator's few lines) names only what matters: no word can recur.
    brief = sum(len(text.split()) for text in spoiler_sentences) < BRIEF_PLOT_WORDS
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}  # stem -> its rarest spelling in the spoiler text
    pairs: set[tuple[str, str]] = set()
    for sentence in spoiler_sentences:
        content = [
            (stem(w), w)
            for w, _, _ in words(sentence)
            if w not in STOP_WORDS and len(w) > 2 and w not in name_words
        ]
        for s, w in content:
            if s not in spelled or _zipf(w) < _zipf(spelled[s]):
                spelled[s] = w
        counts.update({s for s, _ in content})
        stems = [s for s, _ in content]
        for left, right in zip(stems, stems[1:], strict=False):
            if left != right and not {left, right} & GENERIC_STEMS:
                pairs.add((left, right) if left < right else (right, left))
    terms = {s for s, w in spelled.items() if _is_term(s, w, premise_stems, name_words)}
    rarity = {s: _zipf(spelled[s]) for s in terms}
    key = {
        s: spelled[s]
        for s in terms
        if s not in setup and (brief or counts[s] >= 2 or rarity[s] < RARE_ZIPF)
    }
    weak = {s: spelled[s] for s in terms if s not in key}
    strong = set(key) | FATE_STEMS
    phrases = {p for p in pairs if set(p) & strong and set(p) <= (terms | FATE_STEMS)}
    case_sensitive = frozenset(n for n in names if needs_capital(n))
    return PlotPoints(names, case_sensitive, key, weak, frozenset(phrases), identities)


EVERYDAY_ZIPF = 4.5  # wordfreq Zipf scale: 4.5 is about 30 occurrences per million words
RARE_ZIPF = 4.0
BRIEF_PLOT_WORDS = 120


@functools.cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loads word lists: only when plot points are built

    return zipf_frequency(word, "en")


def _is_term(stemmed: str, word: str, premise: set[str], name_words: set[str]) -> bool:
    return (
        len(word) >= 4
        and stemmed not in premise
        and stemmed not in GENERIC_STEMS
        and stemmed not in FATE_STEMS
        and word not in name_words
        and _zipf(word) < EVERYDAY_ZIPF
    )


PARAPHRASE_MIN = 0.6  # cosine of all-MiniLM-L6-v2 embeddings (tuned on the tuning rows)
PARAPHRASE_MARGIN = 0.3  # and closer to it than to any premise sentence by this much


def _paraphrase_index(details: FilmDetails, encoder: SentenceEncoder) -> ParaphraseIndex:
    spoilers = [t[a:b] for t in _spoiler_texts(details) for a, b in sentences(t)]
    premise_texts = [s.text for s in details.summary if s.level == SpoilerLevel.PREMISE]
    premise_texts.append(details.film.synopsis or "")
    premise = [t[a:b] for t in premise_texts for a, b in sentences(t)]
    return ParaphraseIndex(encoder, [s for s in spoilers if len(s.split()) > 3], premise)


SETUP_AFTER = 3  # a plot told in this many sections or more opens with its set-up


def _setup_stems(details: FilmDetails, premise: set[str]) -> set[str]:
    """Words only the first section of a long plot uses: its set-up, which members and
    trailers talk about freely, so they are weak terms at most ("servants arrive")."""
    later = [s for s in details.summary if s.level != SpoilerLevel.PREMISE]
    if len(later) < SETUP_AFTER:
        return set()

    def stems_of(section: SummarySection) -> set[str]:
        return {stem(w) for w, _, _ in words(normalise(section.text).text)}

    rest: set[str] = set().union(*(stems_of(section) for section in later[1:]))
    return stems_of(later[0]) - rest - premise


def _spoiler_texts(details: FilmDetails) -> list[str]:
    texts = []
    for section in details.summary:
        if section.level != SpoilerLevel.PREMISE:
            texts += [section.heading, section.text]
    texts += [q.text for q in details.quotes if q.level != SpoilerLevel.PREMISE]
    return texts


class SpoilerDetector:
    """Finds sentences that reveal a film's plot; build once per film and reuse."""

    def __init__(
        self,
        details: FilmDetails,
        sensitivity: Sensitivity | str = Sensitivity.MEDIUM,
        *,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        self.details = details
        self.points = plot_points(details)
        self.sensitivity = Sensitivity(sensitivity)
        self.paraphrases = _paraphrase_index(details, encoder) if encoder else None

    def score(self, sentence: str, extra: ExtraTerms | None = None) -> tuple[int, tuple[str, ...]]:
        """How much `sentence` gives away (0-3), with the reasons a member can be shown.

        The sentence is read as the screening normaliser leaves it, so zero-width spaces,
        look-alike letters, leetspeak and spaced-out letters do not hide a reveal. Bars left
        in visible text are literal (Discord read them as part of a URL, say), so they are
        word breaks: the normaliser drops URLs, and must not drop the words glued to one."""
        sentence = normalise(sentence.replace("|", " ")).text
        tokens = words(sentence)
        content = [(stem(w), w) for w, _, _ in tokens if w not in STOP_WORDS and len(w) > 2]
        rules = self._plot_rules(sentence, tokens, content)
        cue_points, cue_names = cue_score(" ".join(sentence.lower().replace("’", "'").split()))
        rules.append((cue_points, bool(cue_points), f"reveal cue: {', '.join(cue_names)}"))
        if self.paraphrases is not None and max((p for p, hit, _ in rules if hit), default=0) < 3:
            rules.append(_paraphrase_rule(self.paraphrases, sentence))
        if extra:
            stems = [stem(w) for w, _, _ in tokens if w not in STOP_WORDS]
            for points, term in extra.matches(stems):
                rules.append((points, True, f"spoiler term: {term}"))
        matched = [(points, reason) for points, hit, reason in rules if hit and points]
        if not matched:
            return 0, ()
        best = max(points for points, _ in matched)
        return best, tuple(dict.fromkeys(r for points, r in matched if points == best))

    def _plot_rules(
        self, sentence: str, tokens: list[Token], content: list[tuple[str, str]]
    ) -> list[Rule]:
        mentions = self._mentions(sentence, tokens)
        characters = list(dict.fromkeys(m[0] for m in mentions))
        key = sorted({w for s, w in content if s in self.points.key_terms})
        weak = sorted({w for s, w in content if s in self.points.weak_terms})
        fate = sorted({w for s, w in content if s in FATE_STEMS})
        lowered = " ".join(w for w, _, _ in tokens)
        cues = [c for c in REVEAL_CUES if re.search(rf"\b{c}\b", lowered)]
        phrases = [
            f"{a} ... {b}" if a != b else a
            for (sa, a), (sb, b) in zip(content, content[1:], strict=False)
            if tuple(sorted((sa, sb))) in self.points.phrases
        ]
        who = ", ".join(characters)
        return [
            (3, bool(phrases), f'a phrase from the plot: "{"; ".join(phrases)}"'),
            (3, bool(characters and fate), f"{who} with {', '.join(fate)}"),
            (2, bool(key), f"plot words: {', '.join(key)}"),
            (1, bool(fate or weak), f"words: {', '.join(fate + weak)}"),
            (1, bool(characters and cues), f"{who} with {', '.join(cues)}"),
            *self._identity_rules(mentions, [w for w, _, _ in tokens]),
        ]

    def is_spoiler(self, sentence: str, extra: ExtraTerms | None = None) -> bool:
        """Whether the sentence scores at least the sensitivity's threshold."""
        return self.score(sentence, extra)[0] >= self.sensitivity.threshold

    def find_reveals(self, markdown: str, extra: ExtraTerms | None = None) -> list[Reveal]:
        """Sentences of `markdown`, outside spoiler tags, that reveal the plot."""
        doc = Document.parse(markdown)
        return self._reveals(doc, extra)

    def guard(self, markdown: str, extra: ExtraTerms | None = None) -> GuardResult:
        """The revealing sentences and, if any, the comment re-written with them tagged.

        The rewrite keeps everything else as written (formatting, existing tags) and makes
        mentions inert, so a re-post can never ping.
        """
        doc = Document.parse(markdown)
        reveals = self._reveals(doc, extra)
        if not reveals:
            return GuardResult((), None, [])
        ranges = _join_neighbours(doc.text, [(r.start, r.end) for r in reveals])
        rewritten = neutralise_mentions(doc.hide(ranges).render())
        parts = Document.parse(rewritten).split(limits.MESSAGE_CONTENT)
        return GuardResult(tuple(reveals), rewritten, parts)

    def _reveals(self, doc: Document, extra: ExtraTerms | None) -> list[Reveal]:
        mask = doc.hidden()
        readable = "".join(" " if hidden else ch for ch, hidden in zip(doc.text, mask, strict=True))
        reveals = []
        for start, end in join_fragments(readable, sentences(readable)):
            score, reasons = self.score(readable[start:end], extra)
            if score >= self.sensitivity.threshold:
                reveals.append(Reveal(doc.text[start:end], start, end, score, reasons))
        return reveals

    def _mentions(self, sentence: str, tokens: list[Token]) -> list[Mention]:
        """Each character name in the sentence: (character, name words, first, last token)."""
        token_words = [w for w, _, _ in tokens]
        mentions = []
        for name, character in self.points.names.items():
            for i in range(len(token_words) - len(name) + 1):
                if tuple(token_words[i : i + len(name)]) != name:
                    continue
                if name in self.points.case_sensitive and not sentence[tokens[i][1]].isupper():
                    continue
                mentions.append((character, name, i, i + len(name)))
        return mentions

    def _identity_rules(self, mentions: list[Mention], tokens: list[str]) -> list[Rule]:
        """One character's two identities named together; "A is (really) B" for two others."""
        sides: dict[str, set[int]] = {}
        for character, name, _, _ in mentions:
            if name in self.points.identities:
                sides.setdefault(character, set()).add(self.points.identities[name])
        double = [c for c, indexes in sides.items() if len(indexes) == 2]
        linked = [
            f"{a} = {b}"
            for a, _, _, end in mentions
            for b, _, start, _ in mentions
            if a != b and start > end and " ".join(tokens[end:start]) in IS_LINKS
        ]
        return [
            (3, bool(double), f"both names of {', '.join(double)}"),
            (2, bool(linked), f"one character is another: {', '.join(linked)}"),
        ]


Mention = tuple[str, tuple[str, ...], int, int]
Rule = tuple[int, bool, str]
Token = tuple[str, int, int]  # a word, lower-cased, and where it is in the sentence


def _paraphrase_rule(paraphrases: ParaphraseIndex, sentence: str) -> Rule:
    spoiler, premise, closest = paraphrases.match(sentence)
    hit = spoiler >= PARAPHRASE_MIN and spoiler - premise >= PARAPHRASE_MARGIN
    return 2, hit, f'close to the plot ("{(closest or "")[:80]}")'


IS_LINKS = frozenset(
    f"{verb}{adverb}"
    for verb in ("is", "was", "are", "were", "has been", "had been")
    for adverb in ("", " really", " actually", " secretly", " in fact", " also", " just")
)


def _join_neighbours(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges with only whitespace between them become one, so one click reveals both."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if joined and not text[joined[-1][1] : start].strip():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def guard_note(film_label: str, result: GuardResult) -> str:
    """The private note for the author of a comment the guard re-posted."""
    count = len(result.reveals)
    which = "sentence" if count == 1 else "sentences"
    why = "; ".join(dict.fromkeys(reason for r in result.reveals for reason in r.reasons))
    why = neutralise_mentions(escape_markdown(why))  # terms are shown as typed, never as markup
    return (
        f"Your comment in the {film_label} discussion was re-posted with {count} {which} "
        f"behind spoiler tags, because this thread keeps plot reveals hidden ({why}). "
        "Wrap spoilers in ||double bars|| to post them yourself. Your original text is kept "
        "for moderators."
    )
