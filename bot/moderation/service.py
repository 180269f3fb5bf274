"""Moderation as the bot carries it out: the member's DM, the Discord action, the case, the mod
log, the escalation ladder, pardons, amendments and expiries, in the right order.

Plain Python: Discord is reached through `DiscordSide` (bot/moderation/requests.py), which
the moderation cog implements and hands over with `connect()` when it loads. Every refusal
happens before anything changes. An action on a member is a journal intent
(bot/moderation/journaled.py): written before Discord is called, so a crash or an outage
never leaves a ban without its case, nor a warning sent but not recorded. Other features
record their cases with `record_automatic_case`.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from bot.errors import InvalidInput, NotFound, UserFacingError
from bot.journal import Intent, Journal, Status
from bot.moderation import journaled, modlog
from bot.moderation.clock import Clock
from bot.moderation.config import ModerationConfig
from bot.moderation.ladder import escalate
from bot.moderation.messages import member_dm
from bot.moderation.model import (
    BAN_TYPES,
    REASON_MAX,
    TIMEOUT_TYPES,
    Action,
    Case,
    CaseNotFound,
    CaseType,
    DmStatus,
    HistoryPage,
    NewCase,
    VoidResult,
    check_reason,
    check_voidable,
)
from bot.moderation.purge import PurgePlan
from bot.moderation.requests import (
    ActionOutcome,
    ActionRequest,
    DiscordSide,
    GuildFacts,
    audit_reason,
    check_action,
)
from bot.moderation.rules import Person, check_bot_permissions
from bot.moderation.scheduler import ExpiryScheduler
from bot.render import trim
from bot.text import clean_typed
from storage.moderation import CaseRepository
from storage.moderation_config import ModConfigRepository

log = logging.getLogger(__name__)


class Queued(UserFacingError):
    """The action is written down but Discord did not answer; the journal retries it."""


def _done(intent: Intent, action: str) -> Intent:
    """The intent, once done; Queued when it waits for a retry."""
    if intent.status != Status.DONE:
        raise Queued(
            f"Discord is not answering ({intent.last_error}). The {action} is recorded and "
            "will be retried; the mod log will say when it is done."
        )
    return intent


class ModerationService:
    """The one way cases are made, changed and ended (manual or automatic); the server's
    settings are `config` (bot/moderation/config.py)."""

    def __init__(
        self,
        cases: CaseRepository,
        config: ModConfigRepository,
        clock: Clock,
        expiry: ExpiryScheduler,
        journal: Journal,
    ) -> None:
        self._cases = cases
        self.config = ModerationConfig(config)
        self.clock = clock
        self.expiry = expiry
        self.journal = journal
        self._side: DiscordSide | None = None
        journal.register(journaled.RECORD_FIRST, journaled.RecordFirst(self))
        journal.register(journaled.DISCORD_FIRST, journaled.DiscordFirst(self))
        journal.register(journaled.LADDER, journaled.ApplyLadderStep(self))
        journal.register(journaled.CHANNEL, journaled.ChannelAction(self))
        journal.register(journaled.PURGE, journaled.PurgeAction(self))
        journal.on_failure(self.report_failure)

    def connect(self, side: DiscordSide) -> None:
        """Called by the moderation cog as it loads: from now on expiries are applied too."""
        self._side = side
        self.expiry.set_apply_expiry(self.apply_expiry)

    @property
    def side(self) -> DiscordSide:
        if self._side is None:
            raise RuntimeError("the moderation cog is not loaded: nothing can act on Discord")
        return self._side

    # --- actions on members ------------------------------------------------------------
    async def act(self, facts: GuildFacts, request: ActionRequest) -> ActionOutcome:
        """Check, write the intent, then carry it out (journaled.py says in which order).

        Raises StorageUnavailable (nothing done) when the intent cannot be written, and
        Queued when Discord is not answering: the journal retries and the mod log tells.
        """
        check_action(facts, request)
        payload = journaled.encode(facts, request, self.clock.now())
        intent = await self.journal.perform(journaled.kind_for(request.action), payload)
        _done(intent, request.action)
        case = await self.case(facts.guild_id, intent.result("case")["number"])
        escalated = intent.results.get("escalate")
        escalation = None
        if escalated:
            escalation = await self.case(facts.guild_id, escalated["number"])
        return ActionOutcome(case, escalation)

    async def report_failure(self, intent: Intent, message: str) -> None:
        """The journal's listener: an action that failed in the background, in the mod log."""
        guild_id = intent.payload.get("guild_id")
        if isinstance(guild_id, int):
            await self.post_log(guild_id, modlog.journal_failure_entry(message))

    async def record_automatic_case(
        self,
        facts: GuildFacts,
        *,
        action: Action,
        member: Person,
        reason: str,
        rule: str | None,
        duration: timedelta | None = None,
        jump_url: str | None = None,
        moderator: Person | None = None,
    ) -> ActionOutcome:
        """For other features (screening, its review buttons): act on a member and record it.

        `action` is warn, timeout, tempban, kick, ban (done on Discord, the member told by
        DM) or delete, hold (the caller already acted; only recorded). Without `moderator`
        the case is the bot's (type auto-<action>, citing `rule`); with one, it is theirs.
        A warning then goes through the escalation ladder.
        """
        request = ActionRequest(
            action=action,
            target=member,
            reason=reason,
            moderator=moderator,
            duration=duration,
            rule=rule,
            jump_url=jump_url,
        )
        return await self.act(facts, request)

    async def purge(
        self,
        facts: GuildFacts,
        plan: PurgePlan,
        *,
        channel_id: int,
        moderator: Person,
        reason: str,
        member: Person | None = None,
        jump_url: str | None = None,
    ) -> Case:
        """Carry out a confirmed purge plan, journaled: the intent (the plan), the batches
        deleted, the case, the log line; a crash part-way is finished at the next start."""
        check_bot_permissions(Action.PURGE, facts.bot_permissions)
        payload = {
            "guild_id": facts.guild_id,
            "action": "purge",
            "channel_id": channel_id,
            "moderator": {"id": moderator.id, "name": moderator.name},
            "member": {"id": member.id, "name": member.name} if member else None,
            "reason": check_reason(clean_typed(reason)),
            "jump_url": jump_url,
            "deletable": list(plan.deletable),
            "skipped": len(plan.skipped),
            "at": self.clock.now().isoformat(),
        }
        intent = _done(await self.journal.perform(journaled.PURGE, payload), "purge")
        return await self.case(facts.guild_id, intent.result("case")["number"])

    async def set_thread_locked(
        self,
        facts: GuildFacts,
        *,
        thread_id: int,
        locked: bool,
        moderator: Person,
        reason: str,
        jump_url: str | None = None,
    ) -> Case:
        """Lock or unlock a thread, journaled: the intent, Discord, the case, the log line."""
        action = Action.LOCK if locked else Action.UNLOCK
        check_bot_permissions(action, facts.bot_permissions)
        payload = {
            "guild_id": facts.guild_id,
            "action": action,
            "channel_id": thread_id,
            "moderator": {"id": moderator.id, "name": moderator.name},
            "reason": check_reason(clean_typed(reason)),
            "jump_url": jump_url,
            "at": self.clock.now().isoformat(),
        }
        intent = _done(await self.journal.perform(journaled.CHANNEL, payload), action)
        return await self.case(facts.guild_id, intent.result("case")["number"])

    # --- the ledger --------------------------------------------------------------------
    async def case(self, guild_id: int, number: int) -> Case:
        """Case `number` of this guild; CaseNotFound if it has none (another's counts as none)."""
        case = await self._cases.get_case(guild_id, number)
        if case is None:
            raise CaseNotFound(number)
        return case

    async def history(self, guild_id: int, member_id: int, page: int = 1) -> HistoryPage:
        """One page (from 1) of a member's cases, newest first, voided ones included."""
        return await self._cases.history(guild_id, member_id, page=page)

    async def case_for_intent(self, intent_id: int) -> Case | None:
        """The case a journal intent recorded, if it got that far."""
        return await self._cases.case_for_intent(intent_id)

    async def record_case(self, new: NewCase, at: datetime) -> Case:
        """Record a case with the guild's next number (the journaled steps call this)."""
        return await self._cases.add_case(new, at)

    async def record_dm_status(self, guild_id: int, number: int, status: DmStatus) -> Case:
        """Record whether the member was told by DM, when the DM went out after the case."""
        return await self._cases.record_dm_status(guild_id, number, status)

    async def amend(self, guild_id: int, number: int, text: str, moderator: Person) -> Case:
        """Change a case's reason (the old one is kept) and log the amendment."""
        case = await self._cases.amend_reason(
            guild_id, number, clean_typed(text), moderator.id, self.clock.now()
        )
        entry = modlog.amendment_entry(case, case.amendments[-1], moderator.name)
        await self.post_log(guild_id, entry)
        return case

    async def pardon(
        self, facts: GuildFacts, number: int, reason: str, moderator: Person
    ) -> VoidResult:
        """Void a case: lift its timeout or ban if still in force; the case stays in history."""
        reason = check_reason(clean_typed(reason), what="reason for voiding")
        case = await self.case(facts.guild_id, number)
        check_voidable(case)
        if case.active and case.member_id is not None:
            why = f"{moderator.name}: pardoned case #{number}"
            await self._lift(facts, case, case.member_id, why)
        now = self.clock.now()
        result = await self._cases.void_case(facts.guild_id, number, moderator.id, reason, now)
        self.expiry.forget(facts.guild_id, number)
        await self.post_log(facts.guild_id, modlog.void_entry(result, moderator.name))
        return result

    async def apply_expiry(self, case: Case) -> None:
        """The scheduler's callback: unban at the end of a tempban, and log every expiry."""
        if case.type in BAN_TYPES and case.member_id is not None:
            reason = f"Case #{case.number}: the temporary ban ended"
            await self.side.unban(case.guild_id, case.member_id, reason)
        await self.post_log(case.guild_id, modlog.expiry_entry(case))

    # --- discussion threads ------------------------------------------------------------
    async def log_message_edit(self, guild_id: int, **details: Any) -> None:
        """Post an edit in a discussion thread to the mod log (see modlog.message_edited_entry)."""
        await self.post_log(guild_id, modlog.message_edited_entry(**details))

    async def log_message_delete(self, guild_id: int, **details: Any) -> None:
        """Post a deletion in a discussion thread to the mod log."""
        await self.post_log(guild_id, modlog.message_deleted_entry(**details))

    # --- details -----------------------------------------------------------------------
    async def on_discord(self, facts: GuildFacts, request: ActionRequest, now: datetime) -> None:
        side, guild, target = self.side, facts.guild_id, request.target
        why = audit_reason(request)
        if request.action == Action.TIMEOUT:
            assert request.duration is not None  # check_action refuses a timeout without one
            await side.timeout(guild, target.id, now + request.duration, why)
        elif request.action == Action.UNTIMEOUT:
            if await side.timed_out_until(guild, target.id) is None:
                raise InvalidInput(f"{target.name} is not timed out.")
            await side.timeout(guild, target.id, None, why)
        elif request.action == Action.KICK:
            await side.kick(guild, target.id, why)
        elif request.action in (Action.BAN, Action.TEMPBAN):
            await side.ban(guild, target.id, why, request.delete_days)
        elif request.action == Action.UNBAN and not await side.unban(guild, target.id, why):
            raise InvalidInput(f"{target.name} is not banned.")

    async def tell(
        self, facts: GuildFacts, request: ActionRequest, case_type: CaseType | None = None
    ) -> DmStatus:
        """DM the member about `request` (with the server's appeal text)."""
        case_type = case_type or request.case_type
        config = await self.config.get(facts.guild_id)
        text = member_dm(
            guild_name=facts.guild_name,
            case_type=case_type,
            reason=request.reason.strip(),
            duration=request.duration,
            appeal_text=config.appeal_text,
        )
        status = await self.side.send_dm(request.target.id, text)
        log.info("DM to %s about a %s: %s", request.target.id, case_type, status)
        return status

    def new_case(
        self,
        facts: GuildFacts,
        request: ActionRequest,
        dm: DmStatus,
        *,
        intent_id: int | None = None,
    ) -> NewCase:
        """The case `request` records (the bot is the moderator of automatic ones)."""
        moderator_id = request.moderator.id if request.moderator else self.side.bot_id
        return NewCase(
            guild_id=facts.guild_id,
            type=request.case_type,
            moderator_id=moderator_id,
            reason=request.reason,
            member_id=request.target.id,
            member_name=request.target.name,
            duration=request.duration,
            jump_url=request.jump_url,
            dm_status=dm,
            rule=request.rule,
            intent_id=intent_id,
        )

    async def record_ladder_step(
        self, facts: GuildFacts, target: Person, now: datetime, intent_id: int
    ) -> Case | None:
        """After a warning: record the ladder's step, if one fires (journaled.py applies it)."""
        steps = await self.config.ladder(facts.guild_id)
        return await escalate(
            self._cases,
            steps,
            guild_id=facts.guild_id,
            member_id=target.id,
            member_name=target.name,
            bot_id=self.side.bot_id,
            now=now,
            intent_id=intent_id,
        )

    async def void_unapplied(self, facts: GuildFacts, case: Case, why: str, now: datetime) -> Case:
        """A ladder step Discord refused: keep it in history, voided, saying why."""
        log.warning("ladder step case %s #%d not applied: %s", case.guild_id, case.number, why)
        reason = trim(f"Could not be applied: {why}", REASON_MAX)
        result = await self._cases.void_case(
            facts.guild_id, case.number, self.side.bot_id, reason, now
        )
        await self.post_log(facts.guild_id, modlog.case_entry(case, facts.bot.name))
        await self.post_log(facts.guild_id, modlog.void_entry(result, facts.bot.name))
        return result.case

    async def _lift(self, facts: GuildFacts, case: Case, member_id: int, why: str) -> None:
        """End on Discord the timeout or ban a pardoned case still imposes on `member_id`."""
        if case.type in TIMEOUT_TYPES:
            check_bot_permissions(Action.UNTIMEOUT, facts.bot_permissions)
            with contextlib.suppress(NotFound):  # they left: the timeout went with them
                await self.side.timeout(facts.guild_id, member_id, None, why)
        elif case.type in BAN_TYPES:
            check_bot_permissions(Action.UNBAN, facts.bot_permissions)
            await self.side.unban(facts.guild_id, member_id, why)

    async def post_log(self, guild_id: int, text: str) -> None:
        """Post to the guild's mod-log channel, if one is set; a failure never undoes an action."""
        config = await self.config.get(guild_id)
        if config.log_channel_id is None:
            return
        try:
            await self.side.post_log(config.log_channel_id, text)
        except Exception as error:  # the action is done; a missing log line must not undo it
            log.warning("could not post to the mod log of guild %s: %s", guild_id, error)
