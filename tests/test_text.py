"""Small text helpers shared by every feature."""

from __future__ import annotations

from bot.text import counted


def test_counted_nouns_agree_with_their_number():
    assert counted(1, "message") == "1 message"
    assert counted(0, "message") == "0 messages"
    assert counted(1200, "reply", "replies") == "1,200 replies"
