"""Policy: scope, exemptions, thresholds with channel overrides, and the verdict's rule."""

from __future__ import annotations

import pytest
from screening_support import migrated

from bot.errors import InvalidInput
from bot.screening.model import ChannelMode, Scope
from bot.screening.policy import (
    DEFAULT_THRESHOLDS,
    ChannelSetting,
    MessagePlace,
    ScreeningPolicy,
    Thresholds,
    decide,
    parse_label,
    policy_from_records,
    should_screen,
)
from storage.screening_policy import ScreeningPolicyRepository

GUILD, THREAD, FORUM, GENERAL, STAFF = 1, 10, 20, 30, 40
IN_THREAD = MessagePlace(THREAD, parent_id=FORUM, is_discussion_thread=True)
IN_GENERAL = MessagePlace(GENERAL)


def test_defaults_hide_a_clear_insult_and_flag_plain_swearing() -> None:
    policy = ScreeningPolicy(GUILD)
    hidden = decide({"toxicity": 0.99, "insult": 0.97}, policy)
    assert hidden.outcome == "hide" and hidden.label == "insult"
    assert hidden.rule == "insult 0.97 >= hide threshold 0.93 (default)"
    swearing = decide({"toxicity": 0.95, "obscene": 0.97, "insult": 0.2}, policy)
    assert swearing.outcome == "flag"
    assert decide({"toxicity": 0.1, "insult": 0.05}, policy).outcome == "pass"


def test_the_strongest_outcome_wins_then_the_highest_score() -> None:
    verdict = decide({"threat": 0.5, "insult": 0.8, "toxicity": 0.85}, ScreeningPolicy(GUILD))
    assert verdict.outcome == "flag" and verdict.label == "toxicity"


def test_unknown_labels_are_ignored() -> None:
    assert decide({"sarcasm": 1.0}, ScreeningPolicy(GUILD)).outcome == "pass"


def test_a_channel_override_beats_the_server_setting_and_a_thread_inherits_it() -> None:
    policy = ScreeningPolicy(
        GUILD,
        thresholds={"insult": Thresholds(flag=0.5, hide=0.9)},
        channels={FORUM: ChannelSetting(FORUM, thresholds={"insult": Thresholds(0.6, None)})},
    )
    in_thread = decide({"insult": 0.95}, policy, IN_THREAD)
    assert in_thread.outcome == "flag" and "(channel setting)" in in_thread.rule
    elsewhere = decide({"insult": 0.95}, policy, IN_GENERAL)
    assert elsewhere.outcome == "hide" and "(server setting)" in elsewhere.rule


@pytest.mark.parametrize(
    ("scope", "place", "expected"),
    [
        (Scope.THREADS, IN_THREAD, True),
        (Scope.THREADS, IN_GENERAL, False),
        (Scope.CHANNELS, IN_THREAD, False),
        (Scope.EVERYWHERE, IN_GENERAL, True),
    ],
)
def test_scope(scope: Scope, place: MessagePlace, expected: bool) -> None:
    assert should_screen(ScreeningPolicy(GUILD, scope=scope), place)[0] is expected


def test_chosen_channels_exempt_channels_and_exempt_roles() -> None:
    policy = ScreeningPolicy(
        GUILD,
        scope=Scope.CHANNELS,
        exempt_roles=frozenset({99}),
        channels={
            GENERAL: ChannelSetting(GENERAL, ChannelMode.SCREEN),
            FORUM: ChannelSetting(FORUM, ChannelMode.EXEMPT),
        },
    )
    assert should_screen(policy, IN_GENERAL) == (True, "the channel is screened")
    assert should_screen(policy, IN_THREAD) == (False, "the channel is exempt")
    assert should_screen(policy, IN_GENERAL, [5, 99]) == (False, "the author has an exempt role")
    assert should_screen(policy, MessagePlace(STAFF))[0] is False


def test_screening_can_be_switched_off() -> None:
    policy = ScreeningPolicy(GUILD, enabled=False, scope=Scope.EVERYWHERE)
    assert should_screen(policy, IN_GENERAL) == (False, "screening is off in this server")


@pytest.mark.parametrize(
    ("flag", "hide", "message"),
    [(0.0, None, "between 0 and 1"), (None, 1.5, "between 0 and 1"), (0.9, 0.5, "cannot be below")],
)
def test_bad_thresholds_are_refused_with_the_reason(flag, hide, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        Thresholds(flag, hide)


def test_label_names_from_users() -> None:
    assert parse_label("Identity attack") == "identity_attack"
    with pytest.raises(InvalidInput, match="Unknown label 'rudeness'"):
        parse_label("rudeness")


def test_every_default_label_can_flag() -> None:
    assert all(t.flag is not None for t in DEFAULT_THRESHOLDS.values())


async def test_policy_round_trips_through_storage(tmp_path) -> None:
    conn = await migrated(tmp_path / "db.sqlite3")
    repo = ScreeningPolicyRepository(conn)
    untouched = policy_from_records(await repo.load(GUILD))
    assert untouched.scope is Scope.THREADS and untouched.enabled and not untouched.channels
    await repo.set_scope(GUILD, Scope.EVERYWHERE, moderator_id=7)
    await repo.set_role_exempt(GUILD, 99, True, moderator_id=7)
    await repo.set_channel_mode(GUILD, STAFF, ChannelMode.EXEMPT, moderator_id=7)
    await repo.set_thresholds(GUILD, "insult", 0.6, 0.9, moderator_id=7)
    await repo.set_thresholds(GUILD, "insult", 0.8, None, moderator_id=7, channel_id=FORUM)
    records = await repo.load(GUILD)
    policy = policy_from_records(records)
    assert records.policy.updated_by == 7
    assert policy.scope is Scope.EVERYWHERE and policy.exempt_roles == {99}
    assert should_screen(policy, MessagePlace(STAFF)) == (False, "the channel is exempt")
    assert decide({"insult": 0.95}, policy, IN_GENERAL).outcome == "hide"
    assert decide({"insult": 0.95}, policy, IN_THREAD).outcome == "flag"
    assert await repo.reset_thresholds(GUILD, "insult", channel_id=FORUM) == 1
    await repo.set_channel_mode(GUILD, STAFF, None, moderator_id=7)
    policy = policy_from_records(await repo.load(GUILD))
    assert decide({"insult": 0.95}, policy, IN_THREAD).outcome == "hide"
    assert should_screen(policy, MessagePlace(STAFF))[0] is True
    await conn.close()
