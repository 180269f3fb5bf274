"""A readable, numbered transcript of everything posted in the emulated guild."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from bot.sandbox.emulator import Emulator
from bot.sandbox.emulator.kinds import EPHEMERAL, LOADING
from bot.sandbox.emulator.payloads import JSON

INDENT = "     "


class Transcript:
    """Numbers every message as it appears, so a person (or a script) can refer to `[3]`."""

    def __init__(self, emu: Emulator, write: Callable[[str], None] = print) -> None:
        self.emu = emu
        self.write = write
        self.numbers: dict[str, int] = {}
        self.by_number: dict[int, str] = {}
        self.lines: list[str] = []
        self.last_bot_text = ""
        self.bot_numbers: list[int] = []  # numbers of the bot's (and its webhooks') messages
        emu.store.listeners.append(self._on_message)

    def message(self, number: int) -> JSON:
        """The message shown as `[number]` (still reachable if it was ephemeral)."""
        message_id = self.by_number.get(number)
        message = self.emu.world.find_message(message_id) if message_id else None
        if message is None:
            raise LookupError(f"there is no message [{number}] (or it was deleted)")
        return message

    def _on_message(self, kind: str, message: JSON) -> None:
        if message["flags"] & LOADING:
            return  # "the bot is thinking": shown once the real answer arrives
        if kind == "delete":
            number = self.numbers.get(message["id"])
            self._emit(f"      (message [{number}] was deleted)" if number else "")
            return
        if kind == "edit" and message["id"] in self.numbers:
            tag = f"[{self.numbers[message['id']]}*]"
        else:
            number = len(self.numbers) + 1
            self.numbers[message["id"]] = number
            self.by_number[number] = message["id"]
            if message["author"].get("bot"):
                self.bot_numbers.append(number)
            tag = f"[{number}]"
        self._emit(self._render(tag, message))

    def _render(self, tag: str, message: JSON) -> str:
        where = self._place(message["channel_id"])
        author = message["author"].get("global_name") or message["author"]["username"]
        if message.get("webhook_id"):
            author += " (via webhook)"
        if message["flags"] & EPHEMERAL:
            user = (message.get("interaction_metadata") or {}).get("user", {})
            author += f" (only {user.get('global_name', 'the user')} sees this)"
        if message.get("referenced_message"):
            parent = self.numbers.get(message["referenced_message"]["id"])
            where += f" reply to [{parent}]" if parent else " reply"
        body = self._body(message)
        if message["author"].get("bot"):
            self.last_bot_text = body
        head = f"{tag} {where} {author}:"
        return head + ("\n" + textwrap.indent(body, INDENT) if body else " (empty)")

    def _body(self, message: JSON) -> str:
        lines = [message.get("content") or ""]
        for embed in message.get("embeds") or []:
            lines.extend(_embed_lines(embed))
        if message.get("poll"):  # a native poll: the question and numbered answers
            poll = message["poll"]
            lines.append(f"poll: {poll['question']['text']}")
            lines.extend(f"  {a['answer_id']}. {a['poll_media']['text']}" for a in poll["answers"])
        buttons = [
            f"[{c.get('label') or c.get('placeholder') or c.get('custom_id')}]"
            for row in message.get("components") or []
            for c in row.get("components") or []
        ]
        if buttons:
            lines.append("buttons: " + " ".join(buttons))
        lines.extend(
            f"file: {a['filename']} ({a['size']} bytes)" for a in message.get("attachments") or []
        )
        return "\n".join(line for line in lines if line)

    def _place(self, channel_id: str) -> str:
        channel = self.emu.world.channels.get(channel_id)
        if channel is None:
            for user_id, dm in self.emu.world.dm_channels.items():
                if dm["id"] == channel_id:
                    return f"DM to {self.emu.world.users[user_id].payload['global_name']} ·"
            return "?"
        if channel.get("parent_id"):
            parent = self.emu.world.channels[channel["parent_id"]]["name"]
            return f"#{parent} > {channel['name']} ·"
        return f"#{channel['name']} ·"

    def _emit(self, text: str) -> None:
        if text:
            self.lines.append(text)
            self.write(text)


def _embed_lines(embed: JSON) -> list[str]:
    parts = [(embed.get("author") or {}).get("name"), embed.get("title"), embed.get("description")]
    parts += [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields") or []]
    if (embed.get("footer") or {}).get("text"):
        parts.append("— " + embed["footer"]["text"])
    return ["┃ " + line for part in parts if part for line in part.splitlines()]
