"""The gateway websocket: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, RESUME, dispatch.

Frames are plain JSON text: discord.py only decompresses binary frames. Events dispatched while
no client is connected are buffered and replayed on RESUME, as Discord does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from enum import IntEnum

from aiohttp import WSMsgType, web

from bot.sandbox.emulator.payloads import JSON
from bot.sandbox.emulator.snowflakes import make_snowflake

log = logging.getLogger(__name__)


class Opcode(IntEnum):
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    RECONNECT = 7
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


HEARTBEAT_INTERVAL_MS = 41250
RESUME_BUFFER = 1000
# The ACK travels back as over a network: answered at once, in-process, it reaches discord.py
# before its heartbeat thread has noted the send time, and discord.py then measures a whole
# interval ("Can't keep up ... websocket is 41.3s behind").
ACK_DELAY_SECONDS = 0.05


class Gateway:
    """One bot session at a time; `dispatch` sends an event to it (or buffers it for RESUME)."""

    def __init__(
        self,
        ready_payload: Callable[[str], JSON],
        guild_payload: Callable[[], JSON],
        on_change: Callable[[], Awaitable[None]],
    ) -> None:
        self._ready_payload = ready_payload
        self._guild_payload = guild_payload
        self._on_change = on_change
        self.socket: web.WebSocketResponse | None = None
        self.session_id: str | None = None
        self.sequence = 0
        self.identified = asyncio.Event()
        self.connections = 0  # how many times a client connected (reconnects included)
        self.resumes = 0
        self.identifies = 0
        self.heartbeats = 0
        self.heartbeat_interval_ms = HEARTBEAT_INTERVAL_MS
        self._buffer: list[JSON] = []
        self._send_lock = asyncio.Lock()  # keeps frames in sequence order
        self._holding = False
        self._delayed: list[tuple[str, JSON]] | None = None  # events kept for deliver_delayed

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await socket.prepare(request)
        self.connections += 1
        await socket.send_str(
            json.dumps(
                {"op": Opcode.HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            )
        )
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self._receive(socket, json.loads(frame.data))
        finally:
            if self.socket is socket:
                self.socket = None
                self.identified.clear()
        return socket

    async def _receive(self, socket: web.WebSocketResponse, payload: JSON) -> None:
        op = payload.get("op")
        if op == Opcode.HEARTBEAT:
            self.heartbeats += 1
            asyncio.get_running_loop().call_later(
                ACK_DELAY_SECONDS, lambda: asyncio.ensure_future(self._ack(socket))
            )
        elif op == Opcode.IDENTIFY:
            await self._identify(socket)
        elif op == Opcode.RESUME:
            await self._resume(socket, payload["d"])

    async def _ack(self, socket: web.WebSocketResponse) -> None:
        if not socket.closed:
            with contextlib.suppress(ConnectionResetError):
                await socket.send_str(json.dumps({"op": Opcode.HEARTBEAT_ACK}))
        await self._on_change()

    async def _identify(self, socket: web.WebSocketResponse) -> None:
        self.identifies += 1
        self.socket = socket
        self.session_id = make_snowflake()
        self.sequence = 0
        self._buffer.clear()
        await self._send_event("READY", self._ready_payload(self.session_id))
        await self._send_event("GUILD_CREATE", self._guild_payload())
        self.identified.set()
        await self._on_change()

    async def _resume(self, socket: web.WebSocketResponse, data: JSON) -> None:
        if data.get("session_id") != self.session_id:
            await socket.send_str(json.dumps({"op": Opcode.INVALID_SESSION, "d": False}))
            return
        self.resumes += 1
        self.socket = socket
        missed = [e for e in self._buffer if e["s"] > int(data.get("seq") or 0)]
        for event in missed:
            await socket.send_str(json.dumps(event))
        await self._send_event("RESUMED", {})
        self.identified.set()
        await self._on_change()

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send an event to the connected bot, or keep it for the RESUME that will follow."""
        if self._holding:
            return  # the session is about to be lost: these events never reach the bot
        if self._delayed is not None:
            self._delayed.append((event, data))
            return
        await self._send_event(event, data)

    def delay_events(self) -> None:
        """From now on events are kept back (as on a slow network) until `deliver_delayed`."""
        if self._delayed is None:
            self._delayed = []

    async def deliver_delayed(self) -> None:
        """Send the events kept back since `delay_events`, in order; then deliver at once."""
        delayed, self._delayed = self._delayed or [], None
        for event, data in delayed:
            await self._send_event(event, data)

    def hold_events(self) -> None:
        """From now on events are not delivered (as if the connection were already gone);
        `lose_session` then ends the session, so nothing of this gap is ever replayed."""
        self._holding = True

    async def lose_session(self) -> None:
        """A non-resumable disconnect: the bot's RESUME is refused (INVALID_SESSION), it
        identifies again and gets a new READY; events held since `hold_events` are lost."""
        self.session_id = None
        self._buffer.clear()
        self._holding = False
        await self.drop(4000)

    async def _send_event(self, event: str, data: JSON) -> None:
        async with self._send_lock:
            self.sequence += 1
            frame = {"op": Opcode.DISPATCH, "t": event, "s": self.sequence, "d": data}
            self._buffer.append(frame)
            del self._buffer[:-RESUME_BUFFER]
            if self.socket is not None and not self.socket.closed:
                try:
                    await self.socket.send_str(json.dumps(frame))
                except ConnectionResetError:
                    log.debug("gateway socket gone while sending %s; kept for resume", event)

    async def drop(self, code: int = 4000) -> None:
        """Close the connection as Discord does on a hiccup; the client resumes by itself."""
        socket, self.socket = self.socket, None
        self.identified.clear()
        if socket is not None:
            await socket.close(code=code, message=b"emulator dropped the connection")

    async def close(self) -> None:
        await self.drop(code=1001)
