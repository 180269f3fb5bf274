"""What members and moderators read: DMs, replies, embeds, mod-log entries, purge plans."""

from datetime import UTC, datetime, timedelta

from bot import limits
from bot.moderation.messages import (
    action_reply,
    case_embed,
    confirmation_prompt,
    escalation_reply,
    history_embed,
    member_dm,
    neutralise_mentions,
    purge_summary,
    trim,
)
from bot.moderation.model import Amendment, Case, CaseType, DmStatus, HistoryPage, VoidResult
from bot.moderation.modlog import (
    amendment_entry,
    case_entry,
    expiry_entry,
    message_deleted_entry,
    message_edited_entry,
    void_entry,
)
from bot.moderation.purge import DISCORD_EPOCH_MS, plan_purge, snowflake_time

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
JUMP = "https://discord.com/channels/1/2/3"


def make_case(number=12, type=CaseType.TIMEOUT, **extra):
    values = dict(
        guild_id=1, number=number, type=type, moderator_id=99, reason="spoilers in #general",
        created_at=NOW, member_id=11, member_name="Alice",
    )  # fmt: skip
    values.update(extra)
    return Case(**values)


def embed_length(embed):
    return (
        len(embed.title) + len(embed.description) + len(embed.footer or "")
        + sum(len(f.name) + len(f.value) for f in embed.fields)
    )  # fmt: skip


def test_dm_names_server_action_reason_duration_and_appeal():
    text = member_dm(
        guild_name="Film Club", case_type=CaseType.TIMEOUT, reason="spoilers",
        duration=timedelta(hours=1), appeal_text="Write to the #appeals channel.",
    )  # fmt: skip
    assert text == (
        "You have been timed out in **Film Club** for 1 hour.\n\n"
        "**Reason:** spoilers\n\n"
        "**How to appeal:** Write to the #appeals channel."
    )


def test_dm_without_appeal_text_and_for_automatic_steps():
    text = member_dm(
        guild_name="Film_Club", case_type=CaseType.AUTO_TEMPBAN, reason="3 warnings",
        duration=timedelta(days=1),
    )  # fmt: skip
    assert text.startswith(
        "You have been banned from **Film\\_Club** for 1 day; you can rejoin after that. "
        "This was done automatically."
    )
    assert "contact the moderators of Film\\_Club" in text


def test_dm_stays_within_a_message_and_pings_nobody():
    text = member_dm(
        guild_name="G" * 100, case_type=CaseType.BAN, reason="@everyone " + "r" * 1000,
        appeal_text="a" * 1000,
    )  # fmt: skip
    assert len(text) <= limits.MESSAGE_CONTENT
    assert "@everyone" not in text and text.endswith("a" * 50)


def test_action_replies_say_what_happened_and_whether_the_member_was_told():
    sent = make_case(expires_at=NOW + timedelta(hours=1), dm_status=DmStatus.SENT)
    assert (
        action_reply(sent) == "Case #12: **Alice** was timed out for 1 hour. They were told by DM."
    )
    closed = make_case(type=CaseType.KICK, dm_status=DmStatus.CLOSED)
    assert action_reply(closed) == (
        "Case #12: **Alice** was kicked. Their DMs are closed, so they were not told; "
        "the case records this."
    )
    failed = make_case(type=CaseType.KICK, dm_status=DmStatus.FAILED)
    assert action_reply(failed) == (
        "Case #12: **Alice** was kicked. Discord did not deliver the DM (a Discord error, not "
        "their settings), so they were not told; the case records this."
    )
    assert fields_of(failed)["DM"] == "Not delivered: Discord error"
    note = make_case(type=CaseType.NOTE)
    assert action_reply(note) == "Case #12: note added about **Alice** (they are not told)."
    auto = make_case(
        number=15, type=CaseType.AUTO_TIMEOUT, cites=(4, 7, 9), expires_at=NOW + timedelta(hours=1)
    )
    assert escalation_reply(auto) == (
        "This warning reached the escalation ladder: automatic timeout for 1 hour "
        "(case #15, citing #4, #7, #9)."
    )


def fields_of(case) -> dict[str, str]:
    return {f.name: f.value for f in case_embed(case).fields}


def test_confirmation_prompts_and_purge_summary():
    assert confirmation_prompt("ban", "Alice", "raid", delete_days=1) == (
        "Ban **Alice** and delete 1 day of their messages?\n**Reason:** raid"
    )
    assert confirmation_prompt("tempban", "Alice", "raid", duration=timedelta(days=3)) == (
        "Ban **Alice** for 3 days?\n**Reason:** raid"
    )
    assert confirmation_prompt("purge", "", "spam wave", purge_count=50) == (
        "Delete the last 50 messages in this channel?\n**Reason:** spam wave"
    )
    assert purge_summary(42, 8) == (
        "Deleted 42 messages. Skipped 8 older than 14 days: "
        "Discord only bulk-deletes younger messages."
    )
    assert purge_summary(1, 0) == "Deleted 1 message."


def test_case_embed_shows_every_fact():
    case = make_case(
        expires_at=NOW + timedelta(hours=1), active=True, dm_status=DmStatus.CLOSED,
        jump_url=JUMP, amendments=(Amendment(77, NOW, "old words", "spoilers in #general"),),
    )  # fmt: skip
    embed = case_embed(case)
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "Case #12 · Timeout"
    assert embed.description == "spoilers in #general"
    assert fields["Member"] == "Alice (`11`)"
    assert fields["Moderator"] == "<@99>"
    assert fields["Duration"] == "1 hour"
    assert fields["Status"] == f"Active, ends <t:{int((NOW + timedelta(hours=1)).timestamp())}:R>"
    assert fields["DM"] == "Not sent: DMs closed"
    assert fields["Message"] == f"[Jump to the message]({JUMP})"
    assert "by <@77>, was: old words" in fields["Reason history"]


def test_case_embed_for_a_voided_automatic_case_within_limits():
    case = make_case(
        type=CaseType.AUTO_TEMPBAN, moderator_id=4242, rule="Escalation ladder: x" * 200,
        cites=(1, 2, 3), voided_at=NOW, voided_by=77, void_reason="appeal accepted",
        reason="r" * 1000, expires_at=NOW + timedelta(days=1),
    )  # fmt: skip
    embed = case_embed(case)
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "Case #12 · Automatic temporary ban (voided)"
    assert fields["Moderator"] == "<@4242> (automatic)"
    assert fields["Triggered by"] == "#1, #2, #3"
    assert fields["Status"].startswith("Voided by <@77>") and "appeal accepted" in fields["Status"]
    assert all(len(f.value) <= limits.EMBED_FIELD_VALUE for f in embed.fields)
    assert embed_length(embed) <= limits.EMBED_TOTAL


def test_history_strikes_through_voided_cases():
    page = HistoryPage(
        cases=(
            make_case(number=3, type=CaseType.WARN, active=True),
            make_case(number=2, type=CaseType.WARN, voided_at=NOW, voided_by=7, reason="a~~b"),
            make_case(number=1, type=CaseType.BAN, active=True, reason="x" * 1000),
        ),
        page=1, page_count=2, total=13,
    )  # fmt: skip
    embed = history_embed(page, "Alice")
    lines = embed.description.splitlines()
    assert embed.title == "History of Alice (13 cases)" and embed.footer == "Page 1 of 2"
    assert lines[0].startswith("`#3` Warning · <t:") and lines[0].endswith("spoilers in #general")
    assert lines[1].startswith("~~`#2` Warning") and lines[1].endswith("a\\~\\~b~~ (voided)")
    assert lines[2].endswith("… · active") and len(lines[2]) < 250
    empty = history_embed(HistoryPage((), 1, 1, 0), "Bob")
    assert empty.description == "No cases recorded for Bob."


def test_mod_log_entries_ping_nobody_and_fit_one_message():
    case = make_case(
        type=CaseType.AUTO_TIMEOUT, moderator_id=4242, rule="ladder", cites=(1, 2, 3),
        expires_at=NOW + timedelta(hours=1), dm_status=DmStatus.SENT, jump_url=JUMP,
        reason="<@11> said @here " + "z" * 3000,
    )  # fmt: skip
    entry = case_entry(case, "filmbot")
    assert entry.startswith("**Case #12 · Automatic timeout** for 1 hour\n")
    assert "Member: Alice (`11`) · Moderator: filmbot (`4242`) (automatic)" in entry
    assert "Triggered by: #1, #2, #3" in entry and "Member told by DM." in entry
    assert len(entry) <= limits.MESSAGE_CONTENT
    assert entry.endswith(f"… [full text]({JUMP})")
    assert "<@11>" not in entry and "@here" not in entry


def test_mod_log_amendment_void_expiry_and_message_entries():
    case = make_case(jump_url=JUMP)
    amendment = Amendment(77, NOW, "old reason", "new reason")
    assert amendment_entry(case, amendment, "Mia") == (
        "**Case #12 · reason amended** by Mia (`77`)\nBefore: old reason\nNow: new reason"
    )
    voided = make_case(voided_at=NOW, voided_by=77, void_reason="appeal accepted")
    text = void_entry(VoidResult(voided, was_active=True), "Mia")
    assert text == (
        "**Case #12 · Timeout voided** by Mia (`77`)\nMember: Alice (`11`)\n"
        "The timeout was lifted.\nWhy: appeal accepted"
    )
    tempban = make_case(type=CaseType.TEMPBAN)
    assert expiry_entry(tempban) == (
        "**Case #12 · Temporary ban ended** (expired): Alice (`11`) is unbanned."
    )
    edited = message_edited_entry(
        author_name="Alice", author_id=11, channel_name="never-let-me-go",
        before="b" * 1900, after="@everyone after", jump_url=JUMP,
    )  # fmt: skip
    assert len(edited) <= limits.MESSAGE_CONTENT and f"[full text]({JUMP})" in edited
    assert "After: @\u200beveryone after" in edited
    deleted = message_deleted_entry(
        author_name="Alice", author_id=11, channel_name="never-let-me-go", content="d" * 5000,
        jump_url=None,
    )  # fmt: skip
    assert deleted.startswith("**Message deleted** in #never-let-me-go by Alice (`11`)\nText: ")
    assert len(deleted) <= limits.MESSAGE_CONTENT


def test_trim_and_mentions():
    assert trim("short", 10) == "short"
    assert trim("a" * 20, 10) == "aaaaaaaaa…"
    assert neutralise_mentions("hi <@123> and <@&5> @everyone") == (
        "hi <@\u200b123> and <@\u200b&5> @\u200beveryone"
    )


def snowflake_at(moment):
    return (int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22


def test_purge_keeps_only_messages_younger_than_14_days():
    fresh = snowflake_at(NOW - timedelta(days=1))
    almost = snowflake_at(NOW - timedelta(days=13, hours=23))
    edge = snowflake_at(NOW - timedelta(days=14) + timedelta(seconds=30))
    old = snowflake_at(NOW - timedelta(days=20))
    assert abs(snowflake_time(fresh) - (NOW - timedelta(days=1))) < timedelta(seconds=1)
    plan = plan_purge([fresh, old, almost, edge], NOW)
    assert plan.deletable == (fresh, almost)
    assert plan.skipped == (old, edge)
    pairs = plan_purge([(1, NOW), (2, NOW - timedelta(days=15))], NOW)
    assert (pairs.deletable, pairs.skipped) == ((1,), (2,))


def test_purge_batches_hold_at_most_100_ids():
    plan = plan_purge([(i, NOW) for i in range(250)], NOW)
    assert [len(batch) for batch in plan.batches()] == [100, 100, 50]
