"""The sandbox's little language: one action per line, typed at the prompt or read from a script.

as Mona                      act as another member
in film-talk                 move to a channel (or a thread, by name)
Hello everyone!              post (same as `say Hello everyone!`)
reply 3 I agree              reply to message [3]
edit 3 new text / delete 3   change or remove message [3] (as its author)
/film info title:"Never Let Me Go"
                             run a slash command; values are checked and typed as Discord's
                             client does; autocompleted options take the first choice
click 5 Approve              click the button labelled Approve on message [5]
choose 5 VALUE               pick VALUE in the select menu on message [5]
menu "Report message" 4      use a message context menu on message [4]
usermenu "NAME" Alice        use a user context menu on a member
modal reason=spoilers        fill in and submit the last modal the bot showed
react 3 ❤️ / unreact 3 ❤️    add or take back a reaction on message [3]
vote 7 2                     vote for answer 2 of the poll on message [7]
endpoll 7                    the poll's time runs out (Discord closes it)
expect some text             (scripts) fail unless the bot's last output contains it
import wikipedia FILE        import a Wikipedia XML dump into the catalog, as
                             `python -m bot catalog import wikipedia FILE` does (a script's
                             paths are relative to the script)
members / channels / help / quit
"""

from __future__ import annotations

import asyncio
import io
import shlex
from pathlib import Path

from bot.errors import UserFacingError
from bot.sandbox.commands import CommandHint, TypedCommand, parse_command
from bot.sandbox.emulator import Emulator, InteractionRecord
from bot.sandbox.emulator.payloads import JSON, OptionValue
from bot.sandbox.emulator.reactions import react, unreact
from bot.sandbox.emulator.routes_polls import finalise, vote
from bot.sandbox.transcript import Transcript

QUIET_SECONDS = 0.25
MAX_SETTLE_SECONDS = 8.0


class ScriptError(Exception):
    """A line the sandbox cannot carry out; the message says why."""


class SandboxSession:
    def __init__(
        self,
        emu: Emulator,
        transcript: Transcript,
        *,
        user: str = "Alice",
        channel: str = "general",
        database: Path | None = None,
        files: Path | None = None,
    ) -> None:
        self.emu, self.transcript = emu, transcript
        self.user, self.channel = user, channel
        self.database, self.files = database, files or Path.cwd()
        self.last_record: InteractionRecord | None = None

    async def run_line(self, line: str) -> bool:
        """Carry out one line; returns False when the user asked to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        if word in ("quit", "exit"):
            return False
        handler = getattr(self, f"_do_{word}", None)
        if line.startswith("/"):
            await self._slash(line[1:])
        elif handler is not None:
            await handler(rest.strip())
        else:
            await self._do_say(line)
        await self.settle()
        return True

    async def settle(self) -> None:
        """Wait until the bot has been quiet for a moment (the sandbox only; tests await events)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_SETTLE_SECONDS
        requests = self.emu.recorder.requests
        while loop.time() < deadline:

            def busier(seen: int = len(requests)) -> bool:
                return len(requests) > seen

            try:
                await self.emu.recorder.wait_until(busier, QUIET_SECONDS)
            except TimeoutError:
                return

    # --- actions ------------------------------------------------------------------------
    async def _do_as(self, name: str) -> None:
        self.emu.resolve_user(name)
        self.user = name
        self.transcript.write(f"(you are now {name})")

    async def _do_in(self, name: str) -> None:
        self.emu.resolve_channel(name.lstrip("#"))
        self.channel = name.lstrip("#")
        self.transcript.write(f"(you are now in #{self.channel})")

    async def _do_say(self, text: str) -> None:
        await self.emu.post(self.user, self.channel, text)

    async def _do_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        parent = self.transcript.message(self._number(number))
        await self.emu.post(self.user, parent["channel_id"], text, reply_to=parent)

    async def _do_edit(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        await self.emu.edit(self.transcript.message(self._number(number)), text)

    async def _do_delete(self, rest: str) -> None:
        await self.emu.delete(self.transcript.message(self._number(rest)))

    async def _do_click(self, rest: str) -> None:
        number, _, label = rest.partition(" ")
        message = self.transcript.message(self._number(number))
        self.last_record = await self.emu.click(self.user, message, label=label.strip())
        await self._await_answer(self.last_record)

    async def _do_choose(self, rest: str) -> None:
        number, _, value = rest.partition(" ")
        message = self.transcript.message(self._number(number))
        select = next(
            (
                c
                for row in message.get("components") or []
                for c in row.get("components") or []
                if c.get("type") == 3
            ),
            None,
        )
        if select is None:
            raise ScriptError(f"message [{number}] has no select menu")
        self.last_record = await self.emu.choose(self.user, message, select["custom_id"], [value])
        await self._await_answer(self.last_record)

    async def _do_menu(self, rest: str) -> None:
        name, number = shlex.split(rest)
        target = self.transcript.message(self._number(number))
        self.last_record = await self.emu.context_menu(self.user, name, target)
        await self._await_answer(self.last_record)

    async def _do_usermenu(self, rest: str) -> None:
        name, member = shlex.split(rest)
        self.last_record = await self.emu.context_menu(self.user, name, member, where=self.channel)
        await self._await_answer(self.last_record)

    async def _do_modal(self, rest: str) -> None:
        if self.last_record is None or self.last_record.modal is None:
            raise ScriptError("the bot has not shown a form (modal) to fill in")
        values = dict(part.split("=", 1) for part in shlex.split(rest) if "=" in part)
        self.last_record = await self.emu.submit_modal(self.user, self.last_record, values)
        await self._await_answer(self.last_record)

    async def _do_react(self, rest: str) -> None:
        number, _, emoji = rest.partition(" ")
        await react(self.emu, self.user, self.transcript.message(self._number(number)), emoji)

    async def _do_unreact(self, rest: str) -> None:
        number, _, emoji = rest.partition(" ")
        await unreact(self.emu, self.user, self.transcript.message(self._number(number)), emoji)

    async def _do_vote(self, rest: str) -> None:
        number, _, answer = rest.partition(" ")
        message = self.transcript.message(self._number(number))
        try:
            await vote(self.emu, self.user, message, int(answer))
        except ValueError as error:
            raise ScriptError(str(error)) from None

    async def _do_endpoll(self, rest: str) -> None:
        message = self.transcript.message(self._number(rest))
        if not (message.get("poll") and not message["poll"]["results"]["is_finalized"]):
            raise ScriptError(f"message [{rest}] has no open poll")
        await finalise(self.emu, message)

    async def _do_expect(self, text: str) -> None:
        if text.lower() not in self.transcript.last_bot_text.lower():
            raise ScriptError(f"expected the bot's last output to contain {text!r}")

    async def _do_members(self, rest: str) -> None:
        names = [m["user"]["global_name"] for m in self.emu.world.members.values()]
        self.transcript.write("members: " + ", ".join(names))

    async def _do_import(self, rest: str) -> None:
        source, _, name = rest.partition(" ")
        if source != "wikipedia" or not name.strip() or self.database is None:
            raise ScriptError("usage: import wikipedia FILE (a MediaWiki .xml or .xml.bz2 dump)")
        from bot.films.importers.wikipedia import import_wikipedia

        path = self.files / name.strip()
        try:
            report = await asyncio.to_thread(
                import_wikipedia, self.database, path, stream=io.StringIO()
            )
        except UserFacingError as exc:
            raise ScriptError(exc.message) from None
        self.transcript.write(report.summary())

    async def _do_channels(self, rest: str) -> None:
        names = [c["name"] for c in self.emu.world.channels.values()]
        self.transcript.write("channels: " + ", ".join(names))

    async def _do_help(self, rest: str) -> None:
        self.transcript.write(__doc__ or "")

    # --- slash commands ----------------------------------------------------------------
    async def _slash(self, text: str) -> None:
        """Check and convert the command as Discord's client would; a hint, and nothing sent,
        when it would not send it."""
        try:
            typed = parse_command(text, self._synced(), self.emu.world)
        except CommandHint as hint:
            raise ScriptError(str(hint)) from None
        options = typed.options
        for name, value in list(options.items()):
            options[name] = await self._autocompleted(typed, name, value, options)
        self.last_record = await self.emu.slash(
            self.user, typed.path, where=self.channel, **options
        )
        await self._await_answer(self.last_record)

    def _synced(self) -> list[JSON]:
        world = self.emu.world
        return [*world.commands.get(world.guild["id"], []), *world.commands.get(None, [])]

    async def _autocompleted(
        self, typed: TypedCommand, name: str, value: OptionValue, options: dict[str, OptionValue]
    ) -> OptionValue:
        """For an autocompleted option, ask the bot and take its first choice, as a user would."""
        option = next(o for o in typed.schema.get("options") or [] if o["name"] == name)
        if not option.get("autocomplete"):
            return value
        choices = await self.emu.autocomplete(
            self.user, typed.path, name, self.channel, **{**options, name: value}
        )
        if not choices:
            return value
        self.transcript.write(f"(autocomplete for {name}: picked {choices[0]['name']!r})")
        picked: OptionValue = choices[0]["value"]
        return picked

    def _number(self, text: str) -> int:
        """A message number like 3 or [3]; `last` is the bot's latest message, `last-1` the one
        before, so scripts need not count."""
        text = text.strip().strip("[]")
        if text.startswith("last"):
            back = int(text[5:] or 0) if text[4:5] == "-" else 0
            numbers = self.transcript.bot_numbers
            if back >= len(numbers):
                raise ScriptError(f"the bot has not posted {back + 1} messages yet")
            return numbers[-1 - back]
        try:
            return int(text)
        except ValueError:
            raise ScriptError(
                f"expected a message number like 3 (or `last`), got {text!r}"
            ) from None

    async def _await_answer(self, record: InteractionRecord) -> None:
        await record.wait(lambda r: r.messages() or r.modal or r.callback_type in (6,))
