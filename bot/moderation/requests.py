"""What an action on a member is made of, and every check it must pass before anything is
done: plain values a cog (or another feature) builds, and the protocol through which
moderation reaches Discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot import limits
from bot.moderation.messages import action_reply, escalation_reply
from bot.moderation.model import Action, Case, CaseType, DmStatus, check_reason
from bot.moderation.rules import (
    ACTIONS,
    Person,
    check_automatic_target,
    check_ban_delete_days,
    check_bot_permissions,
    check_target,
)
from bot.render import trim
from bot.text import clean_typed

MEMBER_ACTIONS = ACTIONS[:8]
RECORD_ONLY_ACTIONS = (Action.DELETE, Action.HOLD)  # screening's own: nothing to do on Discord
TIMED_ACTIONS = (Action.TIMEOUT, Action.TEMPBAN)
# A kicked or banned member shares no server with the bot any more, so the DM goes first.
DM_BEFORE_ACTION = frozenset({Action.KICK, Action.BAN, Action.TEMPBAN})


class DiscordSide(Protocol):
    """What moderation needs done on Discord; cogs/moderation/side.py implements it.

    Methods raise UserFacingError subclasses with a message a moderator can act on.
    """

    @property
    def bot_id(self) -> int: ...

    async def send_dm(self, user_id: int, text: str) -> DmStatus: ...

    async def timed_out_until(self, guild_id: int, member_id: int) -> datetime | None: ...

    async def timeout(
        self, guild_id: int, member_id: int, until: datetime | None, reason: str
    ) -> None: ...

    async def kick(self, guild_id: int, member_id: int, reason: str) -> None: ...

    async def ban(self, guild_id: int, user_id: int, reason: str, delete_days: int) -> None: ...

    async def unban(self, guild_id: int, user_id: int, reason: str) -> bool: ...

    async def post_log(self, channel_id: int, text: str) -> None: ...

    async def set_thread_locked(self, thread_id: int, locked: bool, reason: str) -> None: ...

    async def delete_messages(
        self, channel_id: int, message_ids: tuple[int, ...], reason: str, *, removed_by: int
    ) -> None: ...


@dataclass(frozen=True)
class GuildFacts:
    """What the checks need to know about the server, gathered by the cog."""

    guild_id: int
    guild_name: str
    owner_id: int
    bot: Person
    bot_permissions: frozenset[str]


@dataclass(frozen=True)
class ActionRequest:
    """One action on one member. `moderator` None means the bot acts by `rule`."""

    action: Action
    target: Person
    reason: str
    moderator: Person | None = None
    duration: timedelta | None = None
    delete_days: int = 0
    rule: str | None = None
    jump_url: str | None = None

    def __post_init__(self) -> None:
        # The reason as it will be kept, so the prompt shows what the case and the DM will say.
        object.__setattr__(self, "reason", clean_typed(self.reason))

    @property
    def case_type(self) -> CaseType:
        automatic = self.moderator is None or self.action in RECORD_ONLY_ACTIONS
        return CaseType(f"auto-{self.action}" if automatic else self.action)


@dataclass(frozen=True)
class ActionOutcome:
    """The recorded case and, after a warning, the ladder's step (if one fired)."""

    case: Case
    escalation: Case | None = None

    def reply(self) -> str:
        """What the moderator reads: the case, the DM outcome, and any escalation."""
        text = action_reply(self.case)
        if self.escalation is None:
            return text
        if self.escalation.voided:
            return (
                f"{text}\nThe escalation ladder fired, but its case "
                f"#{self.escalation.number} was voided: {self.escalation.void_reason}"
            )
        return f"{text}\n{escalation_reply(self.escalation)}"


def check_action(facts: GuildFacts, request: ActionRequest) -> None:
    """Every refusal for `request`, before anything is done; raises UserFacingError."""
    action = request.action
    if action not in MEMBER_ACTIONS + RECORD_ONLY_ACTIONS:
        raise ValueError(f"not a member action: {action}")
    check_reason(request.reason, required=action != "note")
    if (action in TIMED_ACTIONS) != (request.duration is not None):
        raise ValueError(f"{action} {'needs' if action in TIMED_ACTIONS else 'takes no'} duration")
    if action in RECORD_ONLY_ACTIONS:
        return
    if request.moderator is None:
        check_automatic_target(
            action, target=request.target, bot=facts.bot, owner_id=facts.owner_id
        )
    else:
        check_target(
            action,
            moderator=request.moderator,
            target=request.target,
            bot=facts.bot,
            owner_id=facts.owner_id,
        )
    check_bot_permissions(action, facts.bot_permissions)
    check_ban_delete_days(request.delete_days)


def audit_reason(request: ActionRequest) -> str:
    """The reason shown in Discord's audit log: who, and why (at most 512 characters)."""
    who = request.moderator.name if request.moderator else "automatic"
    return trim(f"{who}: {request.reason.strip()}", limits.AUDIT_LOG_REASON)
