"""What moderators and members read about screening: review alerts, the author's notice, the
restored message, `/mod queue` pages and `/mod screening status`. Plain text and embed data,
within bot/limits.py; text members typed has its mentions neutralised and markdown escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot import limits
from bot.moderation.messages import person
from bot.render import EmbedData, EmbedField, timestamp, trim
from bot.screening.model import ReviewItem, ReviewReason, ReviewState
from bot.screening.policy import ScreeningPolicy, Thresholds
from bot.screening.results import LABELS
from bot.spoilers.format import split_message
from bot.text import escape_markdown, neutralise_mentions

QUOTE_CHARS = 1500  # of the member's text in an alert (the rest is in the database)
NOTICE_QUOTE_CHARS = 600  # of the member's text in their own notice
SCORES_SHOWN = 4
QUEUE_PAGE_SIZE = 10
QUEUE_EXCERPT_CHARS = 80  # of the member's text on a queue line
OUTCOME_TITLES = {
    ReviewReason.HIDE: "hidden automatically",
    ReviewReason.FLAG: "flagged for review",
    ReviewReason.REPORT: "reported by a member",
}
STATE_WORDS = {
    ReviewState.PENDING: "Pending",
    ReviewState.APPROVED: "Approved",
    ReviewState.REMOVED: "Removed",
    ReviewState.ESCALATED: "Escalated",
}
RESTORED_NOTE = "-# Restored by the moderators after review (it was hidden automatically)."


@dataclass(frozen=True)
class Decision:
    """One decision on an item, with the moderator's name resolved by the cog."""

    state: ReviewState
    moderator: str
    at: str  # ISO time as stored
    note: str | None = None


@dataclass(frozen=True)
class AlertFacts:
    """Everything an alert shows, gathered by the cog."""

    item: ReviewItem
    author_name: str | None
    channel_name: str
    jump_url: str | None  # None when the message is hidden (deleted from the channel)
    scores: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()


def quote(text: str, limit: int) -> str:
    """A member's text made inert (no pings, no formatting) and shown as a block quote."""
    safe = trim(escape_markdown(neutralise_mentions(text.strip())), limit)
    return "\n".join(f"> {line}" for line in safe.split("\n")) if safe else "> (no text)"


def scores_line(scores: Mapping[str, float], shown: int = SCORES_SHOWN) -> str:
    """ "insult 0.97 · toxicity 0.99": the highest labels first."""
    ranked = sorted(scores.items(), key=lambda pair: -pair[1])[:shown]
    ranked = [pair for pair in ranked if pair[1] >= 0.005] or ranked[:1]
    return " · ".join(f"{label.replace('_', ' ')} {value:.2f}" for label, value in ranked)


def parse_time(stored: str) -> datetime:
    return datetime.fromisoformat(stored.replace("Z", "+00:00"))


def alert_embed(facts: AlertFacts) -> EmbedData:
    """The alert in the moderators' channel (its buttons are added by the cog)."""
    item = facts.item
    where = f"#{escape_markdown(facts.channel_name)}"
    where += (
        f" · [jump to the message]({facts.jump_url})"
        if facts.jump_url
        else " · deleted by screening; its text is above"
    )
    fields = [
        EmbedField("Author", person(facts.author_name, item.author_id), inline=True),
        EmbedField("Where", where, inline=True),
    ]
    if item.rule:
        label = "Reason given" if item.outcome is ReviewReason.REPORT else "Rule"
        fields.append(
            EmbedField(label, trim(neutralise_mentions(item.rule), limits.EMBED_FIELD_VALUE))
        )
    if facts.scores:
        fields.append(EmbedField("Scores", scores_line(facts.scores)))
    if item.reports:
        fields.append(EmbedField("Reports", f"{item.reports} member report(s)", inline=True))
    if facts.notes:
        fields.append(EmbedField("Notes", trim("\n".join(facts.notes), limits.EMBED_FIELD_VALUE)))
    fields.append(EmbedField("State", state_text(item, facts.decisions)))
    return EmbedData(
        title=f"{alert_title_prefix(item.id)} {OUTCOME_TITLES[item.outcome]}",
        description=quote(item.content, QUOTE_CHARS),
        fields=tuple(fields),
        footer="Approve puts a hidden message back · Warn and Timeout 1h open a case",
    )


def alert_title_prefix(item_id: int) -> str:
    """How the title of every alert for review item `item_id` begins (whatever its outcome
    and state), so the alert can be found again in the alert channel."""
    return f"Review #{item_id}:"


def state_text(item: ReviewItem, decisions: Sequence[Decision]) -> str:
    """ "Pending", or every decision: who, when, and the note."""
    if not decisions:
        return STATE_WORDS[item.state]
    lines = []
    for decision in decisions:
        line = (
            f"{STATE_WORDS[decision.state]} by "
            f"{escape_markdown(decision.moderator)} {timestamp(parse_time(decision.at), 'R')}"
        )
        if decision.note:
            line += f": {neutralise_mentions(decision.note)}"
        lines.append(line)
    return trim("\n".join(lines), limits.EMBED_FIELD_VALUE)


def author_notice(
    *,
    guild_name: str,
    channel_name: str,
    rule: str | None,
    content: str,
    appeal_text: str | None,
    by_moderators: bool = False,
) -> str:
    """The DM telling a member which rule hid their message, and how to appeal."""
    guild, channel = escape_markdown(guild_name), escape_markdown(channel_name)
    if by_moderators:
        opening = f"Your message in **#{channel}** ({guild}) was removed by the moderators."
        kept = "A copy is kept in the moderators' records."
    else:
        opening = f"Your message in **#{channel}** ({guild}) was hidden automatically."
        kept = (
            "Nothing is lost: a copy is kept and a moderator will review it. If they approve "
            "it, it is put back under your name."
        )
    appeal = neutralise_mentions(
        appeal_text or f"If you think this was a mistake, contact the moderators of {guild}."
    )
    parts = [
        opening,
        f"**Rule:** {neutralise_mentions(rule or 'a moderator decision')}",
        f"**Your message:**\n{quote(content, NOTICE_QUOTE_CHARS)}",
        kept,
        f"**How to appeal:** {appeal}",
    ]
    return trim("\n\n".join(parts), limits.MESSAGE_CONTENT)


def restored_messages(content: str) -> list[str]:
    """The approved message as the webhook re-posts it: the text, then a short note."""
    room = limits.MESSAGE_CONTENT - len(RESTORED_NOTE) - 1
    parts = split_message(content, room) if content.strip() else ["(no text)"]
    parts[-1] = f"{parts[-1]}\n{RESTORED_NOTE}"
    return parts


def queue_pages(items: Sequence[ReviewItem], total: str) -> list[EmbedData]:
    """`/mod queue`: open items, oldest first, ten to a page."""
    if not items:
        return [EmbedData(title="Review queue", description="Nothing is waiting for review.")]
    pages = []
    for start in range(0, len(items), QUEUE_PAGE_SIZE):
        lines = [_queue_line(item) for item in items[start : start + QUEUE_PAGE_SIZE]]
        pages.append(
            EmbedData(
                title=f"Review queue: {total} open",
                description=trim("\n".join(lines), limits.EMBED_DESCRIPTION),
                footer="/mod queue item:<number> shows an item with its buttons",
            )
        )
    return pages


def _queue_line(item: ReviewItem) -> str:
    what = OUTCOME_TITLES[item.outcome]
    state = "" if item.state is ReviewState.PENDING else f" ({STATE_WORDS[item.state].lower()})"
    text = trim(
        escape_markdown(neutralise_mentions(" ".join(item.content.split()))), QUEUE_EXCERPT_CHARS
    )
    return (
        f"**#{item.id}** {what}{state} · <#{item.channel_id}> · "
        f"{timestamp(parse_time(item.created_at), 'R')}\n{text or '(no text)'}"
    )


def status_embed(
    policy: ScreeningPolicy,
    *,
    backend: str,
    alert_channel_id: int | None,
    unscreened: int,
    pending: int,
) -> EmbedData:
    """`/mod screening status`: backend, scope, exemptions, thresholds, the alert channel."""
    alerts = (
        f"<#{alert_channel_id}>"
        if alert_channel_id
        else "**none set**: reviews wait in `/mod queue`; set one with `/mod config alert-channel`"
    )
    exempt = [f"<@&{role}>" for role in sorted(policy.exempt_roles)]
    channels = [
        f"<#{setting.channel_id}>: {setting.mode.value}"
        for setting in policy.channels.values()
        if setting.mode is not None
    ]
    fields = [
        EmbedField("Backend", trim(backend, limits.EMBED_FIELD_VALUE)),
        EmbedField("Screening", _scope_text(policy), inline=True),
        EmbedField("Alert channel", alerts, inline=True),
        EmbedField("Queue", f"{pending} open · {unscreened} waiting to be screened", inline=True),
        EmbedField("Exempt roles", ", ".join(exempt) or "none", inline=True),
        EmbedField(
            "Channels",
            trim("\n".join(channels), limits.EMBED_FIELD_VALUE) or "none set",
            inline=True,
        ),
        EmbedField("Thresholds (flag / hide)", thresholds_text(policy.thresholds_for(None))),
    ]
    overrides = [
        f"<#{setting.channel_id}>: "
        + ", ".join(f"{k} {_pair(v)}" for k, v in sorted(setting.thresholds.items()))
        for setting in policy.channels.values()
        if setting.thresholds
    ]
    if overrides:
        fields.append(
            EmbedField("Channel thresholds", trim("\n".join(overrides), limits.EMBED_FIELD_VALUE))
        )
    return EmbedData(title="Screening", fields=tuple(fields))


def _scope_text(policy: ScreeningPolicy) -> str:
    if not policy.enabled:
        return "**off**"
    return {
        "threads": "film discussion threads",
        "channels": "chosen channels only",
        "everywhere": "every channel but exempt ones",
    }[policy.scope.value]


def thresholds_text(merged: Mapping[str, tuple[Thresholds, str]]) -> str:
    """One line per label: flag / hide, and where the numbers come from."""
    lines = []
    for label in LABELS:
        if label not in merged:
            continue
        value, source = merged[label]
        origin = "" if source == "default" else f" ({source})"
        lines.append(f"`{label}` {_pair(value)}{origin}")
    return "\n".join(lines)


def _pair(value: Thresholds) -> str:
    def show(number: float | None) -> str:
        return "never" if number is None else f"{number:.2f}"

    return f"{show(value.flag)} / {show(value.hide)}"
