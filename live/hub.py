"""The rooms of one server process and its sockets, joined to the other processes by the broker.

A room message (join, leave, host, presence, roster, frame, bye: live.rooms) made here is
applied to this process's room at once and then published; one from another process is
applied when the broker delivers it. Either way the frames the room returns go to this
process's sockets in that room. So every process holds the same rooms, and a fan on process
A sees the chat, the moves and the host of a fan on process B.

Each socket has an outbox drained by its own task, so one slow client never holds up a room:
a client that falls OUTBOX_LIMIT frames behind is closed (1013, it may reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import protocol as p
from .broker import Broker
from .rooms import BYE, ENTRANCE, FRAME, HOST, JOIN, LEAVE, PRESENCE, ROSTER, ROSTER_S, Room

log = logging.getLogger("live.hub")

OUTBOX_LIMIT = 2_000
CLOSE_TRY_AGAIN = 1013


@dataclass(frozen=True)
class Close:
    code: int
    reason: str


@dataclass(eq=False)
class Connection:
    """One socket in a room: a fan (`address`) or the host (`address` None)."""

    event_id: int
    address: str | None
    opened: float = field(default_factory=time.monotonic)
    heard: float = field(default_factory=time.monotonic)  # when its last frame came
    outbox: asyncio.Queue[str | Close] = field(default_factory=asyncio.Queue)
    closing: Close | None = None
    answers: dict[int, int] = field(default_factory=dict)  # the host's answers under way: question id -> row id

    @property
    def host(self) -> bool:
        return self.address is None

    @property
    def who(self) -> str:
        return self.address or "host"

    def send(self, text: str) -> None:
        if self.closing is not None:
            return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            self.close(CLOSE_TRY_AGAIN, "this connection fell too far behind the room: reconnect")
            return
        self.outbox.put_nowait(text)

    def close(self, code: int, reason: str) -> None:
        """Send what is queued, then close with `code` (once)."""
        if self.closing is None:
            self.closing = Close(code, reason)
            self.outbox.put_nowait(self.closing)


class Hub:
    def __init__(
        self,
        broker: Broker,
        *,
        presence_hz: float,
        origin: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.broker = broker
        self.origin = origin or uuid.uuid4().hex[:12]
        self.presence_hz = presence_hz
        self.clock = clock
        self.rooms: dict[int, Room] = {}
        self.local: dict[int, set[Connection]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        await self.broker.start(self._deliver)
        self._tasks = [
            asyncio.create_task(self._presence_loop(), name="presence"),
            asyncio.create_task(self._roster_loop(), name="roster"),
        ]

    async def stop(self) -> None:
        for event_id in list(self.rooms):
            self._publish(event_id, {"kind": BYE}, apply=False)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.broker.close()

    def connections(self) -> list[Connection]:
        return [c for conns in self.local.values() for c in conns]

    # ------------------------------------------------------------------ rooms

    def room(self, event_id: int) -> Room:
        room = self.rooms.get(event_id)
        if room is None:
            room = self.rooms[event_id] = Room(event_id)
        return room

    def peek(self, event_id: int) -> Room | None:
        return self.rooms.get(event_id)

    def fans_here(self, event_id: int) -> dict[str, list[Connection]]:
        """This process's fan connections in the room, by address."""
        out: dict[str, list[Connection]] = {}
        for conn in self.local.get(event_id, ()):
            if conn.address is not None:
                out.setdefault(conn.address, []).append(conn)
        return out

    def add(self, conn: Connection) -> None:
        """`conn` is in: it gets the room's frames from now on (send its welcome first)."""
        here = self.local.setdefault(conn.event_id, set())
        first = not any(c.address == conn.address for c in here)
        here.add(conn)
        if not first:
            return
        if conn.address is None:
            self._publish(conn.event_id, {"kind": HOST, "present": True})
            return
        member = self.room(conn.event_id).members.get(conn.address)
        x, z, heading = ENTRANCE
        avatar = member.avatar if member else p.Avatar(address=conn.address, x=x, z=z, heading=heading)
        self._publish(conn.event_id, {"kind": JOIN, "avatar": avatar.model_dump()})

    def remove(self, conn: Connection) -> bool:
        """`conn` is gone; True when it was its fan's (or the host's) last one here."""
        here = self.local.get(conn.event_id)
        if here is None or conn not in here:
            return False
        here.discard(conn)
        if not here:
            del self.local[conn.event_id]
        if any(c.address == conn.address for c in here):
            return False
        if conn.address is None:
            self._publish(conn.event_id, {"kind": HOST, "present": False})
        else:
            self._publish(conn.event_id, {"kind": LEAVE, "address": conn.address})
        return True

    def move(self, conn: Connection, frame: p.Move) -> None:
        if conn.address is not None:
            self.room(conn.event_id).move(p.Avatar(address=conn.address, x=frame.x, z=frame.z, heading=frame.heading))

    def broadcast(self, event_id: int, text: str) -> None:
        """A frame for everyone in the room, on every process."""
        self._publish(event_id, {"kind": FRAME, "frame": text})

    def close_room(self, event_id: int, code: int, reason: str) -> None:
        for conn in list(self.local.get(event_id, ())):
            conn.close(code, reason)

    def close_all(self, code: int, reason: str) -> None:
        for conn in self.connections():
            conn.close(code, reason)

    # ------------------------------------------------------------------ messages

    def _send_local(self, event_id: int, frames: list[str]) -> None:
        if not frames:
            return
        for conn in list(self.local.get(event_id, ())):
            for text in frames:
                conn.send(text)

    def _publish(self, event_id: int, message: dict[str, Any], *, apply: bool = True) -> None:
        message = {**message, "origin": self.origin, "event_id": event_id}
        if apply:
            self._send_local(event_id, self.room(event_id).apply(message, self.clock()))
        self.broker.publish(event_id, message)

    def _deliver(self, message: dict[str, Any]) -> None:
        """A message from another process (on this loop)."""
        try:
            event_id = int(message["event_id"])
            frames = self.room(event_id).apply(message, self.clock())
        except (KeyError, TypeError, ValueError) as err:
            log.warning("a room message that does not parse was ignored (%s: %s)", type(err).__name__, err)
            return
        self._send_local(event_id, frames)

    async def _presence_loop(self) -> None:
        period = 1.0 / self.presence_hz
        while True:
            started = self.clock()
            try:
                self.presence_tick()
            except Exception:  # noqa: BLE001 - a bug in one tick must not end presence for good
                log.exception("presence tick failed")
            await asyncio.sleep(max(0.0, period - (self.clock() - started)))

    def presence_tick(self) -> None:
        for event_id, room in list(self.rooms.items()):
            moved = room.take_moved()
            if moved:
                self._publish(event_id, {"kind": PRESENCE, "avatars": [a.model_dump() for a in moved]})
            frame = room.take_unsent()
            if frame is not None:
                self._send_local(event_id, [frame])

    async def _roster_loop(self) -> None:
        while True:
            await asyncio.sleep(ROSTER_S)
            try:
                self.roster_tick()
            except Exception:  # noqa: BLE001
                log.exception("roster tick failed")

    def roster_tick(self) -> None:
        now = self.clock()
        for event_id, room in list(self.rooms.items()):
            here = self.local.get(event_id)
            if here:
                members = [a.model_dump() for a in room.held_by(self.origin)]
                host = any(c.host for c in here)
                self._publish(event_id, {"kind": ROSTER, "members": members, "host": host}, apply=False)
            self._send_local(event_id, room.expire(now, self.origin))
            if room.empty and not here:
                del self.rooms[event_id]
