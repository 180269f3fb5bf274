"""Discord's documented rules on names, reasons, threads and forums, as the emulator enforces them.

A request that breaks one is answered with the error Discord gives and recorded as a
`Violation`, so the test suite fails when the bot sends something real Discord would refuse
(see docs/emulator.md). Message bodies are checked in rules_messages, commands in
rules_commands.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot import limits
from bot.sandbox.emulator.kinds import ChannelType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiError

REQUIRE_TAG = 1 << 4  # channel flag on forums
FORBIDDEN_IN_WEBHOOK_NAMES = ("clyde", "discord")
RESERVED_NAMES = ("everyone", "here")


class Violation(ApiError):
    """A request real Discord refuses because of how the bot built it (not the world's state)."""


@dataclass
class RecordedViolation:
    method: str
    path: str
    code: int
    message: str
    expected: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.code} {self.message}"


def form_error(field: str, problem: str) -> Violation:
    """Discord's 400 Invalid Form Body (50035) for one field."""
    return Violation(400, 50035, f"Invalid Form Body: {field}: {problem}")


def visible(text: str) -> str:
    """The name with invisible (format) characters removed, as Discord's name sanitiser does."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def check_webhook_name(name: str | None, field: str = "name") -> None:
    """Webhook names: 1-80 characters; they cannot contain "clyde" or "discord", and cannot be
    "everyone" or "here".

    docs: resources/webhook "Create Webhook": "Webhook names follow our naming restrictions that
    can be found in our Usernames and Nicknames documentation, with the following additional
    stipulations: Webhook names cannot be: 'clyde'"; topics/... Usernames and Nicknames: "Names
    cannot contain ... 'discord'"; "Names cannot be: 'everyone', 'here'". Discord also refuses
    names that contain "clyde" (reported, and fixed by python-discord/bot). The same rules apply
    to `username` when executing a webhook.
    """
    if name is None:
        return
    cleaned = visible(name)
    if not 1 <= len(cleaned) <= limits.WEBHOOK_USERNAME:
        raise form_error(field, f"Must be between 1 and {limits.WEBHOOK_USERNAME} in length.")
    lowered = cleaned.casefold()
    for word in FORBIDDEN_IN_WEBHOOK_NAMES:
        if word in lowered:
            raise form_error(field, f'Username cannot contain "{word}"')
    if lowered in RESERVED_NAMES:
        raise form_error(field, f'Username cannot be "{lowered}"')


def check_reason(reason: str | None) -> None:
    """X-Audit-Log-Reason: 1-512 characters once URL-decoded.

    docs: resources/audit-log "Audit Log Entry Object" > reason: "Reason for the change (1-512
    characters)"; reference "X-Audit-Log-Reason": "the header value must be URL-encoded".
    """
    if reason is not None and not 1 <= len(reason) <= limits.AUDIT_LOG_REASON:
        raise form_error(
            "X-Audit-Log-Reason", f"Must be between 1 and {limits.AUDIT_LOG_REASON} in length."
        )


def check_forum_tags(forum: JSON, applied: list[str], *, can_moderate: bool) -> None:
    """A forum post carries at most 5 of the forum's own tags; REQUIRE_TAG forums need one, and
    moderated tags need Manage Threads.

    docs: resources/channel "Channel Flags" REQUIRE_TAG: "whether a tag is required to be
    specified when creating a thread in a GUILD_FORUM or a GUILD_MEDIA channel"; "Start Thread in
    Forum or Media Channel" applied_tags: "the IDs of the set of tags that have been applied to a
    thread in a GUILD_FORUM or a GUILD_MEDIA channel" (at most 5, "Channel Object" applied_tags);
    "Forum Tag Object" moderated: "whether this tag can only be added to or removed from threads
    by a member with the MANAGE_THREADS permission"; JSON error 40067 "A tag is required to
    create a forum post in this channel".
    """
    if len(applied) > limits.FORUM_APPLIED_TAGS:
        raise form_error("applied_tags", f"Must be {limits.FORUM_APPLIED_TAGS} or fewer in length.")
    if len(set(applied)) != len(applied):
        raise form_error("applied_tags", "Tags must be unique.")
    tags = {t["id"]: t for t in forum.get("available_tags") or []}
    for tag_id in applied:
        if tag_id not in tags:
            raise form_error("applied_tags", f"Unknown tag {tag_id} for this forum.")
        if tags[tag_id].get("moderated") and not can_moderate:
            raise ApiError(403, 50013, "Missing Permissions (moderated tag)")
    if int(forum.get("flags") or 0) & REQUIRE_TAG and not applied:
        raise Violation(400, 40067, "A tag is required to create a forum post in this channel")


def check_thread_type(parent: JSON, kind: int, *, from_message: bool) -> None:
    """A thread's type must fit its parent: announcement channels hold announcement threads
    (10), text channels public (11) or private (12) ones.

    docs: resources/channel "Start Thread without Message": type "the type of thread to create";
    "Channel Types" ANNOUNCEMENT_THREAD (10): "a temporary sub-channel within a
    GUILD_ANNOUNCEMENT channel"; PUBLIC_THREAD (11)/PRIVATE_THREAD (12): "within a GUILD_TEXT
    channel". "Start Thread from Message": "When called on a GUILD_TEXT channel, creates a
    PUBLIC_THREAD. When called on a GUILD_ANNOUNCEMENT channel, creates an ANNOUNCEMENT_THREAD."
    """
    if from_message:
        return
    allowed = {
        ChannelType.ANNOUNCEMENT: (ChannelType.ANNOUNCEMENT_THREAD,),
        ChannelType.TEXT: (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD),
    }.get(parent["type"], ())
    if kind not in allowed:
        raise form_error("type", f"thread type {kind} cannot be created in this channel")


def check_not_archived(channel: JSON) -> None:
    """Messages in an archived thread cannot be edited (nor the thread, other than unarchiving).

    docs: topics/opcodes-and-status-codes JSON error 50083: "Operation cannot be performed on an
    archived thread"; resources/channel "Threads": "archived threads ... cannot be edited".
    """
    if (channel.get("thread_metadata") or {}).get("archived"):
        raise Violation(400, 50083, "Operation cannot be performed on an archived thread")


def check_webhook_count(count: int) -> None:
    """docs: topics/opcodes-and-status-codes 30007 "Maximum number of webhooks reached (15)"."""
    if count >= limits.WEBHOOKS_PER_CHANNEL:
        raise ApiError(
            400, 30007, f"Maximum number of webhooks reached ({limits.WEBHOOKS_PER_CHANNEL})"
        )
