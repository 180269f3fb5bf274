"""Film-agnostic reveal cues: the usual shapes of a plot reveal, whatever the film.

They let the guard work for a film the catalog knows nothing about (no plot, no cast), and add
recall for films it does know. Each cue is a pattern over a sentence's lower-cased, normalised
words; it scores 2 (counts at medium sensitivity) when the shape is a reveal ("the twist is
that...", "turns out he...", "was dead all along", "in the final shot...", "X is really Y"),
1 (high only) when it is only a hint ("finds out", "by the end"). Exclusions keep the ordinary
ways members praise a film or talk about its premise from matching: "the twist is great",
"it turns out to be a great film", "I was crying the whole time", "the final shot is gorgeous",
"it's really a film about grief", "she kills it in this role".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_THING = (
    r"(?!(?:film|movie|it|this|that|which|pacing|ending|score|music|script|editing|runtime|length|"
    r"plot|story|tension|humou?r|cgi|sequel|franchise|genre|dialogue|acting|twist|mood)\b)"
)
# Who an outcome happens to: a person or a character, never the film or its parts.
_SUBJECT = r"(?:he|she|they|him|her|(?:his|her|their|the) " + _THING + r"\w+|" + _THING + r"[a-z]+)"
_NOT_ME = r"(?<!\bi )(?<!\bwe )(?<!\byou )"
_ARTICLE = r"(?:a|an|the|his|her|their|its|my|our|one|another|just|also|still|already|not)"
_REVIEW_NOUNS = (
    r"(?:film|movie|story|study|meditation|masterpiece|gem|classic|watch|ride|mess|joy|treat|"
    r"delight|slog|experience|triumph|achievement|disappointment|blast|must|thriller|drama|"
    r"comedy|horror|romance|character study|slow burn|good|great|fun|bit|lot|little|actor|actress|"
    r"performer|director|filmmaker|writer|villain|hero|lead|character|role|performance)"
)
_REACTIONS = (
    r"(?:laugh|cry|crying|smil|grinn|hook|bor|grip|tense|engag|edge|glued|wait|guess|"
    r"think|thinking|wonder|confus|scream|shak|hold|holding|rooting|invested|entertain)"
)
_FATE_VERB = (
    r"(?:dies|died|dying|is killed|was killed|gets killed|got killed|is murdered|was murdered|"
    r"commits suicide|killed himself|killed herself|kills himself|kills herself|kills \w+|"
    r"killed \w+|murders \w+|murdered \w+|shoots \w+|shot (?:him|her|them|himself|herself|dead)|"
    r"is dead|was dead|ends up dead)"
)


@dataclass(frozen=True)
class Cue:
    """One reveal shape: `pattern` must match, `unless` (if set) must not."""

    name: str
    points: int
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def matches(self, lowered: str) -> bool:
        if not self.pattern.search(lowered):
            return False
        return self.unless is None or not self.unless.search(lowered)


def _cue(name: str, points: int, pattern: str, unless: str | None = None) -> Cue:
    return Cue(name, points, re.compile(pattern), re.compile(unless) if unless else None)


CUES: tuple[Cue, ...] = (
    _cue(
        "the twist is",
        2,
        r"\b(?:twist|reveal|big reveal|surprise|secret|catch)(?: \w+){0,4} (?:is|was) (?:that|when|how|who|"
        r"he|she|they|it's|his|her|their)\b",
    ),
    _cue(
        "turns out",
        2,
        r"\bturn(?:s|ed)? out (?:that )?(?:he|she|they|his|her|their|(?:[\w'-]+ ){1,4}(?:is|was|"
        r"were|are|had|has|never|did|does)\b|to be (?:a|an|the|his|her|their|dead|alive|\w+ed\b))",
        r"\bturn(?:s|ed)? out to be (?:a|an|the) (?:\w+ )?" + _REVIEW_NOUNS + r"\b|\bturn(?:s|ed)? "
        r"out (?:that )?(?:the )?(?:film|movie|it|this|i|we|you|ending|story|acting|script)\b",
    ),
    _cue("all along", 2, r"\ball along\b", r"\b(?:i|we) (?:knew|suspected|guessed|felt)\b"),
    _cue(
        "the whole time",
        2,
        r"\b(?:was|were|had been|has been|is|are|been) (?:\w+ ){0,4}(?:the whole time|"
        r"the entire (?:time|film|movie)|from the start|from the beginning)\b",
        r"\b(?:i|i'm|im|me|my|we|you|audience|viewers)\b|" + _REACTIONS,
    ),
    _cue(
        "was dead",
        2,
        r"\b(?:was|were|is|are|had been|has been|been|already|actually|really)(?: all)? dead\b"
        r"|(?:he|she|they|who|you)(?:'s|'re) (?:\w+ )?dead\b",
        r"\bdead (?:on|serious|ringer|end|wrong|right|silence)\b",
    ),
    _cue(
        "a ghost or a dream",
        2,
        r"\b(?:(?:was|were|is|are|been) (?:all |just |only )?(?:a dream|dreaming|a ghost|ghosts|"
        r"imaginary|imagined|a hallucination|hallucinating|a simulation|in a coma|in (?:his|her|"
        r"their|\w+'s) head)|never existed|figment of|(?:does ?n[o']t|did ?n[o']t|does not|did not) "
        r"exist|(?:is ?n[o']t|was ?n[o']t|is not|was not|are ?n[o']t|were ?n[o']t|never was) real)\b"
        r"|(?:he|she|they|\w+)(?:'s|'re) (?:all |just |only )?(?:a ghost|ghosts|imaginary|dreaming|"
        r"in (?:his|her|their|\w+'s) head)\b",
    ),
    _cue(
        "in the final shot",
        2,
        r"\b(?:in|during|at|by) the (?:final|last|closing) (?:shot|scene|scenes|moments|minutes|"
        r"frame|frames|seconds|act|reel)\b,? (?!(?:is|was|are|were|of this|of the film)\b)"
        r"(?:\w+ ){0,2}\w+",
        r"\b(?:i|we|you)\b (?:was|were|cried|laughed|felt|lost)\b",
    ),
    _cue(
        "X is really Y",
        2,
        _NOT_ME + r"\b(?!(?:it|this|that|which|there|film|movie|story|he's|she's)\b)\w+ "
        r"(?:is|was|are|were) (?:really|actually|secretly|in fact|truly) (?:"
        + _ARTICLE
        + r" )?(?!"
        + _REVIEW_NOUNS
        + r"\b)\w+",
        r"\b(?:it|this|that|film|movie|story|acting|score|ending|cast)'?s? (?:is|was) (?:really|"
        r"actually|truly)\b|\b(?:really|actually|truly) (?:(?:a|an|the|just|also|not) )?"
        r"(?:good|great|well|fun|bad|nice|beautiful|moving|funny|scary|long|slow|boring|"
        r"worth|about|into|enjoy|like|love|hate|felt|liked|loved|made|done|interesting|"
        r"impressive|strong|weak|sad|happy|dark|clever|decent|solid|brilliant|amazing|terrible|awful|"
        r"excellent|perfect|underrated|overrated|fantastic|wonderful|stunning|gorgeous|touching|"
        r"charming|likeable|unlikeable|annoying|convincing|believable|sympathetic|fine|okay|ok|"
        r"cool|creepy|menacing|hilarious|scene-stealing|magnetic|unsettling)\b",
    ),
    _cue(
        "is revealed",
        2,
        r"\b(?:is|was|are|were|gets|get) revealed\b|\breveal(?:s|ed)? (?:that|to be|himself|"
        r"herself|themselves|his|her|the truth)\b|\bthe (?:real|true) (?:killer|villain|culprit|"
        r"murderer|mastermind|identity|father|mother|attacker|assassin|shooter|culprit|thief)\b|\b(?:is|was) the (?:killer|murderer|"
        r"villain|culprit|mastermind|traitor|mole)\b|\bthe (?:killer|murderer|villain|culprit) (?:is|was|"
        r"turns out to be) (?:actually |really |secretly )?(?:his|her|their|none other|the (?!(?:best|worst|"
        r"most|highlight|star|standout|weakest|strongest|scariest|funniest|reason)\b))",
    ),
    _cue(
        "an outcome at the end",
        2,
        r"\b" + _SUBJECT + r" " + _FATE_VERB + r"\b",
        r"\b(?:kills|killed|killing|kill) (?:it|me|us|you)\b|\b(?:i|we|you) (?:died|die|dying|was dying)\b|"
        r"\bdies? (?:laughing|of laughter|of boredom)\b|\bdead (?:on|serious)\b",
    ),
    _cue(
        "the ending shows",
        2,
        r"\b(?:film|movie|it|story|everything) end(?:s|ed)? (?:with|when|as|after)\b"
        r"|\bin the "
        r"end,? (?!(?:it|it's|this|the film|the movie|i|we|you)\b)(?:\w+ )?(?:\w+s|\w+ed|is|was|"
        r"are|were|has|had|gets|chooses|decides|survives|escapes)\b",
    ),
    _cue("spoiler:", 2, r"\bspoilers?\s*[:\-]\s*\w"),
    _cue(
        "a deception",
        2,
        r"\b(?:was|is|were|are|'s|'re|been) (?:only |just |all )?(?:pretending|posing|faking|fake|"
        r"a lie|lying|a con|an act|a setup|a set-up|staged|made up|a trick|a test|an experiment)\b"
        r"|\bmade (?:\w+ ){0,3}up\b(?! (?:of|for)\b)|\bturn(?:s|ed)? (?:himself|herself|themselves) in\b"
        r"|\bg[ia]ves? (?:himself|herself|themselves) up\b",
        r"\b(?:it|this|film|movie|story|acting|plot)(?:'s| is| was) (?:only |just |all )?(?:fake|"
        r"an act|a trick|a test)\b|\bmake-?up\b",
    ),
    _cue(
        "kin",
        2,
        r"\b(?:killed|kills|murdered|murders|smothered|drowned|drowns|shot|shoots|poisoned|poisons|"
        r"slept with|sleeps with|married|marries|falls for|fell for|dating|loves) (?:his|her|their) "
        r"own (?:daughter|son|child|children|kids|mother|father|sister|brother|wife|husband|family)\b"
        r"|\b(?:is|was|'s) (?:actually |really |secretly )?(?:his|her|their|[\w-]+'s) (?:own )?(?:real )?"
        r"(?:daughter|son|mother|father|sister|brother|twin)\b",
    ),
    _cue(
        "finds out",
        1,
        r"\b(?:finds? out|found out|discovers?|discovered|learns?|learned|realises?|realizes?|"
        r"realised|realized) (?:that|who|what|the truth)\b",
    ),
    _cue(
        "by the end",
        1,
        r"\b(?:by|at|in) the end\b|\bthe ending\b|\bfinal (?:act|twist)\b|\bplot twist\b"
        r"|\b(?!(?:it|this|film|movie|i|we|you)\b)[a-z]+ end(?:s|ed)? up\b",
    ),
)


def cue_score(lowered: str) -> tuple[int, tuple[str, ...]]:
    """The best reveal cue in a lower-cased sentence (0 when none), with the cues' names."""
    hits = [(cue.points, cue.name) for cue in CUES if cue.matches(lowered)]
    if not hits:
        return 0, ()
    best = max(points for points, _ in hits)
    return best, tuple(name for points, name in hits if points == best)
