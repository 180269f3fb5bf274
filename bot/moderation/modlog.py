"""Entries for the mod-log channel: cases, amendments, voids, expiries, and edits or deletions
of messages in discussion threads.

Each entry is one plain message within Discord's 2,000 characters. Nobody is pinged: people
are written as "name (`id`)", never as mentions, and mentions inside quoted text are
neutralised (the cog still sends with allowed mentions off). Long text is trimmed with a link
to where the full text can be read.
"""

from __future__ import annotations

from bot import limits
from bot.moderation.durations import format_duration
from bot.moderation.messages import person
from bot.moderation.model import Amendment, Case, DmStatus, VoidResult
from bot.render import trim
from bot.text import escape_markdown, neutralise_mentions

_DM_WORDS = {
    DmStatus.SENT: "told by DM",
    DmStatus.CLOSED: "DMs closed, not told",
    DmStatus.FAILED: "not told: Discord did not deliver the DM",
    DmStatus.UNKNOWN: "perhaps told: the bot stopped while sending the DM",
}


def case_entry(case: Case, moderator_name: str | None) -> str:
    """A new case, manual or automatic."""
    heading = f"**Case #{case.number} · {case.type.label}**"
    if case.duration is not None:
        heading += f" for {format_duration(case.duration)}"
    lines = [heading, _who(case, moderator_name)]
    if case.rule:
        lines.append(f"Rule: {neutralise_mentions(case.rule)}")
    if case.cites:
        lines.append("Triggered by: " + ", ".join(f"#{n}" for n in case.cites))
    if case.dm_status in _DM_WORDS:
        lines.append(f"Member {_DM_WORDS[case.dm_status]}.")
    if case.jump_url:
        lines.append(f"Message: {case.jump_url}")
    return _with_quote(lines, "Reason", case.reason, case.jump_url)


def amendment_entry(case: Case, amendment: Amendment, moderator_name: str | None) -> str:
    """A case's reason was changed: by whom, from what, to what."""
    lines = [
        f"**Case #{case.number} · reason amended** by {person(moderator_name, amendment.amended_by)}",
        f"Before: {_quote(amendment.old_reason, 700, case.jump_url)}",
    ]
    return _with_quote(lines, "Now", amendment.new_reason, case.jump_url)


def void_entry(result: VoidResult, moderator_name: str | None) -> str:
    """A case was voided (pardoned); says whether a timeout or ban was lifted."""
    case = result.case
    lines = [
        f"**Case #{case.number} · {case.type.label} voided** by "
        f"{person(moderator_name, case.voided_by)}",
        f"Member: {_subject(case)}",
    ]
    if result.lifts:
        lines.append(f"The {result.lifts} was lifted.")
    return _with_quote(lines, "Why", case.void_reason or "", case.jump_url)


def expiry_entry(case: Case) -> str:
    """A tempban or the record of a timeout ended on time."""
    what = "unbanned" if case.type.action == "tempban" else "no longer timed out"
    return trim(
        f"**Case #{case.number} · {case.type.label} ended** (expired): {_subject(case)} is {what}.",
        limits.MESSAGE_CONTENT,
    )


def message_edited_entry(
    *, author_name: str, author_id: int, channel_name: str, before: str, after: str, jump_url: str
) -> str:
    """A message in a discussion thread was edited: before and after, each trimmed."""
    lines = [
        f"**Message edited** in #{escape_markdown(channel_name)} by {person(author_name, author_id)}",
        f"Before: {_quote(before, 850, jump_url)}",
    ]
    lines.append(f"After: {_quote(after, 850, jump_url)}")
    lines.append(jump_url)
    return trim("\n".join(lines), limits.MESSAGE_CONTENT)


def message_deleted_entry(
    *, author_name: str, author_id: int, channel_name: str, content: str, jump_url: str | None
) -> str:
    """A message in a discussion thread was deleted; its text (kept by the bot) is quoted."""
    lines = [
        f"**Message deleted** in #{escape_markdown(channel_name)} by {person(author_name, author_id)}"
    ]
    if jump_url:
        lines.append(f"Where: {jump_url}")
    return _with_quote(lines, "Text", content, None)


def _who(case: Case, moderator_name: str | None) -> str:
    moderator = person(moderator_name, case.moderator_id)
    if case.type.is_automatic:
        moderator += " (automatic)"
    return f"Member: {_subject(case)} · Moderator: {moderator}"


def _subject(case: Case) -> str:
    if case.member_id is None:
        return f"channel `{case.channel_id}`"
    return person(case.member_name, case.member_id)


def _quote(text: str, limit: int, link: str | None) -> str:
    return trim(neutralise_mentions(text).replace("\n", " ") or "(empty)", limit, link)


def _with_quote(lines: list[str], label: str, text: str, link: str | None) -> str:
    """The lines, then `label: text` trimmed so the whole entry fits one message."""
    head = "\n".join(trim(line, 400) for line in lines)
    room = limits.MESSAGE_CONTENT - len(head) - len(label) - 3
    return f"{head}\n{label}: {_quote(text, room, link)}"


def journal_failure_entry(message: str) -> str:
    """An action the journal gave up on after retrying (or could not finish after a restart)."""
    return trim(f"**Not carried out** · {neutralise_mentions(message)}", limits.MESSAGE_CONTENT)
