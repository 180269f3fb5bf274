"""/mod config (applied without a restart) and the function other features record cases with."""

from __future__ import annotations

from datetime import timedelta

from bot.moderation.model import CaseType, DmStatus
from cogs._checks import guild_facts_for, person
from tests.e2e._moderation import all_cases, cases_of, dm_texts, guild_id, wait_for_log


async def test_show_then_change_the_log_channel(emu, bot):
    record = await emu.slash("Mona", "mod config show")
    text = await record.text()
    assert "Moderation settings · Film Club" in text
    assert "none set: anyone with the **Timeout Members** permission moderates" in text
    assert "Mod log channel\nnot set" in text and "`/mod ladder show`" in text
    record = await emu.slash("Mona", "mod config log-channel", channel="mod-log")
    assert (await record.text()).startswith(
        "Only members with the **Manage Server** permission can change moderation settings"
    )
    record = await emu.slash("Olive", "mod config log-channel", channel="mod-log")
    log_id = emu.world.channel_id("mod-log")
    assert f"Mod log: <#{log_id}>." in await record.text()
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="first logged")).reply()
    await wait_for_log(emu, "Case #1 · Warning")
    config = await bot.services.moderation.config.get(guild_id(emu))
    assert config.log_channel_id == int(log_id)


async def test_a_channel_the_bot_cannot_post_in_is_refused(emu, start_bot, settings):
    emu.world.deny_bot(emu.world.channel_id("mod-alerts"), send_messages=True)
    async with start_bot(settings) as bot:  # started after the change, so its cache has it
        record = await emu.slash("Olive", "mod config alert-channel", channel="mod-alerts")
        assert await record.text() == (
            "I can't post in #mod-alerts: I need the **View Channel** and **Send Messages** "
            "permissions there."
        )
        config = await bot.services.moderation.config.get(guild_id(emu))
        assert config.alert_channel_id is None
        record = await emu.slash("Olive", "mod config alert-channel", channel="film-talk")
        assert "Alerts: <#" in await record.text()


async def test_appeal_text_is_used_in_the_next_dm(emu, bot):
    record = await emu.slash(
        "Olive", "mod config appeal", text="Write to appeals@filmclub.example within 30 days."
    )
    assert "Appeal text set." in await record.text()
    await (await emu.slash("Mona", "mod warn", member="Bob", reason="Spoilers")).reply()
    assert (
        "**How to appeal:** Write to appeals@filmclub.example within 30 days."
        in dm_texts(emu, "Bob")[0]
    )
    record = await emu.slash("Olive", "mod config appeal", text="x" * 1001)
    assert await record.text() == ("The appeal text is 1,001 characters long; the limit is 1,000.")
    record = await emu.slash("Olive", "mod config appeal")
    assert "Appeal text back to the default." in await record.text()


async def test_moderator_roles_apply_at_once(emu, bot):
    record = await emu.slash("Olive", "mod config add-role", role="Admin")
    assert "**Admin** can now moderate." in await record.text()
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="x")
    assert await record.text() == (
        "Only moderators can do this: you need one of this server's moderator roles "
        "(see /mod config)."
    )
    record = await emu.slash("Olive", "mod config add-role", role="Moderator")
    assert f"<@&{emu.world.role_id('Moderator')}>" in await record.text()
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="x")
    assert (await record.text()).startswith("Case #1")
    record = await emu.slash("Olive", "mod config remove-role", role="Moderator")
    assert "no longer moderates" in await record.text()
    record = await emu.slash("Olive", "mod config remove-role", role="Moderator")
    assert await record.text() == "Moderator is not a moderator role."


async def test_other_features_record_automatic_cases(emu, bot):
    """What screening's review buttons and automatic actions call."""
    guild = bot.get_guild(guild_id(emu))
    general = guild.get_channel(int(emu.world.channel_id("general")))
    facts = guild_facts_for(guild, general)
    bob = person(guild.get_member(int(emu.world.user_id("Bob"))))
    await bot.services.moderation.config.set_log_channel(
        guild.id, int(emu.world.channel_id("mod-log")), 1
    )
    link = f"https://discord.com/channels/{guild.id}/{general.id}/1"
    outcome = await bot.services.moderation.record_automatic_case(
        facts,
        action="timeout",
        member=bob,
        reason="Insult held by screening",
        rule="Screening: toxicity 0.97 over 0.90",
        duration=timedelta(hours=1),
        jump_url=link,
    )
    case = outcome.case
    assert (case.type, case.moderator_id, case.jump_url) == (
        CaseType.AUTO_TIMEOUT,
        bot.user.id,
        link,
    )
    assert case.dm_status == DmStatus.SENT and case.rule.startswith("Screening")
    assert emu.world.members[str(bob.id)]["communication_disabled_until"]
    entry = await wait_for_log(emu, "Case #1 · Automatic timeout")
    assert "Rule: Screening: toxicity 0.97 over 0.90" in entry and link in entry

    mona = person(guild.get_member(int(emu.world.user_id("Mona"))))
    pressed = await bot.services.moderation.record_automatic_case(
        facts, action="warn", member=bob, reason="Warned from the review queue",
        rule="Screening review", moderator=mona, jump_url=link,
    )  # fmt: skip
    assert pressed.case.type == CaseType.WARN and pressed.case.moderator_id == mona.id
    deleted = await bot.services.moderation.record_automatic_case(
        facts, action="delete", member=bob, reason="Removed by screening", rule="Screening",
    )  # fmt: skip
    assert deleted.case.type == CaseType.AUTO_DELETE
    assert [c.number for c in await cases_of(bot, emu, "Bob")] == [1, 2, 3]
    assert len(await all_cases(bot)) == 3
