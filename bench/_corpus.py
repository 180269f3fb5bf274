"""Texts the screening benchmarks run on: the Jigsaw sample and the seed blog's comments.

The shared folder sits beside the repository (`../shared`); from a worktree it is found by
walking up the parent folders. Pass `--shared PATH` to the benchmarks to choose it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
JIGSAW = Path("data") / "jigsaw_test_sample.csv"
BLOG_SEED = "002_*.txt"
JIGSAW_LABELS = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
_COMMENT_START = re.compile(r"^\s*(?:\d+\.|\u2022)\s+(.*)$")
_LIKED = re.compile(r"^\s*Liked by \d+ (?:person|people)\s*$")


@dataclass(frozen=True)
class LabelledComment:
    text: str
    toxic: bool  # any of the six Jigsaw labels
    labels: tuple[str, ...]


def find_shared(explicit: str | Path | None = None) -> Path:
    """The shared data folder: `explicit`, else ../shared beside the repo or a parent."""
    if explicit is not None:
        path = Path(explicit)
        if not (path / JIGSAW).is_file():
            raise SystemExit(f"{path} has no {JIGSAW}: pass the folder that holds data/ and seeds/")
        return path
    for folder in [REPO_ROOT, *REPO_ROOT.parents]:
        candidate = folder.parent / "shared" if folder == REPO_ROOT else folder / "shared"
        if (candidate / JIGSAW).is_file():
            return candidate
    raise SystemExit("cannot find ../shared/data/jigsaw_test_sample.csv: pass --shared PATH")


def jigsaw(shared: Path) -> list[LabelledComment]:
    """The Jigsaw test sample: comment text and its labels."""
    with (shared / JIGSAW).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    comments = []
    for row in rows:
        labels = tuple(label for label in JIGSAW_LABELS if row[label].strip() == "1")
        comments.append(LabelledComment(row["comment_text"], bool(labels), labels))
    return comments


def blog_comments(shared: Path) -> list[str]:
    """The comments shown under the seed blog post (15 of its 22), in order."""
    [path] = sorted((shared / "seeds").glob(BLOG_SEED))
    text = path.read_text(encoding="utf-8")
    start = text.index("thoughts on")
    end = text.index("Leave a Reply", start)
    comments: list[list[str]] = []
    for line in text[start:end].splitlines()[1:]:
        match = _COMMENT_START.match(line)
        if match:
            comments.append([match.group(1).strip()])
        elif comments and line.strip() and not _LIKED.match(line):
            comments[-1].append(line.strip())
    return ["\n".join(parts) for parts in comments]


def chat_messages(shared: Path, max_chars: int = 300) -> list[str]:
    """Chat-sized messages (cut at a word under `max_chars`) from the Jigsaw and blog texts."""
    sources = [c.text for c in jigsaw(shared)] + blog_comments(shared)
    messages = []
    for text in sources:
        text = " ".join(text.split())
        if len(text) > max_chars:
            cut = text.rfind(" ", 0, max_chars)
            text = text[: cut if cut > 0 else max_chars]
        if text:
            messages.append(text)
    return messages


def words_of(texts: list[str]) -> list[str]:
    """Lower-case words and punctuation as BERT's basic tokenizer splits them, by frequency."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in re.findall(r"\w+|[^\w\s]", text.lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: -counts[w])
