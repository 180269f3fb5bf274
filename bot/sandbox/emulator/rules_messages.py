"""What a message body, its components and a modal may hold (every route that carries one).

Routes: channel messages (send, edit), interaction callbacks, follow-ups and original-response
edits, webhook executes and edits, forum starters. Each check cites the documentation line.
"""

from __future__ import annotations

from bot import limits
from bot.sandbox.emulator.kinds import SELECTS, CallbackType, ComponentType, InteractionType
from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.rules import Violation, form_error

LINK, PREMIUM = 5, 6
EMBED_LIMITS = {"title": limits.EMBED_TITLE, "description": limits.EMBED_DESCRIPTION}


def check_message(body: JSON, files: list[JSON] | None = None, *, creating: bool) -> None:
    """Content, embeds and components of a message body.

    docs: resources/message "Create Message": "content: Message contents (up to 2000
    characters)"; "embeds: Up to 10 rich embeds (up to 6000 characters)"; "Files must be
    attached using a multipart/form-data body ... When creating a message, apps must provide a
    value for at least one of content, embeds, sticker_ids, components, files[n], or poll"
    (otherwise 50006 "Cannot send an empty message").
    """
    content = body.get("content")
    if content is not None and len(content) > limits.MESSAGE_CONTENT:
        raise form_error("content", f"Must be {limits.MESSAGE_CONTENT} or fewer in length.")
    check_embeds(body.get("embeds") or [])
    check_components(body.get("components") or [])
    if creating and not _has_payload(body, files):
        raise Violation(400, 50006, "Cannot send an empty message")


def check_edit_not_empty(message: JSON) -> None:
    """An edit may not leave a message with nothing in it (same rule as creating one)."""
    if not _has_payload(message, message.get("attachments")):
        raise Violation(400, 50006, "Cannot send an empty message")


def _has_payload(body: JSON, files: list[JSON] | None) -> bool:
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    return bool(files) or any(body.get(key) for key in keys)


def check_embeds(embeds: list[JSON]) -> None:
    """docs: resources/message "Embed Limits": title 256, description 4096, up to 25 fields,
    field name 256 and value 1024, footer text 2048, author name 256; "the combined sum of
    characters in all title, description, field.name, field.value, footer.text, and author.name
    fields across all embeds attached to a message must not exceed 6000". Field names and
    values are required ("Embed Field Structure": name, value are not optional), so neither may
    be empty.
    """
    if len(embeds) > limits.EMBEDS_PER_MESSAGE:
        raise form_error("embeds", f"Must be {limits.EMBEDS_PER_MESSAGE} or fewer in length.")
    total = sum(_embed_size(embed) for embed in embeds)
    if total > limits.EMBED_TOTAL:
        raise form_error("embeds", f"Embed size exceeds maximum size of {limits.EMBED_TOTAL}")


def _embed_size(embed: JSON) -> int:
    for key, limit in EMBED_LIMITS.items():
        _at_most(f"embeds.{key}", embed.get(key), limit)
    footer = (embed.get("footer") or {}).get("text")
    author = (embed.get("author") or {}).get("name")
    _at_most("embeds.footer.text", footer, limits.EMBED_FOOTER)
    _at_most("embeds.author.name", author, limits.EMBED_AUTHOR_NAME)
    fields = embed.get("fields") or []
    if len(fields) > limits.EMBED_FIELDS:
        raise form_error("embeds.fields", f"Must be {limits.EMBED_FIELDS} or fewer in length.")
    size = sum(len(x or "") for x in (embed.get("title"), embed.get("description"), footer, author))
    for field in fields:
        name, value = str(field.get("name") or ""), str(field.get("value") or "")
        if not name.strip() or not value.strip():
            raise form_error("embeds.fields", "name and value are required (not empty).")
        _at_most("embeds.fields.name", name, limits.EMBED_FIELD_NAME)
        _at_most("embeds.fields.value", value, limits.EMBED_FIELD_VALUE)
        size += len(name) + len(value)
    return size


def _at_most(field: str, text: str | None, limit: int) -> None:
    if text is not None and len(str(text)) > limit:
        raise form_error(field, f"Must be {limit} or fewer in length.")


def check_components(rows: list[JSON]) -> None:
    """docs: interactions/message-components "Action Row": "up to 5 action rows per message";
    "can contain up to 5 buttons or a single select component"; "Button": label "max 80
    characters", custom_id "max 100 characters", link buttons "must have a url, and cannot
    have a custom_id"; "Select": options "max 25", placeholder "max 150 characters";
    "custom_id must be unique per component; multiple buttons on the same message must not share
    the same custom_id".
    """
    if len(rows) > limits.ACTION_ROWS:
        raise form_error("components", f"Must be {limits.ACTION_ROWS} or fewer in length.")
    seen: set[str] = set()
    for row in rows:
        if row.get("type") != ComponentType.ACTION_ROW:
            continue  # layout components (components v2) are not used by the bot
        items = row.get("components") or []
        selects = [c for c in items if c.get("type") in SELECTS]
        if not items or len(items) > limits.BUTTONS_PER_ROW or (selects and len(items) > 1):
            raise form_error("components", "an action row holds 1-5 buttons or one select")
        for item in items:
            _check_item(item, seen)


def _check_item(item: JSON, seen: set[str]) -> None:
    custom_id = item.get("custom_id")
    if item.get("type") == ComponentType.BUTTON and item.get("style") == LINK:
        if custom_id or not item.get("url"):
            raise form_error("components.url", "a link button has a url and no custom_id")
    elif item.get("type") != ComponentType.BUTTON or item.get("style") != PREMIUM:
        _check_custom_id(custom_id, seen)
    if item.get("type") == ComponentType.BUTTON:
        _at_most("components.label", item.get("label"), limits.BUTTON_LABEL)
    if item.get("type") in SELECTS:
        _at_most("components.placeholder", item.get("placeholder"), limits.SELECT_PLACEHOLDER)
        options = item.get("options") or []
        if len(options) > limits.SELECT_OPTIONS:
            raise form_error(
                "components.options", f"Must be {limits.SELECT_OPTIONS} or fewer in length."
            )
        for option in options:
            for key in ("label", "value", "description"):
                _at_most(f"components.options.{key}", option.get(key), limits.SELECT_OPTION_TEXT)


def _check_custom_id(custom_id: str | None, seen: set[str]) -> None:
    if not custom_id or len(custom_id) > limits.CUSTOM_ID:
        raise form_error(
            "components.custom_id", f"Must be between 1 and {limits.CUSTOM_ID} in length."
        )
    if custom_id in seen:
        raise form_error("components.custom_id", "Component custom id cannot be duplicated")
    seen.add(custom_id)


def check_modal(data: JSON) -> None:
    """docs: interactions/receiving-and-responding "Modal": title "max 45 characters",
    custom_id "max 100 characters", components "Between 1 and 5 (inclusive) components";
    "Text Input": label "max 45 characters", placeholder "max 100 characters", value "max
    4000 characters", min_length "min 0, max 4000", max_length "min 1, max 4000". Discord also
    refuses a pre-filled value longer than the input's max_length, and a min_length above its
    max_length (400/50035, as for any invalid form body).
    """
    _at_most("data.title", data.get("title"), limits.MODAL_TITLE)
    if not data.get("title"):
        raise form_error("data.title", "This field is required")
    seen: set[str] = set()
    _check_custom_id(data.get("custom_id"), seen)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= limits.MODAL_COMPONENTS:
        raise form_error(
            "data.components", f"Must be between 1 and {limits.MODAL_COMPONENTS} in length."
        )
    for row in rows:
        inner = (
            [row["component"]]
            if row.get("type") == ComponentType.LABEL
            else row.get("components") or []
        )
        if row.get("type") == ComponentType.LABEL:
            _at_most("data.components.label", row.get("label"), limits.TEXT_INPUT_LABEL)
        for item in inner:
            if item.get("type") != ComponentType.TEXT_DISPLAY:
                _check_modal_input(item, seen)


def _check_modal_input(item: JSON, seen: set[str]) -> None:
    """One input of a modal (a text input or a select)."""
    _check_custom_id(item.get("custom_id"), seen)
    _at_most("data.components.label", item.get("label"), limits.TEXT_INPUT_LABEL)
    placeholder = item.get("placeholder")
    _at_most("data.components.placeholder", placeholder, limits.TEXT_INPUT_PLACEHOLDER)
    _check_lengths(item)


def _check_lengths(item: JSON) -> None:
    """A text input's min_length, max_length and pre-filled value, against each other."""
    low, high = item.get("min_length"), item.get("max_length")
    if low is not None and not 0 <= int(low) <= limits.MODAL_TEXT_INPUT:
        raise form_error(
            "data.components.min_length", f"Must be between 0 and {limits.MODAL_TEXT_INPUT}."
        )
    if high is not None and not 1 <= int(high) <= limits.MODAL_TEXT_INPUT:
        raise form_error(
            "data.components.max_length", f"Must be between 1 and {limits.MODAL_TEXT_INPUT}."
        )
    if low is not None and high is not None and int(low) > int(high):
        raise form_error(
            "data.components.min_length", f"Must be less than or equal to max_length ({high})."
        )
    most = limits.MODAL_TEXT_INPUT if high is None else int(high)
    _at_most("data.components.value", item.get("value"), most)


# Which callback types answer which interaction types.
# docs: interactions/receiving-and-responding "Interaction Callback Type": DEFERRED_UPDATE_MESSAGE
# and UPDATE_MESSAGE "only valid for component-based interactions"; APPLICATION_COMMAND_
# AUTOCOMPLETE_RESULT answers autocomplete; MODAL is "Not available for MODAL_SUBMIT and PING
# interactions".
_MESSAGE, _DEFERRED = CallbackType.MESSAGE, CallbackType.DEFERRED_MESSAGE
_UPDATES = (CallbackType.DEFERRED_UPDATE, CallbackType.UPDATE_MESSAGE)
CALLBACKS_FOR: dict[int, tuple[int, ...]] = {
    InteractionType.APP_COMMAND: (_MESSAGE, _DEFERRED, CallbackType.MODAL),
    InteractionType.COMPONENT: (_MESSAGE, _DEFERRED, *_UPDATES, CallbackType.MODAL),
    InteractionType.AUTOCOMPLETE: (CallbackType.AUTOCOMPLETE,),
    # the updates only when the modal came from a component
    InteractionType.MODAL_SUBMIT: (_MESSAGE, _DEFERRED, *_UPDATES),
}


def check_callback_type(interaction_type: int, callback: int | None, *, from_message: bool) -> None:
    """A callback type must fit the interaction it answers (see CALLBACKS_FOR)."""
    allowed = CALLBACKS_FOR.get(interaction_type, ())
    if interaction_type == InteractionType.MODAL_SUBMIT and not from_message:
        allowed = (_MESSAGE, _DEFERRED)
    if callback not in allowed:
        raise form_error(
            "type", f"callback {callback} is not valid for interaction {interaction_type}"
        )
