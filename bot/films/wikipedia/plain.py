"""Wikitext reduced to the plain text a reader sees: links to their labels, references and
most templates dropped, the few templates that carry text (nowrap, lang, lists) kept.

Works on mwparserfromhell nodes, so no markup is parsed by hand here.
"""

from __future__ import annotations

import html
import re

import mwparserfromhell
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

# Templates whose text is part of the sentence: name -> which positional parameter holds it.
TEXT_TEMPLATES = {
    "nowrap": "1",
    "small": "1",
    "smaller": "1",
    "big": "1",
    "nobr": "1",
    "nobold": "1",
    "noitalic": "1",
    "em": "1",
    "strong": "1",
    "lang": "2",
    "langx": "2",
    "transl": "2",
    "sortname": "",
    "abbr": "1",
    "the": "1",
    "visible anchor": "1",
    "anchor": "",
    "film date": "",
    "start date": "",
    "ill": "1",
    "interlanguage link": "1",
    "nihongo": "1",
    "usd": "",
    "us$": "",
    "gbp": "",
    "£": "",
    "€": "",
    "eur": "",
    "inr": "",
    "₹": "",
    "jpy": "",
    "¥": "",
    "aud": "",
    "cad": "",
    "based on": "1",
}
LIST_TEMPLATES = frozenset(
    {
        "ubl",
        "unbulleted list",
        "plainlist",
        "plain list",
        "flatlist",
        "flat list",
        "hlist",
        "bulleted list",
        "blist",
        "collapsible list",
        "unbulleted_list",
        "br separated entries",
    }
)
CURRENCY = {
    "usd": "$",
    "us$": "$",
    "gbp": "£",
    "£": "£",
    "€": "€",
    "eur": "€",
    "inr": "₹",
    "₹": "₹",
    "jpy": "¥",
    "¥": "¥",
    "aud": "A$",
    "cad": "CA$",
}
SKIPPED_TAGS = frozenset({"ref", "references", "gallery", "math", "score", "timeline"})
LINE_BREAK_TAGS = frozenset({"br", "hr"})
FILE_PREFIXES = ("file:", "image:", "category:", "media:")
SPACES = re.compile(r"[ \t\u00a0]+")
SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)])")


def template_name(template: Template) -> str:
    """A template's name folded for comparison: "Infobox_film " -> "infobox film"."""
    return " ".join(str(template.name).replace("_", " ").split()).casefold()


def plain_text(code: Wikicode | str, *, separator: str = " ") -> str:
    """The readable text of `code` on one line (lists joined with `separator`)."""
    if isinstance(code, str):
        code = mwparserfromhell.parse(code)
    pieces: list[str] = []
    _walk(code, pieces, separator)
    text = SPACES.sub(" ", "".join(pieces))
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def items(code: Wikicode | str) -> list[str]:
    """The entries of a list value ("A<br />B", "{{ubl|A|B}}", "{{plainlist|* A\n* B}}")."""
    if isinstance(code, str):
        code = mwparserfromhell.parse(code)
    text = plain_text(code, separator="\n")
    entries = []
    for line in text.replace("•", "\n").split("\n"):
        line = line.strip().lstrip("*#:;").strip()
        if line:
            entries.append(line)
    return entries


def _walk(code: Wikicode, pieces: list[str], separator: str) -> None:
    for node in code.nodes:
        if isinstance(node, Text):
            pieces.append(str(node.value))
        elif isinstance(node, Wikilink):
            _link(node, pieces, separator)
        elif isinstance(node, Template):
            _template(node, pieces, separator)
        elif isinstance(node, Tag):
            _tag(node, pieces, separator)
        elif isinstance(node, HTMLEntity):
            pieces.append(html.unescape(str(node)))
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                _walk(node.title, pieces, separator)
        elif isinstance(node, (Comment, Heading)):
            continue


def _link(node: Wikilink, pieces: list[str], separator: str) -> None:
    target = str(node.title).strip()
    if target.casefold().lstrip(":").startswith(FILE_PREFIXES):
        return
    if node.text is not None:
        _walk(node.text, pieces, separator)
    else:
        pieces.append(target.split("#")[0] or target.lstrip("#"))


def _template(node: Template, pieces: list[str], separator: str) -> None:
    name = template_name(node)
    if name in LIST_TEMPLATES:
        values = [p.value for p in node.params if not p.showkey]
        parts = [plain_text(v, separator=separator) for v in values]
        if len(parts) == 1 and "\n" in parts[0]:  # {{plainlist|* A\n* B}}
            parts = [p.strip().lstrip("*").strip() for p in parts[0].split("\n")]
        pieces.append(separator.join(p for p in parts if p))
        return
    if name not in TEXT_TEMPLATES:
        return
    if name == "based on" and node.has("1"):
        work = plain_text(node.get("1").value)
        authors = [plain_text(p.value) for p in node.params[1:] if not p.showkey]
        pieces.append(f"{work} by {' and '.join(authors)}" if authors else work)
        return
    if name in CURRENCY and node.has("1"):
        pieces.append(CURRENCY[name] + plain_text(node.get("1").value))
        return
    key = TEXT_TEMPLATES[name]
    if key == "":
        positional = [plain_text(p.value) for p in node.params if not p.showkey]
        pieces.append(" ".join(p for p in positional if p))
    elif node.has(key):
        _walk(node.get(key).value, pieces, separator)


def _tag(node: Tag, pieces: list[str], separator: str) -> None:
    tag = str(node.tag).strip().casefold()
    if tag in SKIPPED_TAGS:
        return
    if tag in LINE_BREAK_TAGS:
        pieces.append(separator)
        return
    if tag == "li":
        pieces.append(separator)
    if node.contents is not None:
        _walk(node.contents, pieces, separator)
