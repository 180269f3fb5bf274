"""One permission list: what the bot checks for is what the invite link and README ask for."""

from __future__ import annotations

from pathlib import Path

import discord

from bot.invite import NEEDED, PERMISSIONS_VALUE, invite_url
from bot.moderation.rules import BOT_PERMISSIONS

README = Path(__file__).parents[1] / "README.md"


def test_the_bits_are_discord_pys():
    expected = discord.Permissions(**{n.attribute: True for n in NEEDED})
    assert expected.value == PERMISSIONS_VALUE
    assert all(getattr(discord.Permissions, n.attribute).flag == 1 << n.bit for n in NEEDED)


def test_every_permission_the_bot_checks_is_asked_for():
    asked = {n.attribute for n in NEEDED}
    checked = {name for names in BOT_PERMISSIONS.values() for name in names}
    # a failed opener deletes its thread, guard re-posts go through webhooks, polls and events
    assert checked | {"manage_threads", "manage_webhooks", "send_polls", "manage_events"} <= asked


def test_the_readme_invite_link_is_the_same():
    text = " ".join(README.read_text(encoding="utf-8").split())  # labels wrap across lines
    assert invite_url("APP_ID") in text
    assert all(n.label in text for n in NEEDED)
