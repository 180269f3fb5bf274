"""Crude, hyperbolic and exclaimed film talk that alt-profanity-check reads as abuse.

The linear model knows words, not what they aim at: "damn" alone scores 0.98, "kill" 0.95,
"blow" 0.80 and "garbage" 0.91, whether the comment says "damn you, you idiot" or "damn
you, Pixar, for making me cry". These word lists and phrases tell embedded.py where such a
word aims at no member:
- exclamations ("Damn,", "Holy shit", "Oh for fuck's sake"), left out of the scored text;
- figurative harm, aimed at the speaker or at a feeling ("this cliffhanger will kill me",
  "it'll blow your mind", "I nearly died laughing", "shut up and watch it"): the harm word is
  not given to the model (the pattern layer still reads the whole text for threats);
- a curse whose "you" is a name ("Damn you, Pixar,", "screw you Netflix"): that "you"
  speaks to the name, not to a member;
- swearing as an intensifier ("scary as hell", "gory as fuck"): not counted when deciding
  whether a comment is mostly swearing.
"""

from __future__ import annotations

import re

from bot.screening._alternatives import CaseBlind, faster


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words of exclamations ("Damn!", "Holy shit", "Hell yes", "What the fuck"): a clause made
# only of these is a reaction, not abuse, and is left out of the scored text.
INTERJECTION_WORDS = _word_set(
    """damn dammit damnit goddamn goddam god lord jesus christ holy hell heck shit shite crap
    fuck fucking fuckin freaking frickin friggin bloody oh ohh ah ahh wow whoa yes yeah yep
    yup no nope omg omfg wtf wth lol lmao lmfao man dude bro me my what the a sweet mother of
    good dear grief gosh gee jeez geez almighty heavens heaven mercy sake fuck's christ's
    god's pete's heaven's for hot moly crikey blimey cripes gods dayum well boy yikes actual
    absolute lordy lawd effing fricking frigging bejesus mate guys lads folks woah ooh ugh
    phew goddammit goddamnit fuckin' screw sod bugger hells bells okay ok"""
)
# Words a run of exclamations may not end on ("Oh my", "for", "what the"): the run is cut
# back to its last other word. Exclamations that take an object ("fuck you", "damn this")
# are peeled off a clause only when what follows cannot be their object.
RUN_FILLER = _word_set("a the of my what for sweet good dear mother holy hot actual absolute")
CURSES = _word_set("fuck fucking fuckin fuckin' screw damn goddamn goddam sod bugger shit")
CURSED_OBJECT = re.compile(
    r"(?:you|u|ya)\b(?!\s+(?:were|was|are|'re|re|have|'ve|had|need|needed|should|must|can|could|"
    r"will|'ll|would|'d|did|do|got|know|knew|said|called|nailed|weren't|wasn't|aren't|haven't|"
    r"didn't|don't|can't|won't|really|actually|totally|absolutely|just|finally)\b)|"
    r"(?:your|ur|yourself|@member|off|this|that|it|him|her|them|the|all|these|those|everyone|"
    r"everybody|everything|every|him|his|her)\b",
    re.IGNORECASE,
)

# Harm aimed at the speaker or at a feeling, what a film does to its viewer. In each match
# the first FIGURATIVE_WORD is a word the model reads as abuse: it is blanked before scoring.
_KILL = (
    r"kill(?:s|ed|ing)?|murder(?:s|ed|ing)?|destroy(?:s|ed|ing)?|wreck(?:s|ed|ing)?|"
    r"ruin(?:s|ed|ing)?|slay(?:s|ed|ing)?|slew|gut(?:s|ted|ting)?"
)
_BREAK = (
    r"blow(?:s|ing)?|blew|blown|melt(?:s|ed|ing)?|fr(?:y|ies|ied|ying)|break(?:s|ing)?|broke|"
    r"broken|rip(?:s|ped|ping)?|tear(?:s|ing)?|tore|torn|shatter(?:s|ed|ing)?|"
    r"crush(?:es|ed|ing)?|scrambl(?:e|es|ed|ing)|" + _KILL
)
_DIE = r"die|dies|died|dying|dead"
_PHRASES = [
    rf"(?:{_KILL})\s+(?:me|us|myself|ourselves)\b",  # "this cliffhanger will kill me"
    r"the\s+death\s+of\s+(?:me|us)\b",
    r"(?:kill(?:s|ed|ing)|slay(?:s|ed|ing)|slew)\s+it\b",  # "Cillian Murphy is killing it"
    rf"(?:{_BREAK})\s+(?:your|ur|my|our|everyone's|people's)\s+(?:(?:tiny|little|poor)\s+)?"
    r"(?:minds?|hearts?|socks|souls?|heartstrings|brains?\b(?!\s+out\b))",  # "blow your mind"
    rf"(?:{_DIE})\s+(?:of\s+)?(?:laughing|laughter|boredom|embarrassment|cringe|shame|"
    r"excitement|happiness|inside)\b",
    r"(?:nearly|almost|literally|practically|basically|just\s+about|could\s+have|could've)\s+"
    rf"(?:{_DIE})\b",
    r"(?<!\bgo\s)(?:shit|shat|piss|pissed|wet)\s+(?:yourself|myself|ourselves|themselves|"
    r"(?:your|my|our)\s+(?:pants|trousers|knickers))\b",  # "you'll shit yourself"
    r"shut\s+up\s+and\s+(?:watch|listen|take|enjoy|see|read|dance|play|buy|let|give|sing|"
    r"go\s+(?:see|watch))\b",  # "shut up and watch it"
]
FIGURATIVE = faster(re.compile(r"\b(?:" + "|".join(_PHRASES) + ")", re.IGNORECASE))
_FIGURATIVE_CASE_BLIND = CaseBlind(FIGURATIVE)
# A guess at the reader's taste in a film ("I think you'd hate Midsommar"): "hate" aims at the
# title, a capitalised word (or "it", "this film") right after the verb. Apart from
# FIGURATIVE because the capital is matched case-sensitively, which CaseBlind cannot take.
TASTE_GUESS = faster(
    re.compile(
        r"\b(?:you'd|you\s+would|you'll|you\s+will|you\s+might|you\s+may)\s+(?:probably\s+|"
        r"definitely\s+|really\s+|totally\s+|absolutely\s+|actually\s+|just\s+)?"
        r"(?:hate|loathe|despise|detest)\s+(?:(?-i:[A-Z0-9])|(?:it|this|that)\b(?!\s+(?:one|"
        r"guy|man|woman|person|kid)\b)|(?:the|this|that)\s+(?:film|movie|ending|sequel|remake|"
        r"book|show)\b)",
        re.IGNORECASE,
    )
)
FIGURATIVE_WORD = re.compile(
    rf"(?:{_BREAK}|death|{_DIE}|shut|shit|shat|piss|pissed|wet|hate|loathe|despise|detest)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")


def without_figurative_harm(text: str) -> str:
    """The text with the harm word of each figurative phrase blanked (same length)."""
    matches = [*_FIGURATIVE_CASE_BLIND.finditer(text), *TASTE_GUESS.finditer(text)]
    for match in matches:  # groups may be lower case; the two never share a word
        for word in _WORD.finditer(match.group(0)):
            if FIGURATIVE_WORD.fullmatch(word.group(0)):
                start, end = match.start() + word.start(), match.start() + word.end()
                text = text[:start] + " " * (end - start) + text[end:]
                break
    return text


# A curse whose "you" is followed by a name ("Damn you, Pixar,", "fuck you Zack Snyder"):
# that "you" (group `you`) speaks to the name; group `name` is checked to be no insult.
_MILD = r"damn|goddamn|screw|sod|bugger|curse|blast|darn|dang|bless"
VOCATIVE = re.compile(
    rf"\b(?P<curse>{_MILD}|fuck|f\*ck)\s+(?P<you>you)[,.]?\s+"
    r"(?-i:(?P<name>(?!I\b|You\b|Your\b|U\b)[A-Z][\w'.&-]*))",
    re.IGNORECASE,
)
MILD_CURSE = re.compile(rf"(?:{_MILD})", re.IGNORECASE)
# What every VOCATIVE match holds: a quick first check (VOCATIVE's groups keep it slow).
CURSE_AT_YOU = faster(re.compile(rf"\b(?:{_MILD}|fuck|f\*ck)\s+you", re.IGNORECASE))
# Words of contempt that are swearing at a thing ("screw this sequel", "a steaming pile of
# garbage") or at one person not in the chat, most often a character ("Cage plays a mad
# bastard in Mandy"; the plural, "the mods are bastards", is left to the model): weighed
# down with the swear words, but not counted as swearing. Said to a member ("you bastard")
# they count in full, as all swearing at someone does.
CONTEMPT_WORDS = (
    r"screw(?:s|ed)?|garbage|trash|rubbish|bollocks|dogshit|shitshow|bastard|"
    r"motherfuck(?:er|ing|in)|mofo|psycho"
)
CONTEMPT = re.compile(rf"(?<![\w'])(?:{CONTEMPT_WORDS})(?![\w'])", re.IGNORECASE)
# Swearing that only intensifies ("scary as hell", "your damn mind", "a fucking masterpiece"):
# not counted when asking whether a comment is mostly swearing, and at someone it counts only
# when the rest is abusive ("you're fucking useless"). Its words are all swear words of
# embedded.py (the model's swear words mark the texts worth searching).
INTENSIFIER = re.compile(
    r"(?<![\w'])(?:damn(?:ed)?|fucking|fuckin|freaking|frigging|friggin|bloody|goddamn)"
    r"(?=\s+(?!(?:you|your|yours|yourself|yourselves|u|ur|off|up|out|me|it|this|that|him|her|"
    r"them|us|hell)\b)[a-z])|(?<=\bas\s)(?:fuck|hell|shit|crap)\b",
    re.IGNORECASE,
)
