"""What happened to one interaction: the bot's callback, its original response and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.emulator.server import Emulator

PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = (
    1,
    4,
    5,
    6,
    7,
    8,
    9,
)
EPHEMERAL, LOADING = 1 << 6, 1 << 7


@dataclass
class InteractionRecord:
    """Awaitable record of the bot's answers to one interaction."""

    emu: Emulator
    id: str
    token: str
    type: int
    user_id: str
    channel_id: str
    payload: dict
    callback_type: int | None = None
    original: dict | None = None
    followups: list[dict] = field(default_factory=list)
    choices: list[dict] | None = None
    modal: dict | None = None
    updated_message: dict | None = None
    created_at: datetime | None = None  # on the emulator's clock, for the deadlines

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    def messages(self) -> list[dict]:
        """Every finished message the bot answered with, original first."""
        found = []
        if self.original is not None and not self.original["flags"] & LOADING:
            found.append(self.original)
        found.extend(self.followups)
        if self.updated_message is not None:
            found.append(self.updated_message)
        return found

    async def wait(self, predicate: Any, timeout: float = 10.0) -> Any:
        return await self.emu.recorder.wait_until(lambda: predicate(self), timeout)

    async def reply(self, timeout: float = 10.0) -> dict:
        """The first message the user sees in answer (after any deferral)."""
        return (await self.wait(lambda r: r.messages(), timeout))[0]

    async def replies(self, count: int, timeout: float = 10.0) -> list[dict]:
        return await self.wait(lambda r: len(r.messages()) >= count and r.messages(), timeout)

    async def autocomplete_choices(self, timeout: float = 10.0) -> list[dict]:
        await self.wait(lambda r: r.choices is not None, timeout)
        return self.choices or []

    async def modal_shown(self, timeout: float = 10.0) -> dict:
        return await self.wait(lambda r: r.modal, timeout)

    async def text(self, timeout: float = 10.0) -> str:
        """The reply's content and embed text flattened into one string, for assertions."""
        return message_text(await self.reply(timeout))

    async def is_ephemeral(self, timeout: float = 10.0) -> bool:
        return bool((await self.reply(timeout))["flags"] & EPHEMERAL)


def message_text(message: dict) -> str:
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


def component_ids(message: dict) -> list[str]:
    """The custom_id of every button and select in a message."""
    ids = []
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if component.get("custom_id"):
                ids.append(component["custom_id"])
    return ids
