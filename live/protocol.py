"""The room's WebSocket frames (docs/live.md) as pydantic models: what a fan or the host may
send, and what the server sends.

`parse(raw, host=...)` gives a typed client frame or raises `BadFrame` with the error code and
one line saying what is wrong; the server answers that with an `error` frame and keeps the
connection. Fields a frame does not define are ignored (a newer client still gets through);
a missing or mistyped field, a position off the floor, an empty or too long text are not.
Ids (chat, questions) are integers; the host may echo a question id as a string of digits.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

FLOOR_HALF_M = 10.0  # the room is a 20 x 20 m floor centred on the origin, the stage at -z
CHAT_MAX = 280
#: The most a fan's frame may hold (a chat of 280 characters fits many times over).
MAX_FAN_FRAME = 4_096
#: The most a host's frame may hold: 250 ms of audio is ~15 kB of base64 at 22 kHz.
MAX_HOST_FRAME = 1 << 20

# error codes
BAD_MESSAGE = "bad_message"
MODERATED = "moderated"
RATE_LIMITED = "rate_limited"
NOT_HOST = "not_host"
UNAVAILABLE = "unavailable"

Coordinate = Annotated[float, Field(ge=-FLOOR_HALF_M, le=FLOOR_HALF_M, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Seconds = Annotated[float, Field(ge=0, le=86_400, allow_inf_nan=False)]
QuestionId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _text(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("write something (the text is empty)")
    if len(text) > CHAT_MAX:
        raise ValueError(f"at most {CHAT_MAX} characters (this one has {len(text)})")
    return text


# ---------------------------------------------------------------------------- client -> server


class Move(_Frame):
    type: Literal["move"]
    x: Coordinate
    z: Coordinate
    heading: Finite


class Chat(_Frame):
    type: Literal["chat"]
    text: str

    _check = field_validator("text")(_text)


class Ask(_Frame):
    type: Literal["ask"]
    text: str

    _check = field_validator("text")(_text)


class Ping(_Frame):
    type: Literal["ping"]


class AnswerStart(_Frame):
    type: Literal["answer.start"]
    question_id: QuestionId
    emotion: Annotated[str, Field(min_length=1, max_length=32)]
    text: Annotated[str, Field(max_length=8_000)]
    sample_rate: Annotated[int, Field(ge=1, le=192_000)]
    ai_label: Annotated[str, Field(max_length=200)] = ""


class AnswerAudio(_Frame):
    type: Literal["answer.audio"]
    question_id: QuestionId
    seq: Annotated[int, Field(ge=0)]
    pcm: str
    visemes: Annotated[list[tuple[Finite, Annotated[str, Field(max_length=16)]]], Field(max_length=1_000)] = []
    at: Seconds | None = None

    @field_validator("pcm")
    @classmethod
    def _pcm(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("pcm is not base64") from None
        if len(raw) % 2:
            raise ValueError("pcm is 16-bit samples: an even number of bytes")
        return value


class AnswerCaption(_Frame):
    type: Literal["answer.caption"]
    question_id: QuestionId
    text: Annotated[str, Field(max_length=1_000)]
    start: Seconds
    end: Seconds


class AnswerEnd(_Frame):
    type: Literal["answer.end"]
    question_id: QuestionId
    duration: Seconds


FanFrame = Annotated[Move | Chat | Ask | Ping, Field(discriminator="type")]
HostFrame = Annotated[AnswerStart | AnswerAudio | AnswerCaption | AnswerEnd | Ping, Field(discriminator="type")]
AnyAnswer = AnswerStart | AnswerAudio | AnswerCaption | AnswerEnd

_FAN = TypeAdapter[Move | Chat | Ask | Ping](FanFrame)
_HOST = TypeAdapter[AnswerStart | AnswerAudio | AnswerCaption | AnswerEnd | Ping](HostFrame)
FAN_TYPES = frozenset({"move", "chat", "ask", "ping"})
HOST_TYPES = frozenset({"answer.start", "answer.audio", "answer.caption", "answer.end", "ping"})


class BadFrame(Exception):
    """A frame the server cannot use: `code` is the error frame's code, `str()` its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _problem(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if not str(p).startswith(("move", "chat", "ask", "answer")))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse(raw: str, *, host: bool) -> Move | Chat | Ask | Ping | AnyAnswer:
    """The frame `raw` (a text frame's JSON), as the fan or the host (`host`) may send it."""
    limit = MAX_HOST_FRAME if host else MAX_FAN_FRAME
    if len(raw) > limit:
        raise BadFrame(BAD_MESSAGE, f"a frame is at most {limit} bytes (this one has {len(raw)})")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadFrame(BAD_MESSAGE, "a frame is one JSON object") from None
    if not isinstance(data, dict):
        raise BadFrame(BAD_MESSAGE, "a frame is one JSON object")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise BadFrame(BAD_MESSAGE, "a frame needs a `type`")
    allowed = HOST_TYPES if host else FAN_TYPES
    if kind not in allowed:
        if not host and kind in HOST_TYPES:
            raise BadFrame(NOT_HOST, f"only the persona's host sends {kind}")
        raise BadFrame(BAD_MESSAGE, f"unknown frame type {kind!r} (send one of: {', '.join(sorted(allowed))})")
    try:
        frame: Move | Chat | Ask | Ping | AnyAnswer = (_HOST if host else _FAN).validate_python(data)
    except ValidationError as err:
        raise BadFrame(BAD_MESSAGE, f"{kind}: {_problem(err)}") from None
    return frame


# ---------------------------------------------------------------------------- server -> client


class Avatar(BaseModel):
    address: str
    x: float
    z: float
    heading: float


class EventRef(BaseModel):
    id: int
    persona_id: int
    starts_at: int
    ends_at: int


class Question(BaseModel):
    type: Literal["question"] = "question"
    id: int
    from_: str = Field(serialization_alias="from")
    text: str
    at: float


class Welcome(BaseModel):
    type: Literal["welcome"] = "welcome"
    you: str  # the fan's address, or "host"
    event: EventRef
    attendees: list[Avatar]
    host: bool
    questions: list[Question]  # the open questions, oldest first (what the host has to answer)


class Presence(BaseModel):
    type: Literal["presence"] = "presence"
    avatars: list[Avatar]


class Joined(BaseModel):
    type: Literal["joined"] = "joined"
    address: str


class Left(BaseModel):
    type: Literal["left"] = "left"
    address: str


class HostPresence(BaseModel):
    type: Literal["host"] = "host"
    present: bool


class ChatOut(BaseModel):
    type: Literal["chat"] = "chat"
    id: int
    from_: str = Field(serialization_alias="from")
    text: str
    at: float


class Pong(BaseModel):
    type: Literal["pong"] = "pong"


class Error(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str


def encode(frame: BaseModel) -> str:
    """The frame as the text the socket sends."""
    return frame.model_dump_json(by_alias=True)


def encode_dict(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))
