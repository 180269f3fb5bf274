"""What members and moderators read: the member's DM, replies, confirmations, `/mod case` and
`/mod history` embeds. Plain text and plain embed data, always within bot/limits.py.

Names and reasons are typed by people: mentions in them are neutralised (nobody is pinged) and
names are escaped so they cannot break the formatting around them.
"""

from __future__ import annotations

from datetime import timedelta

from bot import limits
from bot.moderation.durations import format_duration
from bot.moderation.model import WARNING_TYPES, Case, CaseType, DmStatus, HistoryPage
from bot.render import EmbedData, EmbedField, timestamp, trim
from bot.text import escape_markdown, neutralise_mentions

HISTORY_REASON_CHARS = 150  # a reason's share of one `/mod history` line


def person(name: str | None, user_id: int | None) -> str:
    """ "Alice (`123`)" with the name escaped; just the id when the name is unknown."""
    if user_id is None:
        return "nobody"
    if not name:
        return f"`{user_id}`"
    return f"{escape_markdown(name)} (`{user_id}`)"


def _duration_phrase(duration: timedelta | None) -> str:
    return "" if duration is None else f" for {format_duration(duration)}"


# --- the member's DM -----------------------------------------------------------------------

_DM_OPENINGS = {
    "warn": "You have received a warning in **{guild}**.",
    "timeout": "You have been timed out in **{guild}**{duration}.",
    "kick": "You have been kicked from **{guild}**.",
    "ban": "You have been banned from **{guild}**.",
    "tempban": "You have been banned from **{guild}**{duration}; you can rejoin after that.",
}


def member_dm(
    *,
    guild_name: str,
    case_type: CaseType,
    reason: str,
    duration: timedelta | None = None,
    appeal_text: str | None = None,
) -> str:
    """The DM telling a member what was done: server, action, reason, duration, how to appeal."""
    guild = escape_markdown(guild_name)
    opening = _DM_OPENINGS[case_type.action].format(
        guild=guild, duration=_duration_phrase(duration)
    )
    if case_type.is_automatic:
        opening += " This was done automatically."
    appeal = neutralise_mentions(
        appeal_text or f"If you think this was a mistake, contact the moderators of {guild}."
    )
    appeal_part = f"**How to appeal:** {appeal}"
    reason_label = "**Reason:** "
    room = limits.MESSAGE_CONTENT - len(opening) - len(appeal_part) - len(reason_label) - 4
    shown_reason = trim(neutralise_mentions(reason) or "none given", room)
    return "\n\n".join([opening, reason_label + shown_reason, appeal_part])


# --- replies to the moderator -----------------------------------------------------------------

_DM_OUTCOMES = {
    DmStatus.SENT: "They were told by DM.",
    DmStatus.CLOSED: "Their DMs are closed, so they were not told; the case records this.",
    DmStatus.FAILED: (
        "Discord did not deliver the DM (a Discord error, not their settings), so they were "
        "not told; the case records this."
    ),
    DmStatus.UNKNOWN: (
        "The bot stopped while sending the DM, so whether they were told is not known; the "
        "case records this."
    ),
    DmStatus.NOT_APPLICABLE: "",
}


_DM_FIELD = {
    DmStatus.SENT: "Sent",
    DmStatus.CLOSED: "Not sent: DMs closed",
    DmStatus.FAILED: "Not delivered: Discord error",
    DmStatus.UNKNOWN: "Not known: interrupted",
}


_TOLD = {
    DmStatus.SENT: "told by DM",
    DmStatus.CLOSED: "not told: their DMs are closed",
    DmStatus.FAILED: "not told: Discord did not deliver the DM (a Discord error)",
    DmStatus.UNKNOWN: "perhaps told: the bot stopped while sending the DM",
}


def told(status: DmStatus) -> str:
    """How a review alert's notes say whether the author was told: "told by DM", "not told:
    their DMs are closed", "not told: Discord did not deliver the DM (a Discord error)"."""
    return _TOLD.get(status, "not told")


def action_reply(case: Case) -> str:
    """The ephemeral answer after an action: case number, what happened, whether they were told."""
    who = f"**{escape_markdown(case.member_name or str(case.member_id))}**"
    if case.type == CaseType.NOTE:
        return f"Case #{case.number}: note added about {who} (they are not told)."
    text = (
        f"Case #{case.number}: {who} was {case.type.past_tense}{_duration_phrase(case.duration)}."
    )
    outcome = _DM_OUTCOMES[case.dm_status]
    return f"{text} {outcome}".strip()


def escalation_reply(case: Case) -> str:
    """Added to the reply when a warning made the ladder take its next step."""
    cited = ", ".join(f"#{n}" for n in case.cites)
    return (
        f"This warning reached the escalation ladder: {case.type.label.lower()}"
        f"{_duration_phrase(case.duration)} (case #{case.number}, citing {cited})."
    )


def confirmation_prompt(
    action: str,
    target: str,
    reason: str,
    *,
    duration: timedelta | None = None,
    delete_days: int = 0,
    purge_count: int | None = None,
) -> str:
    """The question asked, with Confirm/Cancel buttons, before a kick, ban or purge."""
    if action == "purge":
        scope = f" from {escape_markdown(target)}" if target else ""
        question = f"Delete the last {purge_count} messages{scope} in this channel?"
    else:
        verb = {"kick": "Kick", "ban": "Ban", "tempban": "Ban"}[action]
        question = f"{verb} **{escape_markdown(target)}**{_duration_phrase(duration)}"
        if delete_days:
            question += (
                f" and delete {delete_days} day{'s' if delete_days != 1 else ''} of their messages"
            )
        question += "?"
    shown = trim(neutralise_mentions(reason), limits.MESSAGE_CONTENT - len(question) - 20)
    return f"{question}\n**Reason:** {shown}"


def purge_summary(deleted: int, skipped: int) -> str:
    """What a purge did, saying how many messages were too old to bulk-delete."""
    text = f"Deleted {deleted} message{'s' if deleted != 1 else ''}."
    if skipped:
        text += (
            f" Skipped {skipped} older than {limits.BULK_DELETE_MAX_AGE_DAYS} days: "
            "Discord only bulk-deletes younger messages."
        )
    return text


# --- /mod case and /mod history -----------------------------------------------------------------


def case_status(case: Case) -> str:
    """Active, ended (why) or voided (by whom, when, why)."""
    if case.voided_at is not None:
        reason = neutralise_mentions(case.void_reason or "")
        return f"Voided by <@{case.voided_by}> {timestamp(case.voided_at, 'R')}: {reason}"
    if case.active:
        if case.expires_at is not None:
            return f"Active, ends {timestamp(case.expires_at, 'R')}"
        return "Active"
    if case.end_reason:
        ended = f" {timestamp(case.ended_at, 'R')}" if case.ended_at is not None else ""
        return f"Ended ({case.end_reason}){ended}"
    return "Recorded"


def case_embed(case: Case) -> EmbedData:
    """What `/mod case N` shows: every fact of the case, amendments and voiding included."""
    title = f"Case #{case.number} · {case.type.label}" + (" (voided)" if case.voided else "")
    fields = [
        EmbedField("Member" if case.member_id else "Channel", _subject(case), inline=True),
        EmbedField("Moderator", _moderator(case), inline=True),
        EmbedField("Created", timestamp(case.created_at), inline=True),
    ]
    if case.duration is not None:
        fields.append(EmbedField("Duration", format_duration(case.duration), inline=True))
    fields.append(EmbedField("Status", _field(case_status(case)), inline=True))
    if case.dm_status in _DM_FIELD:
        fields.append(EmbedField("DM", _DM_FIELD[case.dm_status], inline=True))
    if case.rule:
        fields.append(EmbedField("Rule", _field(case.rule)))
    if case.cites:
        fields.append(EmbedField("Triggered by", ", ".join(f"#{n}" for n in case.cites)))
    if case.jump_url:
        fields.append(EmbedField("Message", f"[Jump to the message]({case.jump_url})"))
    if case.amendments:
        fields.append(EmbedField("Reason history", _amendment_lines(case)))
    description = trim(
        neutralise_mentions(case.reason) or "*No reason given.*", limits.EMBED_DESCRIPTION
    )
    return EmbedData(
        title=trim(title, limits.EMBED_TITLE), description=description, fields=tuple(fields)
    )


def history_embed(page: HistoryPage, member_name: str) -> EmbedData:
    """One page of `/mod history`: a line per case, voided cases struck through."""
    name = escape_markdown(member_name)
    noun = "case" if page.total == 1 else "cases"
    title = trim(f"History of {name} ({page.total} {noun})", limits.EMBED_TITLE)
    if not page.cases:
        return EmbedData(title=title, description=f"No cases recorded for {name}.")
    lines = [history_line(case) for case in page.cases]
    description = trim("\n".join(lines), limits.EMBED_DESCRIPTION)
    return EmbedData(
        title=title, description=description, footer=f"Page {page.page} of {page.page_count}"
    )


def history_line(case: Case) -> str:
    """ "`#12` Timeout (1 hour) · <date> · reason", struck through with ~~ if voided."""
    reason = trim(neutralise_mentions(case.reason).replace("\n", " "), HISTORY_REASON_CHARS)
    what = f"`#{case.number}` {case.type.label}{_bracketed(case.duration)}"
    line = f"{what} · {timestamp(case.created_at, 'd')} · {reason or '(no reason)'}"
    if case.voided:
        return "~~" + line.replace("~", "\\~") + "~~ (voided)"
    if case.active and case.type not in WARNING_TYPES:
        line += " · active"
    return line


def _bracketed(duration: timedelta | None) -> str:
    return "" if duration is None else f" ({format_duration(duration)})"


def _subject(case: Case) -> str:
    if case.member_id is None:
        return f"<#{case.channel_id}>"
    return person(case.member_name, case.member_id)


def _moderator(case: Case) -> str:
    if case.type.is_automatic or case.rule:
        return f"<@{case.moderator_id}> (automatic)"
    return f"<@{case.moderator_id}>"


def _field(text: str) -> str:
    return trim(text, limits.EMBED_FIELD_VALUE)


def _amendment_lines(case: Case) -> str:
    lines = [
        f"{timestamp(a.amended_at, 'd')} by <@{a.amended_by}>, was: "
        f"{trim(neutralise_mentions(a.old_reason), 200)}"
        for a in case.amendments
    ]
    return _field("\n".join(lines))
