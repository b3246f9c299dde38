"""The live server's FastAPI application: health, the events' HTTP endpoints and the room's
WebSocket (live.ws).

Every error is `{"detail": "<what to do>"}`: 401 (sign in first), 403 (no ticket, or not long
enough in the room: the detail says how long is left), 404 (no such event), 409 (the event
is cancelled, or not over yet for its transcript), 422 (one line naming the field) and 503
with Retry-After when the chain, the social service or the database cannot be used.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import ws
from .auth import SignInUnavailable
from .schemas import (
    AnswerLine,
    AttendanceSummary,
    AttendanceView,
    CaptionLine,
    EventTimes,
    Health,
    Line,
    Problem,
    QuestionLine,
    RoomView,
    TranscriptView,
    VoucherView,
)
from .service import LiveService, VoucherSignerMismatch
from .store import attendance, transcript
from .store.db import UNAVAILABLE, DatabaseUnavailable, unavailable_reason
from .tickets import ChainUnavailable, EventInfo
from .vouchers import NoVoucherKey

log = logging.getLogger("live.api")

RETRY_AFTER_S = 2
MAX_EVENT_ID = 2**63 - 1  # ids are stored as 64-bit integers; the contract's count is far below


def get_service(request: Request) -> LiveService:
    service: LiveService = request.app.state.service
    return service


Service = Annotated[LiveService, Depends(get_service)]
EventId = Annotated[int, PathParam(ge=1, le=MAX_EVENT_ID, description="PersonaEvents event id")]


async def known_event(event_id: EventId, service: Service) -> EventInfo:
    event = await service.event(event_id)
    if event is None:
        raise HTTPException(404, f"there is no event {event_id}")
    return event


async def current_fan(request: Request, service: Service) -> str:
    address = await service.identity.fan(request.cookies)
    if address is None:
        raise HTTPException(401, "sign in first: Sign-In with Ethereum on the social service (the fame_session cookie)")
    return address


Event = Annotated[EventInfo, Depends(known_event)]
Fan = Annotated[str, Depends(current_fan)]


def _times(event: EventInfo) -> EventTimes:
    return EventTimes(
        id=event.event_id,
        persona_id=event.persona_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        min_attendance=event.min_attendance,
        cancelled=event.cancelled,
    )


router = APIRouter()


@router.get("/health", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
async def health(service: Service) -> JSONResponse:
    """200 with status ok once the database is migrated; 503 with the reason until then."""
    ready = service.db.ready
    broker = service.broker.describe() + ("" if service.broker.connected else " (reconnecting)")
    body = Health(
        status="ok" if ready else "unavailable",
        database="ready" if ready else f"not ready: {service.db.last_error or 'migrating'}",
        broker=broker,
        rooms=len(service.hub.local),
        connections=len(service.hub.connections()),
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/api/events/{event_id}/room", response_model=RoomView, tags=["events"])
async def room(event: Event, service: Service) -> RoomView:
    """Who is in the room now (on every server process), whether the host is on, the event's times."""
    state = service.hub.peek(event.event_id)
    return RoomView(
        event=_times(event),
        attendees=state.avatars() if state else [],
        host=state.host if state else False,
        now=int(service.now()),
    )


@router.get("/api/events/{event_id}/attendance", response_model=AttendanceView, tags=["events"])
async def attendance_of(event: Event, fan: Fan, service: Service) -> AttendanceView:
    """The signed-in fan's seconds in the room (during the event) and what a badge needs."""
    return AttendanceView(attended=await service.attended_s(event.event_id, fan), required=event.min_attendance)


@router.post(
    "/api/events/{event_id}/voucher",
    response_model=VoucherView,
    tags=["events"],
    responses={
        403: {"model": Problem, "description": "no ticket, or not long enough in the room yet"},
        409: {"model": Problem, "description": "the event was cancelled: it has no badges"},
    },
)
async def voucher(event: Event, fan: Fan, service: Service) -> VoucherView:
    """The fan's signed attendance voucher for PersonaEvents.claim_badge, once it stayed min_attendance."""
    if event.cancelled:
        raise HTTPException(409, f"event {event.event_id} was cancelled: it has no badges")
    if not await service.has_ticket(event.event_id, fan):
        raise HTTPException(403, f"no ticket for event {event.event_id}")
    attended = await service.attended_s(event.event_id, fan)
    if attended < event.min_attendance:
        left = event.min_attendance - attended
        raise HTTPException(
            403,
            f"{left} s to go: a badge needs {event.min_attendance} s in the room during the event, "
            f"and {attended} s are counted",
        )
    signed = await service.voucher(event, fan, attended)
    return VoucherView(
        event_id=signed.event_id,
        attendee=signed.attendee,
        attended=signed.attended,
        deadline=signed.deadline,
        signature=signed.signature,
        chain_id=signed.chain_id,
        contract=signed.contract,
    )


@router.get(
    "/api/events/{event_id}/transcript",
    response_model=TranscriptView,
    tags=["events"],
    responses={409: {"model": Problem, "description": "the event is not over yet"}},
)
async def transcript_of(event: Event, service: Service) -> TranscriptView:
    """Everything shown in the room (chat, questions, the answers with their caption times) and
    the attendance, once the event has ended or was cancelled."""
    now = service.now()
    if not event.over(now):
        raise HTTPException(
            409, f"event {event.event_id} is on until {event.ends_at}: its transcript is published when it ends"
        )

    def read(session: Any) -> tuple[transcript.Transcript, attendance.Summary]:
        return transcript.transcript(session, event.event_id), attendance.summary(
            session, event.event_id, event.min_attendance
        )

    said, summary = await service.transaction(read)
    return TranscriptView(
        event=_times(event),
        chat=[Line(id=m.id, from_=m.author, text=m.text, at=m.at_ms / 1000) for m in said.chat],
        questions=[
            QuestionLine(id=q.id, from_=q.author, text=q.text, at=q.at_ms / 1000, answered=done)
            for q, done in said.questions
        ],
        answers=[
            AnswerLine(
                question_id=a.question_id,
                emotion=a.emotion,
                text=a.text,
                ai_label=a.ai_label,
                at=a.started_at_ms / 1000,
                duration=None if a.duration_ms is None else a.duration_ms / 1000,
                captions=[CaptionLine(text=c.text, start=c.start_ms / 1000, end=c.end_ms / 1000) for c in a.captions],
            )
            for a in said.answers
        ],
        attendance=AttendanceSummary(count=summary.fans, qualified=summary.qualified, seconds=summary.seconds),
    )


def _location(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def _unavailable(what: str) -> JSONResponse:
    return JSONResponse(
        status_code=503, content={"detail": f"{what}: try again shortly"}, headers={"Retry-After": str(RETRY_AFTER_S)}
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document with the error shape this server really sends (a Problem, 422 too)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    problem = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, item in doc.get("paths", {}).items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Invalid request (`detail` names the field)", **problem}
            if path.startswith("/api/events/"):
                responses.setdefault("404", {"description": "No such event", **problem})
                responses.setdefault("503", {"description": "The chain or the database is unavailable", **problem})
            if "{event_id}/attendance" in path or "{event_id}/voucher" in path:
                responses.setdefault("401", {"description": "Not signed in", **problem})
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.setdefault("Problem", Problem.model_json_schema())
    app.openapi_schema = doc
    return doc


def create_app(service: LiveService) -> FastAPI:
    """The app on `service`, which it starts and stops with its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="FameEngine live server",
        version="1",
        description="Live event rooms: fans with a PersonaEvents ticket meet the persona over the WebSocket "
        "/ws/events/{event_id} (docs/live.md: frames and close codes); attendance is counted and signed into "
        "vouchers for the soulbound badge. Fans are signed in by the social service's fame_session cookie.",
        lifespan=lifespan,
    )
    app.state.service = service

    @app.exception_handler(ChainUnavailable)
    async def no_chain(_: Request, err: ChainUnavailable) -> JSONResponse:
        return _unavailable(f"the chain cannot be read ({err})")

    @app.exception_handler(SignInUnavailable)
    async def no_social(_: Request, err: SignInUnavailable) -> JSONResponse:
        return _unavailable(f"sign-in cannot be checked ({err})")

    @app.exception_handler(DatabaseUnavailable)
    async def not_ready(_: Request, err: DatabaseUnavailable) -> JSONResponse:
        return _unavailable(f"the live database is unavailable ({err})")

    for kind in UNAVAILABLE:

        @app.exception_handler(kind)
        async def db_down(_: Request, err: Exception) -> JSONResponse:
            return _unavailable(f"the live database is unavailable ({unavailable_reason(err)})")

    @app.exception_handler(NoVoucherKey)
    async def no_key(_: Request, err: NoVoucherKey) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(err)})

    @app.exception_handler(VoucherSignerMismatch)
    async def wrong_key(_: Request, err: VoucherSignerMismatch) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(err)})

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        return JSONResponse(
            status_code=422, content={"detail": f"{_location(first.get('loc', ()))}: {first.get('msg', 'invalid')}"}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=err.status_code, content={"detail": str(err.detail)}, headers=err.headers)

    app.include_router(router)
    app.include_router(ws.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
