"""The escalation ladder: enough recent warnings lead to an automatic timeout, tempban, kick or ban.

Warnings decay: each step only counts warnings inside its window, and voided warnings never
count. A step never fires twice for the same warnings: warnings cited by a step that fired
are used up for that step and every lighter one (fewer warnings). When several steps qualify,
only the heaviest fires.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.errors import InvalidInput
from bot.moderation.durations import format_duration, parse_duration
from bot.moderation.model import Action, Case, CaseType, LadderStep, NewCase
from storage.moderation import CaseRepository

log = logging.getLogger(__name__)

DEFAULT_LADDER = (
    LadderStep(3, timedelta(days=7), Action.TIMEOUT, duration=timedelta(hours=1)),
    LadderStep(5, timedelta(days=30), Action.TEMPBAN, duration=timedelta(days=1)),
)
STEP_CASE_TYPES = {
    Action.TIMEOUT: CaseType.AUTO_TIMEOUT,
    Action.TEMPBAN: CaseType.AUTO_TEMPBAN,
    Action.KICK: CaseType.AUTO_KICK,
    Action.BAN: CaseType.AUTO_BAN,
}
TIMED_ACTIONS = frozenset({Action.TIMEOUT, Action.TEMPBAN})
MAX_STEPS = 10
MAX_WARNINGS = 50


@dataclass(frozen=True)
class LadderFiring:
    """A step that qualifies, and the warning case numbers that made it qualify."""

    step: LadderStep
    cited: tuple[int, ...]


def make_step(warnings: int, within: str, action: str, duration: str | None = None) -> LadderStep:
    """A step from a moderator's input, e.g. (3, "7d", "timeout", "1h"); InvalidInput if bad."""
    typed = action.strip().lower()
    if typed not in STEP_CASE_TYPES:
        raise InvalidInput(
            f"`{typed}` is not a ladder action: use one of {', '.join(STEP_CASE_TYPES)}."
        )
    step_action = Action(typed)
    if not 1 <= warnings <= MAX_WARNINGS:
        raise InvalidInput(f"A step needs between 1 and {MAX_WARNINGS} warnings, not {warnings}.")
    window = parse_duration(within, "window")
    if step_action in TIMED_ACTIONS:
        if not duration:
            raise InvalidInput(f"A {step_action} step needs a duration, such as 1h or 1d.")
        length = parse_duration(duration, step_action)
    elif duration:
        raise InvalidInput(f"A {step_action} is not temporary: leave the duration out.")
    else:
        length = None
    return LadderStep(warnings=warnings, window=window, action=step_action, duration=length)


def check_ladder(steps: Sequence[LadderStep]) -> list[LadderStep]:
    """The steps sorted by warning count; InvalidInput for too many or two with the same count."""
    if len(steps) > MAX_STEPS:
        raise InvalidInput(f"A ladder has at most {MAX_STEPS} steps; this one has {len(steps)}.")
    ordered = sorted(steps, key=lambda step: step.warnings)
    for lighter, heavier in zip(ordered, ordered[1:], strict=False):
        if lighter.warnings == heavier.warnings:
            raise InvalidInput(
                f"Two steps both start at {heavier.warnings} warnings: "
                "give each step a different number of warnings."
            )
    return ordered


def describe_step(step: LadderStep) -> str:
    """ "3 warnings within 7 days -> timeout for 1 hour"."""
    what = str(step.action)
    if step.duration is not None:
        what += f" for {format_duration(step.duration)}"
    count = "1 warning" if step.warnings == 1 else f"{step.warnings} warnings"
    return f"{count} within {format_duration(step.window)} -> {what}"


def choose_step(
    steps: Sequence[LadderStep],
    warnings: Sequence[Case],
    used: Mapping[int, set[int]],
    now: datetime,
) -> LadderFiring | None:
    """The heaviest step the member's warnings reach now, or None.

    `warnings` are the member's unvoided warnings; `used` maps a fired step's warning count to
    the warning numbers it cited (see CaseWriter.ladder_citations).
    """
    for step in sorted(steps, key=lambda s: s.warnings, reverse=True):
        spent = set().union(*(cited for size, cited in used.items() if size >= step.warnings))
        counting = [
            case.number
            for case in warnings
            if not case.voided and case.created_at > now - step.window and case.number not in spent
        ]
        if len(counting) >= step.warnings:
            return LadderFiring(step, tuple(sorted(counting)))
    return None


async def escalate(
    cases: CaseRepository,
    steps: Sequence[LadderStep],
    *,
    guild_id: int,
    member_id: int,
    member_name: str,
    bot_id: int,
    now: datetime,
    intent_id: int | None = None,
) -> Case | None:
    """After a warning: record the ladder step it triggers (attributed to the bot), if any.
    `intent_id` is the journal intent that applies it (one case per intent).

    Evaluation and recording happen in one transaction, so two warnings at the same moment
    cannot both fire the same step. The caller then applies the returned case on Discord (and
    voids it, saying why, if that fails).
    """
    if not steps:
        return None
    since = now - max(step.window for step in steps)
    async with cases.exclusive() as writer:
        warnings = await writer.warnings_since(guild_id, member_id, since)
        used = await writer.ladder_citations(guild_id, member_id)
        firing = choose_step(steps, warnings, used, now)
        if firing is None:
            return None
        case = await writer.add_case(
            replace(
                _firing_case(firing, guild_id, member_id, member_name, bot_id), intent_id=intent_id
            ),
            now,
        )
    log.info("ladder fired in %s for %s: case #%d", guild_id, member_id, case.number)
    return case


def _firing_case(
    firing: LadderFiring, guild_id: int, member_id: int, member_name: str, bot_id: int
) -> NewCase:
    step = firing.step
    cited = ", ".join(f"#{number}" for number in firing.cited)
    window = format_duration(step.window)
    return NewCase(
        guild_id=guild_id,
        type=STEP_CASE_TYPES[step.action],
        moderator_id=bot_id,
        member_id=member_id,
        member_name=member_name,
        reason=f"{len(firing.cited)} warnings within {window} (cases {cited}).",
        duration=step.duration,
        rule=f"Escalation ladder: {describe_step(step)}",
        cites=firing.cited,
        ladder_step_warnings=step.warnings,
    )
