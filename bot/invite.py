"""The Discord permissions the bot asks for, and the invite link that grants them.

One list for the README, the invite link and /about. Each entry is the name Discord's client
shows, the discord.py attribute, the bit, and what the bot uses it for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Needed:
    label: str  # as Discord's permission screen names it
    attribute: str  # discord.Permissions attribute
    bit: int
    used_for: str


NEEDED = (
    Needed("View Channels", "view_channel", 10, "see the channels it works in"),
    Needed("Send Messages", "send_messages", 11, "alerts, mod log, re-posts"),
    Needed("Send Messages in Threads", "send_messages_in_threads", 38, "discussion openers"),
    Needed("Create Public Threads", "create_public_threads", 35, "/discuss start, imports"),
    Needed("Manage Threads", "manage_threads", 34, "lock, slowmode, reopen, clean-up"),
    Needed("Manage Messages", "manage_messages", 13, "hide, purge, spoiler re-posts"),
    Needed("Manage Webhooks", "manage_webhooks", 29, "re-post under the member's name"),
    Needed("Embed Links", "embed_links", 14, "film cards and review alerts"),
    Needed("Attach Files", "attach_files", 15, "exports"),
    Needed("Read Message History", "read_message_history", 16, "backfill, purge"),
    Needed("Timeout Members", "moderate_members", 40, "/mod timeout"),
    Needed("Kick Members", "kick_members", 1, "/mod kick"),
    Needed("Ban Members", "ban_members", 2, "/mod ban"),
    Needed("Manage Events", "manage_events", 33, "movie nights"),
    Needed("Send Polls", "send_polls", 49, "film polls"),
)
PERMISSIONS_VALUE = sum(1 << n.bit for n in NEEDED)


def invite_url(application_id: int | str) -> str:
    """The OAuth2 link that adds the bot with its slash commands and these permissions."""
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={PERMISSIONS_VALUE}"
    )


def permission_labels() -> str:
    """ "View Channels, Send Messages, ...": the list as a sentence fragment."""
    return ", ".join(n.label for n in NEEDED)
