"""The live server as one object: settings, the attendance and transcript store, the chain
reader, sign-in, the hub of rooms and the background work (migrations until the database
answers, the attendance count every second, closing rooms whose event is over).

The HTTP and WebSocket app (live.app) and the CLI are built on it; tests build it with a
temporary database and an event source of their own.

Attendance: every FLUSH_S the service adds, for each fan it has in a room, the time since it
last counted that fan (live.store.attendance), clipped to the event's times: the minutes
before the start do not count towards a badge. A fan counts while one of its connections is
open and has sent a frame (a ping will do) within IDLE_S; the fan's last connection closing
counts up to that moment. So a restart loses at most the last second, and neither two tabs
nor two server processes count a moment twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fame.config import LiveSettings
from fame.moderation import moderate

from . import protocol as p
from .auth import Identity
from .broker import Broker
from .hub import Connection, Hub
from .ratelimit import FLOOD_S
from .store import attendance, transcript
from .store.db import DOWN, Database, DatabaseUnavailable, why_down
from .tickets import EventInfo, EventSource
from .vouchers import Voucher, sign, voucher_key

log = logging.getLogger("live")

FLUSH_S = 1.0
IDLE_S = 90.0
WATCH_S = 1.0
#: How often a room's event is read again (to notice a cancellation).
REREAD_S = 10.0
OPEN_QUESTIONS = 200
CLOSE_OVER = 4409
CLOSE_TRY_AGAIN = 1013

T = TypeVar("T")


class RoomRefused(Exception):
    """A message was not used; `code` and `str()` make its `error` frame."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Counting:
    since_ms: int | None  # from when this process counts the fan (its join, its return from idle); None: idle
    row: bool = False  # its attendance row exists


@dataclass
class LiveService:
    cfg: LiveSettings
    db: Database
    events: EventSource
    identity: Identity
    broker: Broker
    hub: Hub = field(init=False)
    #: How long a connection may flood before it is closed (live.ratelimit.FLOOD_S).
    flood_s: float = FLOOD_S
    #: How long a silent fan still counts (IDLE_S).
    idle_s: float = IDLE_S
    _counting: dict[tuple[int, str], _Counting] = field(default_factory=dict, init=False)
    _room_events: dict[int, tuple[float, EventInfo]] = field(default_factory=dict, init=False)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _clock_offset: float = field(default=0.0, init=False)
    closing: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.hub = Hub(self.broker, presence_hz=self.cfg.presence_hz)

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        self._stop.clear()
        await asyncio.to_thread(moderate, "warm up")  # loads the word list and VADER's lexicon once
        await self.sync_clock()
        await self.hub.start()
        self._tasks = [
            asyncio.create_task(asyncio.to_thread(self.db.migrate_until_ready, self._stop), name="migrate"),
            asyncio.create_task(self._flush_loop(), name="attendance"),
            asyncio.create_task(self._watch_loop(), name="rooms"),
        ]

    async def drain(
        self, code: int = CLOSE_TRY_AGAIN, reason: str = "the live server is shutting down: reconnect"
    ) -> None:
        """Before a shutdown: count everyone up to now, then close every socket with `code`."""
        self.closing = True
        await self._flush()
        self.hub.close_all(code, reason)
        deadline = time.monotonic() + 3.0
        while self.hub.connections() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.hub.stop()
        await self.identity.close()
        self.db.dispose()

    # ------------------------------------------------------------------ clock and chain

    def now(self) -> float:
        """Unix seconds by the room's clock (the chain's), without waiting on the node: the wall
        clock plus the offset `sync_clock` last read."""
        return time.time() + self._clock_offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    async def sync_clock(self) -> None:
        """Read the chain's clock (in a worker thread: the event source may ask the node)."""
        try:
            chain_now = await asyncio.to_thread(self.events.now)
        except Exception as err:  # noqa: BLE001 - keep the last offset: still the best known
            log.debug("the chain's clock was not read (%s)", err)
            return
        self._clock_offset = chain_now - time.time()

    async def event(self, event_id: int) -> EventInfo | None:
        """The event (ChainUnavailable when the chain cannot be read)."""
        return await asyncio.to_thread(self.events.event, event_id)

    async def has_ticket(self, event_id: int, address: str) -> bool:
        return await asyncio.to_thread(self.events.has_ticket, event_id, address)

    # ------------------------------------------------------------------ database

    async def transaction(self, work: Callable[[Any], T]) -> T:
        """Run `work(session)` in one committed transaction, in a worker thread."""
        if not self.db.ready:
            raise DatabaseUnavailable(self.db.last_error or "its migrations have not been applied yet")

        def run() -> T:
            with self.db.sessions() as session, session.begin():
                return work(session)

        return await asyncio.to_thread(run)

    # ------------------------------------------------------------------ joining and leaving

    async def open_questions(self, event_id: int) -> list[p.Question]:
        rows = await self.transaction(lambda s: transcript.open_questions(s, event_id, OPEN_QUESTIONS))
        return [p.Question(id=q.id, from_=q.author, text=q.text, at=q.at_ms / 1000) for q in rows]

    def welcome(self, conn: Connection, event: EventInfo, questions: list[p.Question]) -> str:
        room = self.hub.room(event.event_id)
        return p.encode(
            p.Welcome(
                you=conn.who,
                event=p.EventRef(
                    id=event.event_id, persona_id=event.persona_id, starts_at=event.starts_at, ends_at=event.ends_at
                ),
                attendees=room.avatars(),
                host=room.host,
                questions=questions,
            )
        )

    async def joined(self, conn: Connection, event: EventInfo) -> None:
        """`conn` got its welcome: it is in the room, and its fan is counted from now."""
        self._room_events[event.event_id] = (time.monotonic(), event)
        self.hub.add(conn)
        if conn.address is None:
            return
        counting = self._counting.get((conn.event_id, conn.address))
        if counting is not None:  # another tab of the fan is here already
            if counting.since_ms is None:  # and it was idle: a join is the fan being back
                counting.since_ms = self.now_ms()
            return
        counting = self._counting[(conn.event_id, conn.address)] = _Counting(self.now_ms())
        await self._ensure(conn.event_id, conn.address, counting)

    async def _ensure(self, event_id: int, address: str, counting: _Counting) -> None:
        try:
            await self.transaction(lambda s: attendance.ensure(s, event_id, address, self.now_ms()))
            counting.row = True
        except DOWN as err:
            log.warning("attendance row of %s not written yet (%s): the next count tries again", address, err)

    async def left(self, conn: Connection) -> None:
        last = self.hub.remove(conn)
        if conn.address is None or not last:
            return
        counting = self._counting.pop((conn.event_id, conn.address), None)
        if counting is not None and counting.since_ms is not None:
            until = self._active_until(conn.heard, time.monotonic(), self.now_ms())
            await self._count([self._span(conn.event_id, conn.address, counting.since_ms, until)])

    # ------------------------------------------------------------------ what fans say

    async def say(self, conn: Connection, text: str, *, ask: bool) -> None:
        """A fan's chat (or question, `ask`): moderated, stored, then shown to the room."""
        address = conn.address or ""
        at_ms = self.now_ms()
        kind = transcript.QUESTION if ask else transcript.CHAT

        held = (await asyncio.to_thread(moderate, text)).reason
        try:
            row = await self.transaction(
                lambda s: transcript.add_message(s, conn.event_id, kind, address, text, at_ms, held)
            )
        except DOWN as err:
            why = why_down(err)
            raise RoomRefused(
                p.UNAVAILABLE, f"not sent: the room's database is unavailable ({why}); try again"
            ) from None
        if held is not None:
            raise RoomRefused(p.MODERATED, f"held by moderation ({held}); the room did not see it")
        at = at_ms / 1000
        self.hub.broadcast(conn.event_id, p.encode(p.ChatOut(id=row, from_=address, text=text, at=at)))
        if ask:
            self.hub.broadcast(conn.event_id, p.encode(p.Question(id=row, from_=address, text=text, at=at)))

    # ------------------------------------------------------------------ what the host says

    async def answer(self, conn: Connection, frame: p.AnyAnswer) -> None:
        """A host frame: stored where the transcript needs it, then relayed to every fan."""
        event_id, qid, now_ms = conn.event_id, frame.question_id, self.now_ms()
        try:
            if isinstance(frame, p.AnswerStart):

                def start(session: Any) -> int | None:
                    if transcript.question(session, event_id, qid) is None:
                        return None
                    return transcript.start_answer(
                        session, event_id, qid, frame.emotion, frame.text, frame.ai_label, now_ms
                    )

                answer_id = await self.transaction(start)
                if answer_id is None:
                    raise RoomRefused(p.BAD_MESSAGE, f"answer.start: this room has no question {qid}")
                conn.answers[qid] = answer_id
            else:
                answer_id = conn.answers.get(qid)
                if answer_id is None:
                    raise RoomRefused(p.BAD_MESSAGE, f"{frame.type}: no answer.start for question {qid} yet")
                if isinstance(frame, p.AnswerCaption):
                    caption = frame
                    await self.transaction(
                        lambda s: transcript.add_caption(
                            s, answer_id, caption.text, round(caption.start * 1000), round(caption.end * 1000)
                        )
                    )
                elif isinstance(frame, p.AnswerEnd):
                    duration_ms = round(frame.duration * 1000)
                    await self.transaction(lambda s: transcript.end_answer(s, answer_id, duration_ms, now_ms))
                    del conn.answers[qid]
        except DOWN as err:
            why = why_down(err)
            raise RoomRefused(p.UNAVAILABLE, f"not relayed: the room's database is unavailable ({why})") from None
        self.hub.broadcast(event_id, p.encode(frame))

    # ------------------------------------------------------------------ attendance

    def _span(self, event_id: int, address: str, since_ms: int, until_ms: int) -> attendance.Span:
        known = self._room_events.get(event_id)
        if known is not None:
            event = known[1]
            since_ms = max(since_ms, event.starts_at * 1000)
            until_ms = min(until_ms, event.ends_at * 1000)
        return attendance.Span(event_id, address, since_ms, until_ms)

    async def _count(self, spans: list[attendance.Span]) -> None:
        spans = [s for s in spans if s.until_ms > s.since_ms]
        if not spans:
            return
        try:
            await self.transaction(lambda s: attendance.add(s, spans))
        except DOWN as err:
            # Not lost: the rows' counted_until stays where it was, so the next count adds it.
            log.warning("attendance not written this time (%s)", err)

    def _active_until(self, heard: float, mono: float, now_ms: int) -> int:
        """Until when a fan last heard from at `heard` (monotonic) counts: now, or idle_s after that."""
        return now_ms - int(max(0.0, mono - heard - self.idle_s) * 1000)

    async def _flush(self) -> None:
        now_ms, mono = self.now_ms(), time.monotonic()
        spans = []
        for (event_id, address), counting in list(self._counting.items()):
            if not counting.row:
                await self._ensure(event_id, address, counting)
            if counting.since_ms is None:
                continue  # idle: counted again from its next frame
            conns = self.hub.fans_here(event_id).get(address, [])
            heard = max((c.heard for c in conns), default=mono)
            until = self._active_until(heard, mono, now_ms)
            spans.append(self._span(event_id, address, counting.since_ms, until))
            if until < now_ms:
                counting.since_ms = None
        await self._count(spans)

    def heard(self, conn: Connection) -> None:
        """`conn` sent a frame: its fan counts again if it had been idle."""
        conn.heard = time.monotonic()
        if conn.address is not None:
            counting = self._counting.get((conn.event_id, conn.address))
            if counting is not None and counting.since_ms is None:
                counting.since_ms = self.now_ms()

    async def attended_s(self, event_id: int, address: str) -> int:
        """Seconds counted so far (what is not flushed yet, under a second, is not included)."""
        return await self.transaction(lambda s: attendance.attended_ms(s, event_id, address)) // 1000

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_S)
            try:
                await self._flush()
            except Exception:  # noqa: BLE001 - a failed count is retried at the next tick
                log.exception("attendance flush failed")

    # ------------------------------------------------------------------ rooms whose event is over

    async def _watch_loop(self) -> None:
        while True:
            await asyncio.sleep(WATCH_S)
            try:
                await self._watch()
            except Exception:  # noqa: BLE001
                log.exception("room watch failed")

    async def _watch(self) -> None:
        await self.sync_clock()
        now = self.now()
        for event_id in list(self.hub.local):
            read_at, event = self._room_events.get(event_id, (0.0, None))
            if event is None or time.monotonic() - read_at > REREAD_S:
                try:
                    fresh = await self.event(event_id)
                except Exception:  # noqa: BLE001 - the chain is down: judge by what was read last
                    fresh = event
                if fresh is None:
                    continue
                event = fresh
                self._room_events[event_id] = (time.monotonic(), event)
            if event.over(now):
                await self._flush()
                reason = f"event {event_id} was cancelled" if event.cancelled else f"event {event_id} has ended"
                self.hub.close_room(event_id, CLOSE_OVER, reason)

    # ------------------------------------------------------------------ vouchers

    async def voucher(self, event: EventInfo, address: str, attended: int) -> Voucher:
        def make() -> Voucher:
            chain_id, contract = self.events.voucher_domain()
            key = voucher_key(self.cfg, chain_id)
            signer = self.events.voucher_signer()
            if signer.lower() != key.address.lower():
                raise VoucherSignerMismatch(
                    f"PersonaEvents takes vouchers from {signer}, and this server's voucher key is {key.address}: "
                    "set FAME_LIVE_VOUCHER_KEY to the signer's key"
                )
            deadline = int(self.now()) + self.cfg.voucher_ttl_s
            return sign(
                key,
                chain_id=chain_id,
                contract=contract,
                event_id=event.event_id,
                attendee=address,
                attended=attended,
                deadline=deadline,
            )

        return await asyncio.to_thread(make)


class VoucherSignerMismatch(Exception):
    """The contract's voucher signer is not this server's key."""
