"""Who is screened where, and what the scores lead to: pass, flag (for review) or hide.

A guild's policy has a scope (discussion threads, chosen channels or everywhere), exempt
roles, channel settings (screen this channel / exempt it) and per-label thresholds, which a
channel can override (a thread follows its parent channel unless it has its own). The
defaults and their reasoning are in docs/screening.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.errors import InvalidInput
from bot.screening.model import SERVER_WIDE, ChannelMode, Outcome, PolicyRecords, Scope
from bot.screening.results import LABELS, Verdict
from bot.text import typed_back


@dataclass(frozen=True)
class Thresholds:
    """Scores at or above `flag` go to review; at or above `hide` are hidden. None: never."""

    flag: float | None = None
    hide: float | None = None

    def __post_init__(self) -> None:
        for name, value in (("flag", self.flag), ("hide", self.hide)):
            if value is not None and not 0.0 < value <= 1.0:
                raise InvalidInput(f"The {name} threshold must be between 0 and 1, not {value}.")
        if self.flag is not None and self.hide is not None and self.hide < self.flag:
            raise InvalidInput(
                f"The hide threshold ({self.hide}) cannot be below the flag threshold ({self.flag})."
            )


# Why these numbers: docs/screening.md, "Default thresholds".
DEFAULT_THRESHOLDS: Mapping[str, Thresholds] = {
    "toxicity": Thresholds(flag=0.80, hide=None),
    "severe_toxicity": Thresholds(flag=0.30, hide=0.70),
    "obscene": Thresholds(flag=0.90, hide=None),
    "threat": Thresholds(flag=0.40, hide=0.85),
    "insult": Thresholds(flag=0.70, hide=0.93),
    "identity_attack": Thresholds(flag=0.40, hide=0.85),
    "sexual_explicit": Thresholds(flag=0.80, hide=None),
}


@dataclass(frozen=True)
class ChannelSetting:
    """A channel's own settings: screen or exempt it, and thresholds that differ."""

    channel_id: int
    mode: ChannelMode | None = None
    thresholds: Mapping[str, Thresholds] = field(default_factory=dict)


@dataclass(frozen=True)
class MessagePlace:
    """Where a message was posted; the cog fills this from the channel (and thread)."""

    channel_id: int
    parent_id: int | None = None  # the parent channel when the message is in a thread
    is_discussion_thread: bool = False


@dataclass(frozen=True)
class ScreeningPolicy:
    """One guild's screening policy."""

    guild_id: int
    enabled: bool = True
    scope: Scope = Scope.THREADS
    exempt_roles: frozenset[int] = frozenset()
    thresholds: Mapping[str, Thresholds] = field(default_factory=dict)  # the server's own
    channels: Mapping[int, ChannelSetting] = field(default_factory=dict)

    def mode_for(self, place: MessagePlace) -> ChannelMode | None:
        """The channel's own mode (screen/exempt), else (for a thread) its parent's."""
        for channel_id in _lineage(place):
            setting = self.channels.get(channel_id)
            if setting is not None and setting.mode is not None:
                return setting.mode
        return None

    def thresholds_for(self, place: MessagePlace | None) -> dict[str, tuple[Thresholds, str]]:
        """Label -> (thresholds, where they come from: default, server or channel)."""
        merged = {label: (value, "default") for label, value in DEFAULT_THRESHOLDS.items()}
        merged.update({label: (value, "server") for label, value in self.thresholds.items()})
        for channel_id in _lineage(place):
            setting = self.channels.get(channel_id)
            if setting is not None and setting.thresholds:
                merged.update({k: (v, "channel") for k, v in setting.thresholds.items()})
                break
        return merged


def _lineage(place: MessagePlace | None) -> list[int]:
    if place is None:
        return []
    return [place.channel_id] + ([place.parent_id] if place.parent_id is not None else [])


def should_screen(
    policy: ScreeningPolicy, place: MessagePlace, author_roles: Iterable[int] = ()
) -> tuple[bool, str]:
    """Whether a message there, by a member with these roles, is screened, and why."""
    if not policy.enabled:
        return False, "screening is off in this server"
    if policy.exempt_roles.intersection(author_roles):
        return False, "the author has an exempt role"
    mode = policy.mode_for(place)
    if mode is ChannelMode.EXEMPT:
        return False, "the channel is exempt"
    if mode is ChannelMode.SCREEN:
        return True, "the channel is screened"
    if policy.scope is Scope.EVERYWHERE:
        return True, "everything is screened"
    if policy.scope is Scope.THREADS and place.is_discussion_thread:
        return True, "discussion threads are screened"
    return False, f"outside the screening scope ({policy.scope.value})"


def decide(
    scores: Mapping[str, float], policy: ScreeningPolicy, place: MessagePlace | None = None
) -> Verdict:
    """Pass, flag or hide: the strongest outcome any label reaches, and the rule that fired."""
    limits = policy.thresholds_for(place)
    best: tuple[int, float, Verdict] | None = None
    for label, score in scores.items():
        if label not in limits:
            continue
        thresholds, source = limits[label]
        verdict = _label_verdict(label, float(score), thresholds, source)
        if verdict is None:
            continue
        key = (verdict.outcome.rank, float(score))
        if best is None or key > best[:2]:
            best = (*key, verdict)
    return best[2] if best is not None else Verdict(Outcome.PASS)


def _label_verdict(label: str, score: float, limits: Thresholds, source: str) -> Verdict | None:
    for outcome, threshold in ((Outcome.HIDE, limits.hide), (Outcome.FLAG, limits.flag)):
        if threshold is not None and score >= threshold:
            rule = (
                f"{label.replace('_', ' ')} {score:.2f} >= {outcome.value} threshold "
                f"{threshold:.2f} ({_SOURCES[source]})"
            )
            return Verdict(outcome, label, score, threshold, rule)
    return None


_SOURCES = {"default": "default", "server": "server setting", "channel": "channel setting"}


def parse_label(label: str) -> str:
    """A label name from user input ("Identity attack" -> identity_attack), or InvalidInput."""
    name = label.strip().lower().replace(" ", "_").replace("-", "_")
    if name not in LABELS:
        raise InvalidInput(f"Unknown label {label!r}. Labels: {', '.join(LABELS)}.")
    return name


def policy_from_records(records: PolicyRecords) -> ScreeningPolicy:
    """Build a guild's policy from what storage holds for it."""
    server: dict[str, Thresholds] = {}
    per_channel: dict[int, dict[str, Thresholds]] = {}
    for row in records.thresholds:
        target = (
            server if row.channel_id == SERVER_WIDE else per_channel.setdefault(row.channel_id, {})
        )
        target[row.label] = Thresholds(row.flag, row.hide)
    modes = {row.channel_id: ChannelMode(row.mode) for row in records.channel_modes}
    channels = {
        channel_id: ChannelSetting(
            channel_id, modes.get(channel_id), per_channel.get(channel_id, {})
        )
        for channel_id in modes.keys() | per_channel.keys()
    }
    return ScreeningPolicy(
        guild_id=records.policy.guild_id,
        enabled=records.policy.enabled,
        scope=Scope(records.policy.scope),
        exempt_roles=records.exempt_roles,
        thresholds=server,
        channels=channels,
    )


NEVER_WORDS = ("never", "none", "off")


def parse_threshold(text: str, what: str) -> float | None:
    """A threshold a moderator typed: 0.85, 85% or "never" (None); InvalidInput otherwise."""
    cleaned = text.strip().lower()
    if cleaned in NEVER_WORDS:
        return None
    try:
        value = float(cleaned.rstrip("%")) / (100 if cleaned.endswith("%") else 1)
    except ValueError:
        raise InvalidInput(
            f"The {what} threshold {typed_back(text)} is not a number: use a score such as 0.85, "
            "a percentage such as 85%, or never."
        ) from None
    if not 0.0 < value <= 1.0:
        raise InvalidInput(
            f"The {what} threshold must be above 0 and at most 1, not {typed_back(text)}."
        )
    return value


def changed_thresholds(current: Thresholds, flag: str | None, hide: str | None) -> Thresholds:
    """`current` with the typed flag and/or hide threshold (the other one kept)."""
    if flag is None and hide is None:
        raise InvalidInput("Give a flag threshold, a hide threshold, or both.")
    return Thresholds(
        flag=current.flag if flag is None else parse_threshold(flag, "flag"),
        hide=current.hide if hide is None else parse_threshold(hide, "hide"),
    )
