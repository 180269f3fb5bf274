"""Per-guild moderation settings: defaults, changes seen without a restart, the ladder."""

from datetime import timedelta

import pytest

from bot.errors import InvalidInput
from bot.moderation.config import ModerationConfig
from bot.moderation.ladder import DEFAULT_LADDER, make_step
from storage.db import connect
from storage.migrate import migrate
from storage.moderation_config import ModConfigRepository

GUILD, OTHER_GUILD, ADMIN = 1001, 2002, 7


@pytest.fixture
async def db_path(tmp_path):
    path = tmp_path / "config.sqlite3"
    conn = await connect(path)
    await migrate(conn)
    await conn.close()
    return path


@pytest.fixture
async def config(db_path):
    conn = await connect(db_path)
    yield ModConfigRepository(conn)
    await conn.close()


async def test_a_new_guild_gets_the_defaults(config):
    settings = await config.get_config(GUILD)
    assert settings.moderator_role_ids == ()
    assert settings.log_channel_id is None and settings.appeal_text is None
    assert await config.get_ladder(GUILD, DEFAULT_LADDER) == list(DEFAULT_LADDER)


async def test_changes_are_seen_by_another_connection_without_restart(config, db_path):
    other = await connect(db_path)
    try:
        reader = ModConfigRepository(other)
        await config.set_log_channel(GUILD, 500, ADMIN)
        await config.set_alert_channel(GUILD, 501, ADMIN)
        await ModerationConfig(config).set_appeal_text(
            GUILD, "  Write to appeals@example.org  ", ADMIN
        )
        await config.set_moderator_roles(GUILD, [30, 31, 30], ADMIN)
        await config.set_discussion_starter_role(GUILD, 40, ADMIN)
        seen = await reader.get_config(GUILD)
        assert seen.log_channel_id == 500 and seen.alert_channel_id == 501
        assert seen.appeal_text == "Write to appeals@example.org"
        assert seen.moderator_role_ids == (30, 31)
        assert seen.discussion_starter_role_id == 40
        assert (await reader.get_config(OTHER_GUILD)).log_channel_id is None
        await config.set_moderator_roles(GUILD, [], ADMIN)
        await ModerationConfig(config).set_appeal_text(GUILD, "", ADMIN)
        seen = await reader.get_config(GUILD)
        assert seen.moderator_role_ids == () and seen.appeal_text is None
    finally:
        await other.close()


async def test_appeal_text_too_long_changes_nothing(config):
    service = ModerationConfig(config)
    await service.set_appeal_text(GUILD, "Use the #appeals channel.", ADMIN)
    with pytest.raises(InvalidInput, match="1,001 characters long; the limit is 1,000"):
        await service.set_appeal_text(GUILD, "a" * 1001, ADMIN)
    assert (await config.get_config(GUILD)).appeal_text == "Use the #appeals channel."


async def test_custom_ladder_replaces_defaults_and_can_be_turned_off_or_reset(config):
    steps = [make_step(2, "3d", "timeout", "30m"), make_step(4, "14d", "kick")]
    saved = await config.set_ladder(GUILD, steps, ADMIN)
    assert saved == steps
    assert saved[0].duration == timedelta(minutes=30) and saved[1].duration is None
    assert await config.get_ladder(GUILD, DEFAULT_LADDER) == steps
    assert await config.get_ladder(OTHER_GUILD, DEFAULT_LADDER) == list(DEFAULT_LADDER)
    await config.set_ladder(GUILD, [], ADMIN)
    assert await config.get_ladder(GUILD, DEFAULT_LADDER) == []
    await config.reset_ladder(GUILD, ADMIN)
    assert await config.get_ladder(GUILD, DEFAULT_LADDER) == list(DEFAULT_LADDER)
