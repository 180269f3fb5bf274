"""Who may act on whom, and what the bot needs: the refusals as a moderator reads them."""

import pytest

from bot.errors import InvalidInput, PermissionDenied
from bot.moderation.model import ModConfig
from bot.moderation.rules import (
    Person,
    check_ban_delete_days,
    check_bot_permissions,
    check_moderator,
    check_purge_count,
    check_target,
)

OWNER_ID = 1
BOT = Person(id=2, name="filmbot", top_role_position=10)
MOD = Person(id=3, name="Mia", top_role_position=8)
MEMBER = Person(id=4, name="Alice", top_role_position=2)


def refusal(action, target, moderator=MOD, bot=BOT):
    with pytest.raises((PermissionDenied, InvalidInput)) as refused:
        check_target(action, moderator=moderator, target=target, bot=bot, owner_id=OWNER_ID)
    return refused.value.message


def test_an_ordinary_member_can_be_acted_on():
    for action in ("warn", "note", "timeout", "untimeout", "kick", "ban", "tempban", "unban"):
        assert (
            check_target(action, moderator=MOD, target=MEMBER, bot=BOT, owner_id=OWNER_ID) is None
        )


def test_refuses_yourself_the_bot_and_the_owner():
    assert refusal("timeout", MOD) == "You can't time yourself out."
    assert refusal("note", MOD) == "You can't add a note about yourself."
    assert refusal("ban", BOT) == "I can't ban myself."
    owner = Person(id=OWNER_ID, name="Olga", top_role_position=1)
    assert refusal("kick", owner) == "Olga owns this server, so nobody can kick them."
    assert refusal("timeout", owner) == "Olga owns this server, so nobody can time them out."
    assert refusal("untimeout", BOT) == "I can't lift the timeout on myself."


def test_refuses_a_target_not_below_the_moderator():
    peer = Person(id=5, name="Pat", top_role_position=8)
    assert refusal("warn", peer) == "Pat's highest role is not below yours, so you can't warn them."
    higher = Person(id=6, name="Hal", top_role_position=9)
    assert "not below yours" in refusal("ban", higher)


def test_refuses_a_target_not_below_the_bot():
    weak_bot = Person(id=2, name="filmbot", top_role_position=2)
    message = refusal("kick", MEMBER, bot=weak_bot)
    assert message == (
        "Alice's highest role is not below mine, so I can't kick them: "
        "move my role above theirs in Server Settings > Roles."
    )
    # A warning is only recorded, so the bot's own role does not matter for it.
    check_target("warn", moderator=MOD, target=MEMBER, bot=weak_bot, owner_id=OWNER_ID)


def test_the_owner_as_moderator_outranks_everyone_but_the_bot_still_needs_to():
    owner = Person(id=OWNER_ID, name="Olga", top_role_position=0)
    admin = Person(id=7, name="Ada", top_role_position=9)
    check_target("kick", moderator=owner, target=admin, bot=BOT, owner_id=OWNER_ID)
    top_admin = Person(id=8, name="Top", top_role_position=11)
    assert "not below mine" in refusal("kick", top_admin, moderator=owner)


def test_a_member_who_left_can_be_banned_by_id_but_not_timed_out():
    gone = Person(id=9, name="Gus", top_role_position=None)
    assert refusal("timeout", gone) == (
        "Gus is not in this server (they may have left). Someone who is not a member can "
        "still be banned by id, warned or noted."
    )
    assert refusal("kick", gone).startswith("Gus is not in this server")
    check_target("ban", moderator=MOD, target=gone, bot=BOT, owner_id=OWNER_ID)
    check_target("note", moderator=MOD, target=gone, bot=BOT, owner_id=OWNER_ID)


def test_missing_bot_permissions_are_named():
    with pytest.raises(PermissionDenied) as refused:
        check_bot_permissions("ban", {"kick_members"})
    assert refused.value.message.startswith(
        "I can't ban members here: I need the **Ban Members** permission."
    )
    with pytest.raises(PermissionDenied, match=r"\*\*Manage Messages\*\* and \*\*Read Message"):
        check_bot_permissions("purge", set())
    with pytest.raises(PermissionDenied, match="Timeout Members"):
        check_bot_permissions("timeout", {"ban_members"})
    check_bot_permissions("ban", {"administrator"})
    check_bot_permissions("warn", set())
    check_bot_permissions("lock", {"manage_threads"})


def test_moderator_check_uses_configured_roles_else_the_permission():
    no_roles = ModConfig(guild_id=1)
    check_moderator(config=no_roles, role_ids=[], permissions={"moderate_members"})
    with pytest.raises(PermissionDenied, match=r"you need the \*\*Timeout Members\*\* permission"):
        check_moderator(config=no_roles, role_ids=[50], permissions={"send_messages"})
    with_roles = ModConfig(guild_id=1, moderator_role_ids=(50, 51))
    check_moderator(config=with_roles, role_ids=[51], permissions=set())
    with pytest.raises(PermissionDenied, match="one of this server's moderator roles"):
        check_moderator(config=with_roles, role_ids=[60], permissions={"moderate_members"})
    check_moderator(config=with_roles, role_ids=[], permissions={"administrator"})
    check_moderator(config=with_roles, role_ids=[], permissions=set(), is_owner=True)


def test_ban_delete_days_and_purge_count_limits():
    assert check_ban_delete_days(0) == 0 and check_ban_delete_days(7) == 7
    with pytest.raises(InvalidInput, match="between 0 and 7 days of messages, not 8"):
        check_ban_delete_days(8)
    assert check_purge_count(50) == 50
    with pytest.raises(InvalidInput, match="between 1 and 1,000 messages, not 0"):
        check_purge_count(0)
