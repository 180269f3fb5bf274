"""Actions on members as journal intents (docs/journal.md): written before Discord is called,
carried out step by step, completed after a crash by `Journal.resume_unfinished()`.

Four kinds, by what must come first:
- `mod-record-first` (warn, note, and screening's record-only delete/hold): the case, then the
  DM, so a warning whose case cannot be recorded is never sent.
- `mod-discord-first` (timeout, untimeout, kick, ban, tempban, unban): the DM that must go
  before (kick, bans), Discord, the DM after (timeout), then the case and its expiry, timed
  from when the intent was written: a tempban whose case is recorded on resume still ends on
  time (D6).
- `mod-channel` (lock, unlock): Discord, then the case.
- `mod-purge`: the plan (ids to delete, count skipped) is the payload; the batches are deleted
  (each one marked in the state once gone), then the case, then the log line.
- `mod-ladder`: the escalation ladder's step a warning fired (its case recorded by the
  warning's intent), applied like `mod-discord-first`; refused, its case is voided.

Every step is idempotent: the case is found by its intent id, a Discord call repeated after a
crash treats "already done" (not a member any more, not timed out, not banned) as done, and
DMs are at-most-once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import limits
from bot.errors import InvalidInput, NotFound, UserFacingError
from bot.journal import Finished, Handler, Intent, Step, StepContext, was_interrupted
from bot.moderation import modlog
from bot.moderation.model import DM_TYPES, WARNING_TYPES, Action, Case, CaseType, DmStatus, NewCase
from bot.moderation.purge import PurgePlan
from bot.moderation.requests import DM_BEFORE_ACTION, ActionRequest, GuildFacts, check_action
from bot.moderation.rules import Person
from bot.render import trim

if TYPE_CHECKING:
    from bot.moderation.service import ModerationService

log = logging.getLogger(__name__)

RECORD_FIRST = "mod-record-first"
DISCORD_FIRST = "mod-discord-first"
LADDER = "mod-ladder"  # applying the step a warning fired; the case is already recorded
CHANNEL = "mod-channel"  # lock, unlock: Discord, then the case
PURGE = "mod-purge"  # the batches deleted, then the case
RECORD_FIRST_ACTIONS = frozenset({Action.WARN, Action.NOTE, Action.DELETE, Action.HOLD})


def kind_for(action: Action) -> str:
    return RECORD_FIRST if action in RECORD_FIRST_ACTIONS else DISCORD_FIRST


def encode(facts: GuildFacts, request: ActionRequest, at: datetime) -> dict[str, Any]:
    """The intent's payload: everything needed to carry the action out after a restart."""
    return {
        "guild_id": facts.guild_id,
        "facts": {
            "guild_name": facts.guild_name,
            "owner_id": facts.owner_id,
            "bot": _person(facts.bot),
            "bot_permissions": sorted(facts.bot_permissions),
        },
        "request": {
            "action": request.action,
            "target": _person(request.target),
            "reason": request.reason,
            "moderator": _person(request.moderator) if request.moderator else None,
            "duration": request.duration.total_seconds() if request.duration else None,
            "delete_days": request.delete_days,
            "rule": request.rule,
            "jump_url": request.jump_url,
        },
        "at": at.isoformat(),
    }


def decode(payload: dict[str, Any]) -> tuple[GuildFacts, ActionRequest, datetime]:
    """The facts, the request and the moment written by `encode`."""
    facts, request = payload["facts"], payload["request"]
    guild_facts = GuildFacts(
        guild_id=payload["guild_id"],
        guild_name=facts["guild_name"],
        owner_id=facts["owner_id"],
        bot=Person(**facts["bot"]),
        bot_permissions=frozenset(facts["bot_permissions"]),
    )
    seconds = request["duration"]
    action_request = ActionRequest(
        action=Action(request["action"]),
        target=Person(**request["target"]),
        reason=request["reason"],
        moderator=Person(**request["moderator"]) if request["moderator"] else None,
        duration=timedelta(seconds=seconds) if seconds is not None else None,
        delete_days=request["delete_days"],
        rule=request["rule"],
        jump_url=request["jump_url"],
    )
    return guild_facts, action_request, datetime.fromisoformat(payload["at"])


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "top_role_position": person.top_role_position}


class _MemberAction(Handler):
    """What the kinds share: the case keyed on the intent, the DM, the log line."""

    def __init__(self, service: ModerationService) -> None:
        self.service = service

    def describe(self, intent: Intent) -> str:
        _, request, _ = decode(intent.payload)
        return f"The {request.action} of {request.target.name} (`{request.target.id}`)"

    async def _action(self, intent: Intent) -> tuple[GuildFacts, ActionRequest, datetime]:
        """The facts, the request carried out, and when it was asked for."""
        return decode(intent.payload)

    async def _case(self, ctx: StepContext, dm: DmStatus) -> dict[str, Any]:
        existing = await self.service.case_for_intent(ctx.intent.id)
        if existing is None:
            facts, request, at = await self._action(ctx.intent)
            new = self.service.new_case(facts, request, dm, intent_id=ctx.intent.id)
            existing = await self.service.record_case(new, at)
        return {"number": existing.number}

    async def _recorded(self, intent: Intent) -> Case:
        return await self.service.case(intent.payload["guild_id"], intent.result("case")["number"])

    async def _dm(self, ctx: StepContext, when: str) -> str | None:
        facts, request, _ = await self._action(ctx.intent)
        before = request.action in DM_BEFORE_ACTION
        if request.case_type not in DM_TYPES or (when == "before") != before:
            return None
        return str(await self.service.tell(facts, request))

    async def _record_dm_status(self, intent: Intent, dm: Any) -> None:
        status = dm_outcome(dm)
        if status is not None:
            case = await self._recorded(intent)
            await self.service.record_dm_status(case.guild_id, case.number, status)

    async def step_log(self, ctx: StepContext) -> None:
        facts, request, _ = await self._action(ctx.intent)
        case = await self._recorded(ctx.intent)
        name = request.moderator.name if request.moderator else facts.bot.name
        await self.service.post_log(facts.guild_id, modlog.case_entry(case, name))


class RecordFirst(_MemberAction):
    """warn, note, delete, hold: the case first, then the DM (a warn never goes out unrecorded)."""

    steps = (
        Step("case"),
        Step("dm", at_most_once=True),
        Step("dm-status"),
        Step("log", at_most_once=True),
        Step("escalate"),
    )

    async def step_case(self, ctx: StepContext) -> dict[str, Any]:
        return await self._case(ctx, DmStatus.NOT_APPLICABLE)

    async def step_dm(self, ctx: StepContext) -> str | None:
        return await self._dm(ctx, "after")

    async def step_dm_status(self, ctx: StepContext) -> None:
        await self._record_dm_status(ctx.intent, ctx.intent.results.get("dm"))

    async def step_escalate(self, ctx: StepContext) -> dict[str, Any] | None:
        """A warning may fire the escalation ladder: that is an intent of its own, keyed on
        this one, so a re-run finds it instead of firing the ladder again."""
        warning = await self._recorded(ctx.intent)
        if warning.type not in WARNING_TYPES or warning.voided:
            return None
        key = f"{LADDER}:{ctx.intent.id}"
        ladder: Intent | None
        try:
            ladder = await self.service.journal.perform(LADDER, ctx.payload, key=key)
        except UserFacingError as refused:  # the step's case was voided, saying why
            log.info("ladder step after intent %s not applied: %s", ctx.intent.id, refused)
            ladder = await self.service.journal.by_key(key)
        return ladder.results.get("case") if ladder is not None else None


class DiscordFirst(_MemberAction):
    """timeout, untimeout, kick, ban, tempban, unban: Discord, then the case and its expiry."""

    steps: tuple[Step, ...] = (
        Step("dm-before", at_most_once=True),
        Step("discord"),
        Step("dm-after", at_most_once=True),
        Step("case"),
        Step("expiry"),
        Step("log", at_most_once=True),
    )

    async def step_dm_before(self, ctx: StepContext) -> str | None:
        return await self._dm(ctx, "before")

    async def step_discord(self, ctx: StepContext) -> None:
        facts, request, at = await self._action(ctx.intent)
        again = bool(ctx.state.get("called"))
        await ctx.save(called=True)
        try:
            await self.service.on_discord(facts, request, at)
        except (NotFound, InvalidInput) as refused:
            if not again:
                raise
            # Called before a crash: "not a member any more", "not banned" is our own doing.
            log.info(
                "intent %s: %s already done on Discord (%s)",
                ctx.intent.id,
                request.action,
                refused.message,
            )

    async def step_dm_after(self, ctx: StepContext) -> str | None:
        return await self._dm(ctx, "after")

    async def step_case(self, ctx: StepContext) -> dict[str, Any]:
        results = ctx.intent.results
        dm = dm_outcome(results.get("dm-before")) or dm_outcome(results.get("dm-after"))
        return await self._case(ctx, dm or DmStatus.NOT_APPLICABLE)

    async def step_expiry(self, ctx: StepContext) -> None:
        self.service.expiry.schedule(await self._recorded(ctx.intent))


class ApplyLadderStep(DiscordFirst):
    """The escalation ladder after a warning (the payload is the warning's): record the step
    that fires, if any, then apply it like DiscordFirst. Refused by Discord or by the checks
    (say the member left), its case is voided, saying why: kept in history, never counted."""

    # DiscordFirst's steps, with the case recorded first and its DM status noted in its place
    steps = (
        Step("case"),
        *(Step("dm-status") if step.name == "case" else step for step in DiscordFirst.steps),
    )

    async def _action(self, intent: Intent) -> tuple[GuildFacts, ActionRequest, datetime]:
        facts, warning, at = decode(intent.payload)
        case = await self._recorded(intent)
        step = ActionRequest(
            action=case.type.action,
            target=warning.target,
            reason=case.reason,
            duration=case.duration,
            rule=case.rule,
        )
        return facts, step, at

    async def step_case(self, ctx: StepContext) -> dict[str, Any]:
        existing = await self.service.case_for_intent(ctx.intent.id)
        if existing is None:
            facts, warning, at = decode(ctx.payload)
            existing = await self.service.record_ladder_step(
                facts, warning.target, at, ctx.intent.id
            )
        if existing is None:
            raise Finished(None)  # no step fires: nothing more to do
        return {"number": existing.number}

    async def step_discord(self, ctx: StepContext) -> None:
        facts, request, _ = await self._action(ctx.intent)
        check_action(facts, request)
        await super().step_discord(ctx)

    async def step_dm_status(self, ctx: StepContext) -> None:
        results = ctx.intent.results
        await self._record_dm_status(
            ctx.intent, results.get("dm-before") or results.get("dm-after")
        )

    def describe(self, intent: Intent) -> str:
        _, warning, _ = decode(intent.payload)
        return f"The escalation ladder's step for {warning.target.name} (`{warning.target.id}`)"

    async def undo(self, ctx: StepContext, error: str) -> bool:
        if "case" not in ctx.intent.results:
            return False
        facts, _, at = decode(ctx.payload)
        case = await self._recorded(ctx.intent)
        if not case.voided:
            await self.service.void_unapplied(facts, case, error, at)
        return True


class ChannelAction(Handler):
    """lock, unlock a thread: Discord (idempotent), then the case keyed on the intent, then
    the log line. The payload is written by ModerationService.set_thread_locked."""

    steps = (Step("discord"), Step("case"), Step("log", at_most_once=True))

    def __init__(self, service: ModerationService) -> None:
        self.service = service

    def describe(self, intent: Intent) -> str:
        return f"The {intent.payload['action']} of thread `{intent.payload['channel_id']}`"

    async def step_discord(self, ctx: StepContext) -> None:
        p = ctx.payload
        reason = trim(f"{p['moderator']['name']}: {p['reason']}", limits.AUDIT_LOG_REASON)
        await self.service.side.set_thread_locked(p["channel_id"], p["action"] == "lock", reason)

    async def step_case(self, ctx: StepContext) -> dict[str, Any]:
        case = await self.service.case_for_intent(ctx.intent.id)
        if case is None:
            p = ctx.payload
            member = p.get("member") or {}
            new = NewCase(
                guild_id=p["guild_id"],
                type=CaseType(p["action"]),
                moderator_id=p["moderator"]["id"],
                reason=p["reason"],
                member_id=member.get("id"),
                member_name=member.get("name"),
                channel_id=p["channel_id"],
                jump_url=p["jump_url"],
                intent_id=ctx.intent.id,
            )
            case = await self.service.record_case(new, datetime.fromisoformat(p["at"]))
        return {"number": case.number}

    async def step_log(self, ctx: StepContext) -> None:
        p = ctx.payload
        case = await self.service.case(p["guild_id"], ctx.intent.result("case")["number"])
        await self.service.post_log(p["guild_id"], modlog.case_entry(case, p["moderator"]["name"]))


class PurgeAction(ChannelAction):
    """/mod purge: the batches planned when the moderator confirmed (the payload, written by
    ModerationService.purge), each bulk-deleted and counted in the state before the next, then
    the case and the log line. A batch run again after a crash is harmless: ids already gone
    count as deleted."""

    steps = (Step("delete"), Step("case"), Step("log", at_most_once=True))

    def describe(self, intent: Intent) -> str:
        p = intent.payload
        return f"The purge of {len(p['deletable'])} message(s) in channel `{p['channel_id']}`"

    async def step_delete(self, ctx: StepContext) -> dict[str, Any]:
        p = ctx.payload
        reason = p["reason"][: limits.AUDIT_LOG_REASON]
        batches = PurgePlan(tuple(p["deletable"]), ()).batches()
        for index in range(ctx.state.get("batches", 0), len(batches)):
            await self.service.side.delete_messages(
                p["channel_id"], batches[index], reason, removed_by=p["moderator"]["id"]
            )
            await ctx.save(batches=index + 1)
            ctx.reach(f"batch-{index + 1}")
        return {"deleted": len(p["deletable"]), "skipped": p["skipped"]}


def dm_outcome(result: object) -> DmStatus | None:
    """What an at-most-once DM step's stored result says: the DM's status, UNKNOWN when the
    process died inside the step (it is never sent twice), None when no DM was due."""
    if was_interrupted(result):
        return DmStatus.UNKNOWN
    return DmStatus(result) if isinstance(result, str) else None
