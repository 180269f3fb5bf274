"""Rules and texts of film discussion threads: names, who may open, what the bot needs, pages.

A cog parses the command, calls these and the `Discussions` service (service.py), and renders
the result.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from bot import limits
from bot.discussions.model import ARCHIVE_LABELS, Discussion, DiscussionSettings, SpoilerPolicy
from bot.errors import InvalidInput, PermissionDenied, UserFacingError
from bot.films.text import fit_label
from bot.moderation.rules import PERMISSION_NAMES
from bot.render import timestamp
from bot.text import joined, neutral_label, neutral_name

THREAD_SUFFIX = " - discussion"
LIST_PAGE_LINES = 10

# What the bot needs in the channel before it creates anything (a forum post is a message in
# the forum, so it needs Send Messages there instead of Create Public Threads).
_COMMON_NEEDS = ("send_messages_in_threads", "embed_links", "manage_messages", "manage_webhooks")
BOT_NEEDS = {
    "text": ("create_public_threads", *_COMMON_NEEDS),
    "forum": ("send_messages", *_COMMON_NEEDS),
}
# What the member who asks needs there: Discord would not let them open the thread themselves
# otherwise (the bot must not open one where they cannot see or post).
MEMBER_NEEDS = {
    "text": ("read_messages", "create_public_threads"),
    "forum": ("read_messages", "send_messages"),
    "thread": ("read_messages", "send_messages_in_threads"),
    "locked thread": ("read_messages", "manage_threads"),  # only they may unarchive it
    "slowmode": ("read_messages", "manage_threads"),  # a thread's slowmode
    "history": ("read_messages", "read_message_history"),  # /thread track: the bot keeps it
}
_NAMES = {
    **PERMISSION_NAMES,
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "manage_webhooks": "Manage Webhooks",
    "read_messages": "View Channel",  # discord.py's name for it
}
# Genre spellings that differ between catalogs and forum tags, folded to one key.
_GENRE_ALIASES = {"scifi": "sciencefiction", "romcom": "romance", "docs": "documentary"}


class AlreadyOpen(UserFacingError):
    """A discussion of this film is already open in this channel; `discussion` is that one."""

    def __init__(self, discussion: Discussion) -> None:
        super().__init__(
            f"A discussion of {neutral_name(discussion.film_label, limits.THREAD_NAME)} is "
            f"already open here: "
            f"<#{discussion.thread_id}>. Join it, or use force to open a second one."
        )
        self.discussion = discussion


def thread_name(film_label: str) -> str:
    """ "Title (Year) - discussion", shortened (title first) to Discord's 100 characters."""
    room = limits.THREAD_NAME - len(THREAD_SUFFIX)
    label = neutral_label(film_label)  # no mention markup in a thread name
    return fit_label(label, room) + THREAD_SUFFIX


def check_bot_can_open(granted: Collection[str], *, forum: bool, channel_name: str) -> None:
    """PermissionDenied naming every permission the bot lacks to open a discussion there."""
    if "administrator" in granted:
        return
    missing = [p for p in BOT_NEEDS["forum" if forum else "text"] if p not in granted]
    if not missing:
        return
    listed = joined([f"**{_NAMES.get(p, p)}**" for p in missing])
    noun = "permission" if len(missing) == 1 else "permissions"
    raise PermissionDenied(
        f"I can't open a discussion in #{channel_name}: I need the {listed} {noun} there. "
        "Nothing was created. Ask an admin to give it to my role (Server Settings > Roles, or "
        "the channel's permissions)."
    )


def check_member_can(granted: Collection[str], *, kind: str, channel_id: int, doing: str) -> None:
    """PermissionDenied when the member asking could not do this in that channel on Discord
    (`kind`: a key of MEMBER_NEEDS: "text" or "forum" to open a discussion, "thread" or
    "locked thread" to reopen one, "slowmode" to change a thread's, "history" to have a
    channel's replies kept)."""
    if "administrator" in granted:
        return
    missing = [p for p in MEMBER_NEEDS[kind] if p not in granted]
    if not missing:
        return
    if "read_messages" in missing:
        raise PermissionDenied(
            f"You can't see <#{channel_id}>, so you can't {doing} there. Nothing was changed."
        )
    raise PermissionDenied(
        f"You can't {doing} in <#{channel_id}>: you need the "
        f"**{_NAMES.get(missing[0], missing[0])}** permission there. Nothing was changed."
    )


def check_starter(
    *, is_moderator: bool, starter_role_id: int | None, role_ids: Collection[int]
) -> None:
    """Moderators, and members with the guild's starter role, may open discussions."""
    if is_moderator or (starter_role_id is not None and starter_role_id in role_ids):
        return
    if starter_role_id is None:
        raise PermissionDenied("Only moderators can open film discussions here.")
    raise PermissionDenied(
        f"Only moderators and members with the <@&{starter_role_id}> role can open film "
        "discussions here."
    )


def _genre_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return _GENRE_ALIASES.get(key, key)


def forum_tags_for(genres: Iterable[str], tags: Sequence[tuple[int, str]]) -> list[int]:
    """Ids of the forum tags (id, name) that name one of the film's genres, at most 5."""
    wanted = {_genre_key(genre) for genre in genres}
    chosen = [tag_id for tag_id, name in tags if _genre_key(name) in wanted]
    return chosen[: limits.FORUM_APPLIED_TAGS]


def tags_for_post(
    chosen: Sequence[int],
    tags: Sequence[tuple[int, bool]],
    *,
    required: bool,
    can_moderate: bool,
    forum_name: str,
) -> list[int]:
    """The tags a new forum post carries: `chosen` (e.g. its genres) minus moderated tags the
    bot may not apply; when the forum requires a tag and none is left, its first usable tag.
    `tags` are the forum's (id, moderated)."""
    usable = [tag_id for tag_id, moderated in tags if can_moderate or not moderated]
    picked = [tag_id for tag_id in chosen if tag_id in usable]
    if picked or not required:
        return picked
    if not usable:
        raise InvalidInput(
            f"#{forum_name} requires a tag on every post, and none of its tags is one I can "
            "apply (moderated tags need Manage Threads). Add a tag to the forum or give me "
            "Manage Threads there, then try again."
        )
    return usable[:1]


def policy_line(policy: str) -> str:
    """The line above the film card telling members what the thread expects."""
    if policy == SpoilerPolicy.TAGGED_ONLY:
        return (
            "Spoilers: **tagged-only**. Wrap plot reveals in \\|\\|double bars\\|\\|; "
            "untagged reveals are re-posted with spoiler tags."
        )
    return "Spoilers: **allowed**. Everything about the film may be discussed openly."


def _when(iso: str) -> str:
    return timestamp(datetime.fromisoformat(iso), "R")


def discussion_line(discussion: Discussion) -> str:
    """One line of /discuss list: the thread link, the film, its policy and age."""
    if not discussion.archived:
        state = f"opened {_when(discussion.created_at)}"
    elif discussion.archived_at:
        state = f"archived {_when(discussion.archived_at)}"
    else:
        state = "archived"
    label = neutral_name(discussion.film_label, limits.THREAD_NAME)
    return f"<#{discussion.thread_id}> · {label} · spoilers {discussion.spoiler_policy} · {state}"


def list_pages(discussions: Sequence[Discussion], *, heading: str) -> list[str]:
    """Pages of `discussion_line`s under a heading; one page saying so when there are none."""
    if not discussions:
        return [f"{heading}\nNo open discussions. A moderator can start one with /discuss start."]
    pages = []
    for start in range(0, len(discussions), LIST_PAGE_LINES):
        lines = [discussion_line(d) for d in discussions[start : start + LIST_PAGE_LINES]]
        pages.append("\n".join([heading, *lines])[: limits.MESSAGE_CONTENT])
    return pages


def settings_text(settings: DiscussionSettings) -> str:
    """/discuss config show: the guild's discussion options."""
    if settings.starter_role_id is None:
        who = "moderators only"
    elif settings.starter_role_id == settings.guild_id:  # the @everyone role has the server's id
        who = "everyone"
    else:
        who = f"moderators, and the role <@&{settings.starter_role_id}>"
    archive = ARCHIVE_LABELS[settings.default_auto_archive_minutes]
    return (
        "**Film discussion settings**\n"
        f"Who can open discussions: {who}\n"
        f"New threads auto-archive after: {archive} of quiet\n"
        f"Default spoiler policy: {settings.default_spoiler_policy}\n"
        f"Spoiler guard sensitivity: {settings.guard_sensitivity}"
    )
