"""What moderators and members read about screening, and thresholds typed by moderators."""

from __future__ import annotations

import pytest

from bot import limits
from bot.errors import InvalidInput
from bot.screening.model import ReviewItem, ReviewReason, ReviewSource, ReviewState
from bot.screening.policy import Thresholds, changed_thresholds, parse_threshold
from bot.screening.review_text import (
    RESTORED_NOTE,
    AlertFacts,
    Decision,
    alert_embed,
    author_notice,
    restored_messages,
    scores_line,
)
from bot.text import ZERO_WIDTH_SPACE


def item(**changes) -> ReviewItem:
    values = dict(
        id=7, guild_id=1, channel_id=2, message_id=3, author_id=4, screened_id=None,
        source="screening", outcome="hide", content="hey @everyone <@5> you **idiot**",
        rule="insult 0.97 >= hide threshold 0.93 (default)", state="pending", decided_by=None,
        decided_at=None, decision_note=None, alert_channel_id=None, alert_message_id=None,
        created_at="2025-01-01T12:00:00.000Z",
    )  # fmt: skip
    values.update(changes)
    values["source"] = ReviewSource(values["source"])
    values["outcome"] = ReviewReason(values["outcome"])
    values["state"] = ReviewState(values["state"])
    return ReviewItem(**values)


def test_the_alert_quotes_the_text_inert_with_scores_and_state() -> None:
    facts = AlertFacts(
        item(), "Bob", "film-talk", None, {"insult": 0.97, "toxicity": 0.99, "threat": 0.0}
    )
    embed = alert_embed(facts)
    assert embed.title == "Review #7: hidden automatically"
    assert f"@{ZERO_WIDTH_SPACE}everyone" in embed.description
    assert f"<@{ZERO_WIDTH_SPACE}5>" in embed.description and "\\*\\*idiot" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Scores"] == "toxicity 0.99 · insult 0.97"
    assert "deleted by screening" in fields["Where"] and fields["State"] == "Pending"


def test_decisions_say_who_and_when() -> None:
    decided = Decision("approved", "Mona", "2025-01-01T12:05:00.000Z", "left as it is")
    embed = alert_embed(
        AlertFacts(item(state="approved"), "Bob", "x", "https://j", {}, (), (decided,))
    )
    state = {f.name: f.value for f in embed.fields}["State"]
    assert state.startswith("Approved by Mona <t:1735733100:R>: left as it is")


def test_the_authors_notice_names_the_rule_and_how_to_appeal_within_limits() -> None:
    text = author_notice(
        guild_name="Film Club", channel_name="film-talk", rule="insult 0.97 >= 0.93",
        content="x " * 3000, appeal_text="Write to @here in #appeals",
    )  # fmt: skip
    assert len(text) <= limits.MESSAGE_CONTENT
    assert "hidden automatically" in text and "insult 0.97" in text
    assert f"@{ZERO_WIDTH_SPACE}here" in text and "How to appeal" in text


def test_a_long_message_is_restored_in_parts_each_within_the_limit() -> None:
    parts = restored_messages("word " * 800)
    assert len(parts) == 3 and all(len(p) <= limits.MESSAGE_CONTENT for p in parts)
    assert parts[-1].endswith(RESTORED_NOTE)
    assert "".join(parts).count("word") == 800


def test_scores_line_leaves_out_zero_scores() -> None:
    assert scores_line({"toxicity": 0.0, "insult": 0.0}) == "toxicity 0.00"
    assert scores_line({"toxicity": 0.5, "insult": 0.001}) == "toxicity 0.50"


@pytest.mark.parametrize(("typed", "value"), [("0.85", 0.85), ("85%", 0.85), ("never", None)])
def test_thresholds_as_typed(typed: str, value: float | None) -> None:
    assert parse_threshold(typed, "flag") == value


@pytest.mark.parametrize("typed", ["lots", "0", "1.5", "-3"])
def test_bad_thresholds_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_threshold(typed, "hide")


def test_changing_one_threshold_keeps_the_other() -> None:
    assert changed_thresholds(Thresholds(0.7, 0.93), None, "0.95") == Thresholds(0.7, 0.95)
    with pytest.raises(InvalidInput, match="cannot be below"):
        changed_thresholds(Thresholds(0.7, 0.93), "0.99", None)
    with pytest.raises(InvalidInput, match="Give a flag"):
        changed_thresholds(Thresholds(0.7, 0.93), None, None)
