"""The room's WebSocket, `GET /ws/events/{event_id}`: who may come in, then each frame.

A connection is accepted first and then checked, so that a refusal reaches the client as a
close code with its reason (a refused handshake would only be an HTTP 403): the host token,
the event (4404 unknown, 4409 over), the fan's sign-in (1008 "sign in first") and ticket
(1008 "no ticket for event N"); 1013 when the chain or the social service cannot be asked, or
the server is shutting down. Once in, a fan's frames pass the rate limit (live.ratelimit),
then the protocol (live.protocol); a frame that fails either is answered with an `error`
frame and the connection stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from . import protocol as p
from .auth import BadHostToken, SignInUnavailable
from .hub import Close, Connection
from .ratelimit import ConnectionLimit, Verdict
from .service import CLOSE_OVER, CLOSE_TRY_AGAIN, LiveService, RoomRefused
from .store.db import DOWN
from .tickets import ChainUnavailable, EventInfo

log = logging.getLogger("live.ws")

router = APIRouter()

CLOSE_POLICY = 1008
CLOSE_UNKNOWN = 4404


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


async def _admit(service: LiveService, websocket: WebSocket, event_id: int) -> tuple[str | None, EventInfo]:
    """(the fan's address or None for the host, the event), or Refused with the close code."""
    if service.closing:
        raise Refused(CLOSE_TRY_AGAIN, "the live server is shutting down: reconnect")
    origin = websocket.headers.get("origin")
    if origin is not None and origin.rstrip("/") not in service.cfg.origins:
        # a page of another origin would ride on the fan's cookie (SameSite spares other ports)
        raise Refused(CLOSE_POLICY, f"pages of {origin[:80]} may not open this room (FAME_LIVE_ALLOWED_ORIGINS)")
    try:
        host = service.identity.is_host(websocket.headers)
    except BadHostToken as err:
        raise Refused(CLOSE_POLICY, str(err)[:120]) from None
    try:
        event = await service.event(event_id)
        now = service.now()
    except ChainUnavailable:
        raise Refused(CLOSE_TRY_AGAIN, "the chain cannot be read right now: try again") from None
    if event is None:
        raise Refused(CLOSE_UNKNOWN, f"there is no event {event_id}")
    if event.over(now):
        raise Refused(
            CLOSE_OVER, f"event {event_id} was cancelled" if event.cancelled else f"event {event_id} has ended"
        )
    if host:
        return None, event
    try:
        address = await service.identity.fan(websocket.cookies)
    except SignInUnavailable:
        raise Refused(CLOSE_TRY_AGAIN, "sign-in cannot be checked right now: try again") from None
    if address is None:
        raise Refused(CLOSE_POLICY, "sign in first")
    try:
        ticket = await service.has_ticket(event_id, address)
    except ChainUnavailable:
        raise Refused(CLOSE_TRY_AGAIN, "the chain cannot be read right now: try again") from None
    if not ticket:
        raise Refused(CLOSE_POLICY, f"no ticket for event {event_id}")
    return address, event


async def _sender(websocket: WebSocket, conn: Connection) -> None:
    """Drains the connection's outbox into the socket, and closes it when told to."""
    while True:
        item = await conn.outbox.get()
        if isinstance(item, Close):
            with contextlib.suppress(Exception):
                await websocket.close(item.code, item.reason)
            return
        await websocket.send_text(item)


async def _reader(websocket: WebSocket, service: LiveService, conn: Connection) -> None:
    limit = (
        None if conn.host else ConnectionLimit(service.cfg.messages_per_s, service.cfg.burst, flood_s=service.flood_s)
    )
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        service.heard(conn)
        if limit is not None:
            verdict = limit.check()
            if verdict is Verdict.FLOODING:
                conn.close(CLOSE_POLICY, "flooding")
                return
            if verdict is Verdict.LIMITED:
                rate = service.cfg.messages_per_s
                conn.send(
                    p.encode(p.Error(code=p.RATE_LIMITED, message=f"more than {rate:g} messages a second: dropped"))
                )
                continue
        text = message.get("text")
        if text is None:
            conn.send(p.encode(p.Error(code=p.BAD_MESSAGE, message="send JSON text frames, not binary ones")))
            continue
        try:
            await _handle(service, conn, p.parse(text, host=conn.host))
        except p.BadFrame as err:
            conn.send(p.encode(p.Error(code=err.code, message=str(err))))
        except RoomRefused as err:
            conn.send(p.encode(p.Error(code=err.code, message=str(err))))


async def _handle(
    service: LiveService, conn: Connection, frame: p.Move | p.Chat | p.Ask | p.Ping | p.AnyAnswer
) -> None:
    if isinstance(frame, p.Ping):
        conn.send(p.encode(p.Pong()))
    elif isinstance(frame, p.Move):
        service.hub.move(conn, frame)
    elif isinstance(frame, p.Chat | p.Ask):
        await service.say(conn, frame.text, ask=isinstance(frame, p.Ask))
    else:
        await service.answer(conn, frame)


@router.websocket("/ws/events/{event_id}")
async def room_socket(websocket: WebSocket, event_id: int) -> None:
    """The event's room (docs/live.md: frames, close codes)."""
    service: LiveService = websocket.app.state.service
    await websocket.accept()
    try:
        address, event = await _admit(service, websocket, event_id)
    except Refused as refused:
        with contextlib.suppress(Exception):
            await websocket.close(refused.code, str(refused))
        return
    conn = Connection(event_id, address)
    try:
        questions = await service.open_questions(event_id)
    except DOWN:
        questions = []  # the room works without its database; the queue comes with the next question
    conn.send(service.welcome(conn, event, questions))
    sender = asyncio.create_task(_sender(websocket, conn))
    reader = asyncio.create_task(_reader(websocket, service, conn))
    try:
        await service.joined(conn, event)
        await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
    except WebSocketDisconnect:
        pass
    finally:
        await service.left(conn)
        if conn.closing is not None and not sender.done():
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(sender, 2.0)  # let the close frame with its reason go out
        for task in (reader, sender):
            task.cancel()
        for task in (reader, sender):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
