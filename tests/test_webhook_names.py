"""Webhook names are made acceptable to Discord without changing how they read."""

from __future__ import annotations

import pytest

from bot.sandbox.emulator.rules import check_webhook_name
from bot.webhooks import DEFAULT_NAME, webhook_name


@pytest.mark.parametrize(
    "display_name",
    ["Clyde", "Discord Dan", "DISCORDIA", "dis\u200bcord", "everyone", "Here", "x" * 90, "\u200b",
     "  Mona   Lisa ", "mr clyde and discord"],
)  # fmt: skip
def test_every_name_passes_discords_rules(display_name):
    name = webhook_name(display_name)
    check_webhook_name(name, "username")  # raises if Discord would refuse it
    assert 1 <= len(name) <= 80


def test_names_read_the_same():
    assert webhook_name("Discord Dan") == "Disc\u043erd Dan"
    assert webhook_name("  Mona   Lisa ") == "Mona Lisa"
    assert webhook_name("Theresa") == "Theresa"
    assert webhook_name("\u200b") == DEFAULT_NAME


def test_mention_markup_in_a_name_is_inert():
    assert webhook_name("<@&123> @everyon") == "<\uff20&123> \uff20everyon"
    assert "`" not in webhook_name("```py evil```")
    assert "@" not in webhook_name("@here")
