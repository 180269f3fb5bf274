"""The sandbox types a command as Discord's client does: typed values, one-line hints, and
nothing sent when the client would refuse it."""

from __future__ import annotations

import pytest

from bot.sandbox.commands import CommandHint, parse_command
from bot.sandbox.session import SandboxSession, ScriptError
from bot.sandbox.transcript import Transcript


@pytest.fixture
def session(emu, bot):
    lines: list[str] = []
    return SandboxSession(emu, Transcript(emu, write=lines.append), user="Mona")


def interactions(emu) -> int:
    return len(emu.interactions)


async def test_integer_string_and_user_options_arrive_typed(emu, session):
    for number in range(3):
        await emu.post("Bob", "general", f"spoiler {number}")
    await session.run_line('/mod purge count:2 member:Bob reason:"spoilers, twice"')
    (record,) = emu.interactions.values()
    (options,) = [o["options"] for o in record.payload["data"]["options"]]
    assert {o["name"]: o["value"] for o in options} == {
        "count": 2, "member": emu.world.user_id("Bob"), "reason": "spoilers, twice"}  # fmt: skip
    assert "Delete the last 2 messages from Bob" in session.transcript.last_bot_text


async def test_boolean_and_role_options(emu, session):
    session.user = "Olive"
    await session.run_line("/mod screening exempt-role role:Moderator exempt:false")
    assert "Moderator" in session.transcript.last_bot_text
    await session.run_line('/film summary title:"Never Let Me Go" public:yes')
    (*_, film) = emu.interactions.values()
    public = next(o for o in film.payload["data"]["options"][0]["options"] if o["name"] == "public")
    assert public["value"] is True and not await film.is_ephemeral()


async def test_channel_option(emu, session):
    await session.run_line('/discuss start film:"Never Let Me Go" channel:#film-talk')
    assert session.transcript.last_bot_text.startswith("Opened <#")
    (record,) = [r for r in emu.interactions.values() if r.type == 2]  # not the autocomplete
    channel = next(o for o in record.payload["data"]["options"][0]["options"]
                   if o["name"] == "channel")  # fmt: skip
    assert channel["value"] == emu.world.channel_id("film-talk")


@pytest.mark.parametrize(
    "line, hint",
    [
        ("/film", "/film needs a subcommand: /film info"),
        ("/mod purge count:two reason:x", "count must be a whole number, not 'two'"),
        ("/mod purge count:5000 reason:x", "count must be between 1 and"),
        ("/mod purge reason:x", "/mod purge needs count: add count:…"),
        ("/mod purge count:2 reason:x colour:red", "/mod purge has no option 'colour'"),
        ("/mod warn member:Zed reason:x", "member must be a member, e.g. "),
        ("/discuss start film:x channel:nowhere", "channel must be a channel: general"),
        ("/mod screening exempt-role role:Cinephiles", "role must be a role: Member"),
        ("/film summary title:x public:maybe", "public must be true or false, not 'maybe'"),
        ("/nothing", "there is no command /nothing; the bot has: /about"),
    ],
)
async def test_what_the_client_would_refuse_gets_a_hint_and_sends_nothing(emu, session, line, hint):
    with pytest.raises(ScriptError) as refused:
        await session.run_line(line)
    assert hint in str(refused.value) and "\n" not in str(refused.value)
    assert interactions(emu) == 0


SCHEMA = [{"name": "probe", "type": 1, "description": "d", "options": [
    {"name": "ratio", "type": 10, "description": "d", "required": True, "min_value": 0.5},
    {"name": "file", "type": 11, "description": "d"},
    {"name": "where", "type": 7, "description": "d", "channel_types": [15]},
]}]  # fmt: skip


async def test_number_attachment_and_channel_types(emu):
    typed = parse_command("probe ratio:0.75 file:notes.txt where:film-forum", SCHEMA, emu.world)
    assert typed.options["ratio"] == 0.75 and typed.options["file"] == "notes.txt"
    with pytest.raises(CommandHint, match="ratio must be at least 0.5, not 0.25"):
        parse_command("probe ratio:0.25", SCHEMA, emu.world)
    with pytest.raises(CommandHint, match="where must be a forum; #general is a text channel"):
        parse_command("probe ratio:1 where:general", SCHEMA, emu.world)
    emu.world.commands[emu.world.guild["id"]] = [{**SCHEMA[0], "id": "1"}]
    data = emu._command_data("Alice", "probe", {"ratio": 1.0, "file": "notes.txt"}, focused=None)
    (attachment,) = data["resolved"]["attachments"].values()
    assert attachment["filename"] == "notes.txt"


async def test_an_unknown_film_on_a_small_catalog_says_how_to_import_more(emu, bot, session):
    await session.run_line("/film info title:arrival")
    text = session.transcript.last_bot_text
    assert 'No film called "arrival"' in text
    count = await bot.services.catalog.count()
    assert f"The catalog holds only {count} film" in text
    assert "python -m bot catalog import movielens" in text


MENTION = [{"name": "shout", "type": 1, "description": "d", "options": [
    {"name": "who", "type": 9, "description": "d", "required": True}]}]  # fmt: skip


async def test_a_mentionable_option_takes_a_member_or_a_role(emu):
    emu.world.commands[emu.world.guild["id"]] = [{**MENTION[0], "id": "2"}]
    for typed, part in (("who:Alice", "users"), ("who:@Moderator", "roles")):
        value = parse_command(f"shout {typed}", MENTION, emu.world).options["who"]
        data = emu._command_data("Alice", "shout", {"who": value}, focused=None)
        assert value in data["resolved"][part]
