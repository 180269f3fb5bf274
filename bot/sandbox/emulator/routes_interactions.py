"""Interaction callbacks, original-response edits and follow-ups."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot import limits
from bot.sandbox.emulator.interactions import InteractionRecord
from bot.sandbox.emulator.kinds import EPHEMERAL, LOADING, CallbackType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rest import ApiRequest, router, unknown
from bot.sandbox.emulator.routes_messages import edit_checked
from bot.sandbox.emulator.rules import Violation, form_error
from bot.sandbox.emulator.rules_messages import check_callback_type, check_message, check_modal

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator


def _record(
    emu: Emulator, interaction_id: str | None = None, token: str | None = None
) -> InteractionRecord:
    for record in emu.interactions.values():
        if (interaction_id and record.id == interaction_id) or (token and record.token == token):
            return record
    raise unknown("Interaction", 10062)


def _bot_author(emu: Emulator, record: InteractionRecord) -> JSON:
    if record.channel_id in emu.world.channels:
        return emu.world.author_fields(emu.world.bot_user["id"])
    return {"author": emu.world.bot_user}


async def _respond_with_message(
    emu: Emulator,
    record: InteractionRecord,
    data: JSON,
    files: list[JSON],
    *,
    loading: bool = False,
) -> JSON:
    flags = int(data.get("flags") or 0) | (LOADING if loading else 0)
    metadata = {
        "id": record.id,
        "type": record.type,
        "user": emu.world.users[record.user_id].payload,
        "authorizing_integration_owners": {"0": emu.world.guild["id"]},
    }
    return await emu.store.create(
        record.channel_id,
        _bot_author(emu, record),
        {**data, "flags": flags},
        files=files,
        extra={"interaction_metadata": metadata, "application_id": emu.world.application_id},
    )


@router.route("POST", "/interactions/{interaction_id}/{token}/callback")
async def callback(emu: Emulator, api: ApiRequest, interaction_id: str, token: str) -> JSON:
    record = _record(emu, interaction_id=interaction_id)
    if record.token != token:
        raise unknown("Webhook", 10015)
    if record.acknowledged:
        raise Violation(400, 40060, "Interaction has already been acknowledged.")
    _check_first_response_in_time(emu, record)
    body = api.json()
    kind, data = body.get("type"), body.get("data") or {}
    _check_callback(record, kind, data, api.files)
    record.callback_type = kind
    resource = await _apply_callback(emu, record, kind, data, api.files)
    await emu.recorder.notify()
    original = record.original or {}
    return {
        "interaction": {
            "id": record.id,
            "type": record.type,
            "response_message_id": original.get("id"),
            "response_message_loading": kind == CallbackType.DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(int(original.get("flags") or 0) & EPHEMERAL),
        },
        "resource": resource,
    }


async def _apply_callback(
    emu: Emulator, record: InteractionRecord, kind: int | None, data: JSON, files: list[JSON]
) -> JSON:
    """What the callback does (a message, a deferral, an update, choices, a modal); returns the
    callback response's `resource`."""
    resource: JSON = {"type": kind}
    if kind == CallbackType.MESSAGE:
        record.original = await _respond_with_message(emu, record, data, files)
        resource["message"] = record.original
    elif kind == CallbackType.DEFERRED_MESSAGE:
        record.original = await _respond_with_message(emu, record, data, [], loading=True)
        resource["message"] = record.original
    elif kind == CallbackType.UPDATE_MESSAGE:
        record.updated_message = await _update_component_message(emu, record, data, files)
        resource["message"] = record.updated_message
    elif kind == CallbackType.AUTOCOMPLETE:
        record.choices = data.get("choices") or []
        _check_choices(record.choices)
    elif kind == CallbackType.MODAL:
        record.modal = data
    return resource


def _check_first_response_in_time(emu: Emulator, record: InteractionRecord) -> None:
    """docs: interactions/receiving-and-responding "Responding to an Interaction": "Interaction
    tokens are valid for 15 minutes ... However, you must send an initial response within 3
    seconds of receiving the event. If the 3 second deadline is exceeded, the token will be
    invalidated." (10062 Unknown interaction)."""
    deadline = timedelta(seconds=limits.INTERACTION_FIRST_RESPONSE_SECONDS)
    if record.created_at is not None and emu.now() - record.created_at > deadline:
        raise Violation(404, 10062, "Unknown interaction")


def _check_token_alive(emu: Emulator, record: InteractionRecord) -> None:
    """docs: "Interaction tokens are valid for 15 minutes and can be used to send followup
    messages" (after that the webhook token is refused: 50027 Invalid Webhook Token)."""
    lifetime = timedelta(minutes=limits.INTERACTION_TOKEN_MINUTES)
    if record.created_at is not None and emu.now() - record.created_at > lifetime:
        raise Violation(401, 50027, "Invalid Webhook Token")


def _check_callback(
    record: InteractionRecord, kind: int | None, data: JSON, files: list[JSON]
) -> None:
    check_callback_type(record.type, kind, from_message="message" in record.payload)
    if kind in (CallbackType.MESSAGE, CallbackType.UPDATE_MESSAGE):
        check_message(data, files, creating=kind == CallbackType.MESSAGE)
    elif kind == CallbackType.MODAL:
        check_modal(data)


def _check_choices(choices: list[JSON]) -> None:
    """docs: "Autocomplete": choices "autocomplete choices (max of 25 choices)"; "Application
    Command Option Choice Structure": name 1-100 characters, string value up to 100."""
    if len(choices) > limits.AUTOCOMPLETE_CHOICES:
        raise form_error("choices", f"Must be {limits.AUTOCOMPLETE_CHOICES} or fewer in length.")
    for choice in choices:
        name, value = choice.get("name", ""), str(choice.get("value", ""))
        if not 1 <= len(name) <= limits.CHOICE_NAME or len(value) > limits.CHOICE_VALUE:
            raise form_error(
                "choices", f"name 1-{limits.CHOICE_NAME}, value up to {limits.CHOICE_VALUE}"
            )


async def _update_component_message(
    emu: Emulator, record: InteractionRecord, data: JSON, files: list[JSON]
) -> JSON:
    message_id = record.payload["message"]["id"]
    message = emu.world.find_message(message_id)
    if message is None:
        raise unknown("Message", 10008)
    return await emu.store.edit(message, data, files=files)


async def followup(emu: Emulator, api: ApiRequest, token: str) -> JSON:
    """A follow-up; the first one after a deferral replaces the "thinking" message.

    docs: interactions/receiving-and-responding "Create Followup Message": "When using this
    endpoint directly after responding to an interaction with DEFERRED_CHANNEL_MESSAGE_WITH_
    SOURCE, this endpoint will function the same as Edit Original Interaction Response".
    """
    record = _record(emu, token=token)
    if not record.acknowledged:
        raise unknown("Webhook", 10015)
    _check_token_alive(emu, record)
    body = api.json()
    check_message(body, api.files, creating=True)
    original = record.original
    if original is not None and original["flags"] & LOADING:
        finished = {**body, "flags": original["flags"] & ~LOADING}
        await emu.store.edit(original, finished, files=api.files)
        await emu.recorder.notify()
        return original
    message = await _respond_with_message(emu, record, body, api.files)
    record.followups.append(message)
    await emu.recorder.notify()
    return message


def _response_message(emu: Emulator, record: InteractionRecord, message_id: str) -> JSON:
    if message_id == "@original":
        message = record.original or (
            record.payload.get("message")
            if record.callback_type in (CallbackType.DEFERRED_UPDATE, CallbackType.UPDATE_MESSAGE)
            else None
        )
        if message is not None:
            message = emu.world.find_message(message["id"]) or message
    elif record.original is not None and record.original["id"] == message_id:
        message = record.original  # the follow-up that replaced the "thinking" message
    else:
        message = next((m for m in record.followups if m["id"] == message_id), None)
    if message is None:
        raise unknown("Message", 10008)
    return message


async def edit_response(emu: Emulator, api: ApiRequest, token: str, message_id: str) -> JSON:
    record = _record(emu, token=token)
    _check_token_alive(emu, record)
    message = _response_message(emu, record, message_id)
    if message["flags"] & LOADING:
        api.body = {**api.json(), "flags": message["flags"] & ~LOADING}
    edited = await edit_checked(emu, message, api)
    if (
        record.callback_type in (CallbackType.DEFERRED_UPDATE, CallbackType.UPDATE_MESSAGE)
        and message_id == "@original"
    ):
        record.updated_message = edited
    await emu.recorder.notify()
    return edited


def get_response(emu: Emulator, token: str, message_id: str) -> JSON:
    return _response_message(emu, _record(emu, token=token), message_id)


async def delete_response(emu: Emulator, token: str, message_id: str) -> None:
    record = _record(emu, token=token)
    _check_token_alive(emu, record)
    message = _response_message(emu, record, message_id)
    await emu.store.delete(message["channel_id"], message["id"])
