"""Labelled comment files for `python -m bench quality`: reading them and scoring per label.

A file is a TSV whose header has at least `expect` (pass or flag) and `text`; the shipped set
(bench/data/screening_quality.tsv) also has `split` (tune: what the rules were written
against; heldout: written apart and never tuned on), `label` (threat, identity_attack,
insult, or none for film talk that must pass) and `kind` (veiled threat, hate, violent film
talk...). `\\n` in a text is a new line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.screening.policy import Thresholds

SHIPPED = Path(__file__).with_name("data") / "screening_quality.tsv"
# Sets written later, each about other films and run once before any rule was changed for it
# (its split: fresh, fresh2, fresh3); see docs/screening.md for what was tuned on which.
FRESH = sorted(SHIPPED.parent.glob("screening_quality_fresh*.tsv"))
# Crude and hyperbolic film talk against insults that look like it (see docs/screening.md).
CRUDE = sorted(SHIPPED.parent.glob("screening_quality_crude*.tsv"))
EXPECTATIONS = ("pass", "flag")
NONE = "none"


@dataclass(frozen=True)
class Row:
    line: int
    expect: str
    text: str
    split: str = ""
    label: str = ""
    kind: str = ""


def read_tsv(path: Path) -> list[Row]:
    """Rows of a labelled file; SystemExit naming the line of any bad row."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SystemExit(f"{path}: cannot read it ({exc.strerror})") from None
    header = [name.strip().lower() for name in lines[0].split("\t")] if lines else []
    if "expect" not in header or "text" not in header or header[-1] != "text":
        raise SystemExit(f"{path}: the first line must be a header with expect and text (last)")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t", len(header) - 1)
        if len(cells) != len(header):
            raise SystemExit(f"{path}:{number}: expected {len(header)} tab-separated cells")
        values = dict(zip(header, (c.strip() for c in cells[:-1]), strict=False))
        expect = values["expect"].lower()
        if expect not in EXPECTATIONS:
            raise SystemExit(f"{path}:{number}: expect must be 'pass' or 'flag', not {expect!r}")
        text = cells[-1].replace("\\n", "\n")
        rows.append(
            Row(
                number,
                expect,
                text,
                values.get("split", ""),
                values.get("label", ""),
                values.get("kind", ""),
            )
        )
    return rows


def fired_labels(
    scores: dict[str, float], limits: Mapping[str, tuple[Thresholds, str]]
) -> set[str]:
    """The labels whose score reaches their flag (or hide) threshold."""
    fired: set[str] = set()
    for label, score in scores.items():
        if label not in limits:
            continue
        thresholds = limits[label][0]
        lowest = min((t for t in (thresholds.flag, thresholds.hide) if t is not None), default=None)
        if lowest is not None and score >= lowest:
            fired.add(label)
    return fired


def per_label_lines(rows: list[Row], fired: list[set[str]]) -> list[str]:
    """Precision and recall per expected label, and the film talk (label none) caught."""
    lines = []
    labels = sorted({row.label for row in rows if row.label and row.label != NONE})
    for label in labels:
        truth = [row.label == label for row in rows]
        hit = [label in f for f in fired]
        tp = sum(t and h for t, h in zip(truth, hit, strict=True))
        lines.append(
            f"  {label:<16} precision {ratio(tp, sum(hit))}  recall {ratio(tp, sum(truth))}"
        )
    film_talk = [(row, f) for row, f in zip(rows, fired, strict=True) if row.label == NONE]
    if film_talk:
        caught = Counter(row.kind for row, f in film_talk if f)
        total = sum(caught.values())
        detail = ", ".join(f"{kind} {n}" for kind, n in sorted(caught.items())) or "none"
        lines.append(f"  film talk (must pass): {total} of {len(film_talk)} caught ({detail})")
    return lines


def ratio(part: int, whole: int) -> str:
    """`0.80 (8/10)`, or n/a when there is nothing to divide by."""
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "n/a (0/0)"
