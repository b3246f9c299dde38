"""The HTTP API's response bodies (what OpenAPI documents)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .protocol import Avatar


class Problem(BaseModel):
    """Every error: what is wrong and what to do."""

    detail: str


class Health(BaseModel):
    status: str = Field(description="ok, or unavailable while the database is not ready")
    database: str
    broker: str
    rooms: int = Field(description="rooms this process has sockets in")
    connections: int


class EventTimes(BaseModel):
    id: int
    persona_id: int
    starts_at: int
    ends_at: int
    min_attendance: int
    cancelled: bool


class RoomView(BaseModel):
    event: EventTimes
    attendees: list[Avatar] = Field(description="who is in the room now, on every server process")
    host: bool = Field(description="whether the persona's host is connected")
    now: int = Field(description="unix seconds by the chain's clock, which the event's times are on")


class AttendanceView(BaseModel):
    attended: int = Field(description="seconds counted in the room during the event")
    required: int = Field(description="the event's min_attendance: seconds a badge needs")


class VoucherView(BaseModel):
    event_id: int
    attendee: str
    attended: int
    deadline: int = Field(description="unix seconds (chain clock) until which claim_badge accepts it")
    signature: str = Field(description="0x + 65 bytes: r, s, v")
    chain_id: int
    contract: str = Field(description="PersonaEvents, the voucher's EIP-712 verifying contract")


class Line(BaseModel):
    id: int
    from_: str = Field(serialization_alias="from")
    text: str
    at: float


class QuestionLine(Line):
    answered: bool


class CaptionLine(BaseModel):
    text: str
    start: float = Field(description="seconds from the answer's start")
    end: float


class AnswerLine(BaseModel):
    question_id: int
    emotion: str
    text: str
    ai_label: str
    at: float = Field(description="when it started (unix seconds, chain clock)")
    duration: float | None = Field(description="seconds; null for an answer cut short")
    captions: list[CaptionLine]


class AttendanceSummary(BaseModel):
    count: int = Field(description="fans who were in the room during the event")
    qualified: int = Field(description="fans who stayed at least min_attendance")
    seconds: int = Field(description="everyone's seconds together")


class TranscriptView(BaseModel):
    event: EventTimes
    chat: list[Line]
    questions: list[QuestionLine]
    answers: list[AnswerLine]
    attendance: AttendanceSummary
