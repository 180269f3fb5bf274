"""The emulator's rules for message bodies, components, modals, interactions and command sync
(one test per rule; each rule cites Discord's documentation in its docstring)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.moderation.clock import ManualClock
from bot.sandbox.emulator import Emulator
from bot.sandbox.emulator.kinds import InteractionType
from tests.e2e._rules import RawApi


async def _interaction(emu: Emulator, kind: int = InteractionType.APP_COMMAND, **extra):
    return await emu._interact("Alice", "general", kind, {"name": "x", "type": 1}, **extra)


def _callback(record) -> str:
    return f"/interactions/{record.id}/{record.token}/callback"


def _followup(emu: Emulator, record, tail: str = "") -> str:
    return f"/webhooks/{emu.world.application_id}/{record.token}{tail}"


def _button(custom_id: str, label: str = "Go") -> dict:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def _row(*items: dict) -> dict:
    return {"type": 1, "components": list(items)}


BAD_BODIES = {
    "content over 2000": {"content": "x" * 2001},
    "footer over 2048": {"embeds": [{"title": "t", "footer": {"text": "x" * 2049}}]},
    "author over 256": {"embeds": [{"title": "t", "author": {"name": "x" * 257}}]},
    "empty field value": {"embeds": [{"title": "t", "fields": [{"name": "n", "value": ""}]}]},
    "6 action rows": {"content": "c", "components": [_row(_button(f"b{n}")) for n in range(6)]},
    "6 buttons in a row": {
        "content": "c",
        "components": [_row(*[_button(f"b{n}") for n in range(6)])],
    },  # fmt: skip
    "custom_id over 100": {"content": "c", "components": [_row(_button("x" * 101))]},
    "duplicate custom_id": {"content": "c", "components": [_row(_button("a"), _button("a"))]},
    "button label over 80": {"content": "c", "components": [_row(_button("a", "x" * 81))]},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_message_limits_hold_on_every_route(emu: Emulator, api: RawApi, body):
    general = api.channel("general")
    await api.refused(400, 50035, "POST", f"/channels/{general}/messages", body)
    record = await _interaction(emu)
    await api.refused(400, 50035, "POST", _callback(record), {"type": 4, "data": body})
    await api.ok("POST", _callback(record), {"type": 4, "data": {"content": "fine"}})
    await api.refused(400, 50035, "POST", _followup(emu, record), body)
    await api.refused(400, 50035, "PATCH", _followup(emu, record, "/messages/@original"), body)
    hook = await api.webhook()
    await api.refused(400, 50035, "POST", f"/webhooks/{hook['id']}/{hook['token']}", body)
    mine = await api.ok("POST", f"/channels/{general}/messages", {"content": "mine"})
    await api.refused(400, 50035, "PATCH", f"/channels/{general}/messages/{mine['id']}", body)
    forum = api.channel("film-forum")
    post = {"name": "p", "message": body}
    await api.refused(400, 50035, "POST", f"/channels/{forum}/threads", post)


async def test_no_empty_messages(emu: Emulator, api: RawApi):
    general = api.channel("general")
    await api.refused(400, 50006, "POST", f"/channels/{general}/messages", {"content": ""})
    forum = api.channel("film-forum")
    await api.refused(400, 50006, "POST", f"/channels/{forum}/threads",
                      {"name": "p", "message": {"content": ""}})  # fmt: skip
    mine = await api.ok("POST", f"/channels/{general}/messages", {"content": "mine"})
    await api.refused(400, 50006, "PATCH", f"/channels/{general}/messages/{mine['id']}",
                      {"content": ""})  # fmt: skip


async def test_modal_limits(emu: Emulator, api: RawApi):
    text = {"type": 4, "custom_id": "reason", "style": 1, "label": "Why"}
    good = {"title": "Report", "custom_id": "report", "components": [_row(text)]}
    bad = {
        "title over 45": {**good, "title": "x" * 46},
        "no components": {**good, "components": []},
        "6 components": {
            **good,
            "components": [_row({**text, "custom_id": f"c{n}"}) for n in range(6)],
        },  # fmt: skip
        "label over 45": {**good, "components": [_row({**text, "label": "x" * 46})]},
        "value over its max_length": {
            **good,
            "components": [_row({**text, "max_length": 10, "value": "x" * 11})],
        },
        "min_length over max_length": {
            **good,
            "components": [_row({**text, "min_length": 5, "max_length": 4})],
        },
        "max_length 0": {**good, "components": [_row({**text, "max_length": 0})]},
    }
    for data in bad.values():
        record = await _interaction(emu)
        await api.refused(400, 50035, "POST", _callback(record), {"type": 9, "data": data})
    await api.ok("POST", _callback(await _interaction(emu)), {"type": 9, "data": good})
    full = {**text, "min_length": 10, "max_length": 10, "value": "x" * 10}
    filled = {**good, "components": [_row(full)]}
    await api.ok("POST", _callback(await _interaction(emu)), {"type": 9, "data": filled})


async def test_callback_type_must_fit_the_interaction(emu: Emulator, api: RawApi):
    modal = {"title": "t", "custom_id": "m", "components": [_row(
        {"type": 4, "custom_id": "r", "style": 1, "label": "l"})]}  # fmt: skip
    submitted = await _interaction(emu, InteractionType.MODAL_SUBMIT)
    await api.refused(400, 50035, "POST", _callback(submitted), {"type": 9, "data": modal})
    command = await _interaction(emu)
    await api.refused(400, 50035, "POST", _callback(command), {"type": 8, "data": {"choices": []}})
    await api.refused(400, 50035, "POST", _callback(command), {"type": 7, "data": {}})
    typing = await _interaction(emu, InteractionType.AUTOCOMPLETE)
    await api.refused(400, 50035, "POST", _callback(typing), {"type": 4, "data": {"content": "x"}})


async def test_first_response_within_3_seconds(emu: Emulator, api: RawApi):
    emu.clock = ManualClock()
    record = await _interaction(emu)
    emu.clock.advance(timedelta(seconds=3.5))
    await api.refused(404, 10062, "POST", _callback(record), {"type": 5})
    in_time = await _interaction(emu)
    emu.clock.advance(timedelta(seconds=2.5))
    await api.ok("POST", _callback(in_time), {"type": 5})


async def test_the_token_lasts_15_minutes(emu: Emulator, api: RawApi):
    emu.clock = ManualClock()
    record = await _interaction(emu)
    await api.ok("POST", _callback(record), {"type": 5})
    emu.clock.advance(timedelta(minutes=14))
    await api.ok("POST", _followup(emu, record), {"content": "still in time"})
    emu.clock.advance(timedelta(minutes=2))
    await api.refused(401, 50027, "POST", _followup(emu, record), {"content": "too late"})
    await api.refused(401, 50027, "PATCH", _followup(emu, record, "/messages/@original"),
                      {"content": "too late"})  # fmt: skip


async def test_the_first_followup_after_a_deferral_edits_the_thinking_message(emu, api: RawApi):
    record = await _interaction(emu)
    deferred = await api.ok("POST", _callback(record), {"type": 5, "data": {"flags": 64}})
    thinking = deferred["resource"]["message"]
    first = await api.ok("POST", _followup(emu, record), {"content": "here it is"})
    second = await api.ok("POST", _followup(emu, record), {"content": "and more"})
    assert first["id"] == thinking["id"] and second["id"] != thinking["id"]
    assert [m["content"] for m in record.messages()] == ["here it is", "and more"]
    assert first["flags"] & 64  # ephemeral, as the deferral chose


def _command(name: str = "film", **extra) -> dict:
    return {"name": name, "type": 1, "description": "Films", "options": [], **extra}


def _option(name: str, kind: int = 3, **extra) -> dict:
    return {"name": name, "type": kind, "description": "An option", **extra}


BAD_COMMANDS = {
    "uppercase name": [_command("Film")],
    "space in name": [_command("film info")],
    "empty description": [_command(description="")],
    "description over 100": [_command(description="x" * 101)],
    "101 commands": [_command(f"c{n}") for n in range(101)],
    "required after optional": [_command(options=[_option("a"), _option("b", required=True)])],
    "nested too deep": [
        _command(options=[_option("g", 2, options=[_option("h", 2, options=[_option("s", 1)])])])
    ],  # fmt: skip
    "26 choices": [
        _command(
            options=[_option("a", choices=[{"name": f"n{n}", "value": f"v{n}"} for n in range(26)])]
        )
    ],  # fmt: skip
    "over 8000 characters": [
        _command(
            options=[
                _option(
                    f"s{n}",
                    1,
                    description="x" * 100,
                    options=[_option(f"o{m}", description="y" * 100) for m in range(25)],
                )
                for n in range(4)
            ]
        )
    ],  # fmt: skip
}


@pytest.mark.parametrize("commands", BAD_COMMANDS.values(), ids=BAD_COMMANDS.keys())
async def test_command_sync_follows_discords_rules(emu: Emulator, api: RawApi, commands):
    path = f"/applications/{emu.world.application_id}/guilds/{emu.world.guild['id']}/commands"
    await api.refused(400, 50035, "PUT", path, commands)
    await api.ok("PUT", path, [_command(options=[_option("a", required=True), _option("b")])])
