"""What happened to one interaction: the bot's callback, its original response and follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.sandbox.emulator.kinds import EPHEMERAL, LOADING
from bot.sandbox.emulator.payloads import JSON

if TYPE_CHECKING:
    from bot.sandbox.emulator.recorder import Recorder

T = TypeVar("T")


@dataclass
class InteractionRecord:
    """Awaitable record of the bot's answers to one interaction."""

    recorder: Recorder
    id: str
    token: str
    type: int
    user_id: str
    channel_id: str
    payload: JSON
    callback_type: int | None = None
    original: JSON | None = None
    followups: list[JSON] = field(default_factory=list)
    choices: list[JSON] | None = None
    modal: JSON | None = None
    updated_message: JSON | None = None
    created_at: datetime | None = None  # on the emulator's clock, for the deadlines

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    def messages(self) -> list[JSON]:
        """Every finished message the bot answered with, original first."""
        answers = []
        if self.original is not None and not self.original["flags"] & LOADING:
            answers.append(self.original)
        answers.extend(self.followups)
        if self.updated_message is not None:
            answers.append(self.updated_message)
        return answers

    async def wait(
        self, predicate: Callable[[InteractionRecord], T | None], timeout: float = 10.0
    ) -> T:
        """Wait until `predicate(self)` is truthy; returns its result."""
        return await self.recorder.wait_until(lambda: predicate(self), timeout)

    async def reply(self, timeout: float = 10.0) -> JSON:
        """The first message the user sees in answer (after any deferral)."""
        return (await self.wait(lambda r: r.messages(), timeout))[0]

    async def replies(self, count: int, timeout: float = 10.0) -> list[JSON]:
        return await self.wait(
            lambda r: r.messages() if len(r.messages()) >= count else None, timeout
        )

    async def autocomplete_choices(self, timeout: float = 10.0) -> list[JSON]:
        await self.wait(lambda r: r.choices is not None, timeout)
        return self.choices or []

    async def modal_shown(self, timeout: float = 10.0) -> JSON:
        return await self.wait(lambda r: r.modal, timeout)

    async def text(self, timeout: float = 10.0) -> str:
        """The reply's content and embed text flattened into one string, for assertions."""
        return message_text(await self.reply(timeout))

    async def is_ephemeral(self, timeout: float = 10.0) -> bool:
        return bool((await self.reply(timeout))["flags"] & EPHEMERAL)


def message_text(message: JSON) -> str:
    """Content, embeds (title, description, fields, footer) and button labels, as one string."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts.append((embed.get("author") or {}).get("name") or "")
        parts.append(embed.get("title") or "")
        parts.append(embed.get("description") or "")
        for embed_field in embed.get("fields") or []:
            parts.append(f"{embed_field.get('name', '')}\n{embed_field.get('value', '')}")
        parts.append((embed.get("footer") or {}).get("text") or "")
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            parts.append(component.get("label") or "")
    return "\n".join(p for p in parts if p)


def component_ids(message: JSON) -> list[str]:
    """The custom_id of every button and select in a message."""
    ids = []
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if component.get("custom_id"):
                ids.append(component["custom_id"])
    return ids
