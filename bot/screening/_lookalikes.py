"""Tables for normalise.py: letters from other scripts that look like Latin ones, and leetspeak.

Only letters a reader would take for the Latin one at a glance are listed; the mapping is
applied per word (see normalise.py), so real Cyrillic or Greek text is left alone.
"""

from __future__ import annotations

# Cyrillic, Greek, Armenian and Cherokee look-alikes -> Latin.
FOREIGN_LOOKALIKES: dict[str, str] = {
    # Cyrillic lower case
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "ү": "y",
    "х": "x",
    "ԝ": "w",
    "ь": "b",
    "п": "n",
    # Cyrillic upper case
    "А": "A",
    "В": "B",
    "С": "C",
    "Е": "E",
    "Ё": "E",
    "Н": "H",
    "І": "I",
    "Ї": "I",
    "Ј": "J",
    "К": "K",
    "М": "M",
    "О": "O",
    "Р": "P",
    "Ѕ": "S",
    "Т": "T",
    "У": "Y",
    "Ү": "Y",
    "Х": "X",
    "Ԁ": "D",
    "Ԛ": "Q",
    "Ԝ": "W",
    "Ӏ": "I",
    # Greek lower case
    "α": "a",
    "β": "b",
    "γ": "y",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ϳ": "j",
    # Greek upper case
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    # Armenian and Cherokee
    "օ": "o",
    "ս": "u",
    "հ": "h",
    "ո": "n",
    "Ꭺ": "A",
    "Ᏼ": "B",
    "Ꮯ": "C",
    "Ꭼ": "E",
    "Ꮋ": "H",
    "Ꮶ": "K",
    "Ꮇ": "M",
    "Ꮲ": "P",
    "Ꮪ": "S",
    "Ꭲ": "T",
    "Ꮃ": "W",
}

# Latin-script oddities that NFKC keeps: small capitals, dotless i, IPA letters.
LATIN_LOOKALIKES: dict[str, str] = {
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "ı": "i",
    "ɑ": "a",
    "ɡ": "g",
    "ɩ": "i",
    "ʋ": "u",
    "ɒ": "a",
    "ƅ": "b",
    "ɔ": "c",
    "ǝ": "e",
    "ɯ": "m",
}

# Leetspeak: the first choice is tried first; the lexicon picks among the alternatives.
LEET: dict[str, tuple[str, ...]] = {
    "0": ("o",),
    "1": ("i", "l"),
    "3": ("e",),
    "4": ("a",),
    "5": ("s",),
    "6": ("g", "b"),
    "7": ("t",),
    "8": ("b",),
    "9": ("g", "q"),
    "@": ("a",),
    "$": ("s",),
    "!": ("i", "l"),
    "|": ("l", "i"),
    "+": ("t",),
    "€": ("e",),
}

# Emoji that carry an insult on their own; every other emoji is left as it is.
INSULTING_EMOJI: dict[str, str] = {
    "\N{REVERSED HAND WITH MIDDLE FINGER EXTENDED}": " fuck you ",
    "\N{PILE OF POO}": " shit ",
}

# Characters that change nothing visible: removed before anything else.
INVISIBLE_EXTRA = {
    "\u034f",  # combining grapheme joiner
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u3164",  # Hangul filler
    "\uffa0",  # half-width Hangul filler
    "\u17b4",  # Khmer vowel inherent aq
    "\u17b5",  # Khmer vowel inherent aa
}
BLANK_AS_SPACE = {"\u2800"}  # braille pattern blank looks like a space
