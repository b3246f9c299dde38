"""One event's room as one server process sees it: who is in it (with positions), whether the
host is on, and the moves not yet broadcast. No I/O: the hub (live.hub) feeds it the room's
messages, from this process or from others through the broker, and sends the frames that
`apply` returns to this process's sockets.

Every member and the host are held per origin (the server process they are connected to),
so a fan with tabs on two processes is one avatar that leaves when its last tab closes. An
origin's roster (its members and whether it holds the host, sent every ROSTER_S) keeps the
others in step after a lost message or a late start, and an origin silent for EXPIRE_S (a
process that died) is dropped with everything it held.

Presence is coalesced: the moves of a tick are kept per address (the last one wins) and sent
as one `presence` frame per tick, at most `presence_hz` times a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import protocol as p

ROSTER_S = 2.0
EXPIRE_S = 3 * ROSTER_S
#: Where a fan's avatar appears: the back of the room, facing the stage.
ENTRANCE = (0.0, 8.0, 0.0)

# Kinds of room messages (what the hub publishes on the broker).
JOIN, LEAVE, HOST, PRESENCE, ROSTER, FRAME, BYE = "join", "leave", "host", "presence", "roster", "frame", "bye"


@dataclass
class Member:
    avatar: p.Avatar
    origins: set[str] = field(default_factory=set)


@dataclass
class Room:
    event_id: int
    members: dict[str, Member] = field(default_factory=dict)
    host_origins: set[str] = field(default_factory=set)
    heard: dict[str, float] = field(default_factory=dict)  # origin -> when its last message came
    moved: dict[str, p.Avatar] = field(default_factory=dict)  # this process's moves since its last publish
    unsent: dict[str, p.Avatar] = field(default_factory=dict)  # moves from anywhere not yet sent to sockets

    @property
    def host(self) -> bool:
        return bool(self.host_origins)

    def avatars(self) -> list[p.Avatar]:
        return [m.avatar for m in self.members.values()]

    def held_by(self, origin: str) -> list[p.Avatar]:
        return [m.avatar for m in self.members.values() if origin in m.origins]

    @property
    def empty(self) -> bool:
        return not self.members and not self.host_origins

    # ------------------------------------------------------------------ messages

    def apply(self, message: dict[str, Any], now: float) -> list[str]:
        """Take one room message in; the frames this process's sockets are to get."""
        origin = str(message["origin"])
        self.heard[origin] = now
        kind = message["kind"]
        if kind == JOIN:
            return self._add(origin, p.Avatar.model_validate(message["avatar"]))
        if kind == LEAVE:
            return self._remove(origin, str(message["address"]))
        if kind == HOST:
            return self._host(origin, bool(message["present"]))
        if kind == PRESENCE:
            frames: list[str] = []
            for raw in message["avatars"]:
                avatar = p.Avatar.model_validate(raw)
                frames += self._add(origin, avatar)
                self.members[avatar.address].avatar = avatar
                self.unsent[avatar.address] = avatar
            return frames
        if kind == ROSTER:
            return self._roster(origin, [p.Avatar.model_validate(a) for a in message["members"]], bool(message["host"]))
        if kind == FRAME:
            return [str(message["frame"])]
        if kind == BYE:
            return self.drop(origin)
        return []

    def _add(self, origin: str, avatar: p.Avatar) -> list[str]:
        member = self.members.get(avatar.address)
        if member is None:
            self.members[avatar.address] = Member(avatar, {origin})
            return [p.encode(p.Joined(address=avatar.address))]
        member.origins.add(origin)
        return []

    def _remove(self, origin: str, address: str) -> list[str]:
        member = self.members.get(address)
        if member is None:
            return []
        member.origins.discard(origin)
        if member.origins:
            return []
        del self.members[address]
        self.unsent.pop(address, None)
        self.moved.pop(address, None)
        return [p.encode(p.Left(address=address))]

    def _host(self, origin: str, present: bool) -> list[str]:
        was = self.host
        if present:
            self.host_origins.add(origin)
        else:
            self.host_origins.discard(origin)
        return [p.encode(p.HostPresence(present=self.host))] if self.host != was else []

    def _roster(self, origin: str, members: list[p.Avatar], host: bool) -> list[str]:
        frames: list[str] = []
        listed = {a.address for a in members}
        for address in [a for a, m in self.members.items() if origin in m.origins and a not in listed]:
            frames += self._remove(origin, address)
        for avatar in members:
            frames += self._add(origin, avatar)
        return frames + self._host(origin, host)

    def drop(self, origin: str) -> list[str]:
        """Forget everything `origin` held (it said goodbye or fell silent)."""
        frames: list[str] = []
        for address in [a for a, m in self.members.items() if origin in m.origins]:
            frames += self._remove(origin, address)
        frames += self._host(origin, False)
        self.heard.pop(origin, None)
        return frames

    def expire(self, now: float, own: str) -> list[str]:
        """Drop the origins (other than `own`) not heard from for EXPIRE_S."""
        frames: list[str] = []
        for origin, when in list(self.heard.items()):
            if origin != own and now - when > EXPIRE_S:
                frames += self.drop(origin)
        return frames

    # ------------------------------------------------------------------ presence

    def move(self, avatar: p.Avatar) -> None:
        """A local fan moved: kept until the next tick (the last move of a tick wins)."""
        self.moved[avatar.address] = avatar

    def take_moved(self) -> list[p.Avatar]:
        moved, self.moved = list(self.moved.values()), {}
        return moved

    def take_unsent(self) -> str | None:
        """The presence frame of every move since the last one (None when nothing moved)."""
        if not self.unsent:
            return None
        frame = p.encode(p.Presence(avatars=list(self.unsent.values())))
        self.unsent = {}
        return frame
