"""What was said in a room: chat, questions (a held one keeps its row and its reason, and is
never shown), the persona's answers with their captions.

A question is open until an answer to it has ended (`answer.end`): an answer cut short by a
host that dropped is given again when the host comes back, and both attempts are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from .models import Answer, Caption, Message

CHAT, QUESTION = "chat", "question"


@dataclass(frozen=True)
class Said:
    id: int
    kind: str
    author: str
    text: str
    at_ms: int


def add_message(
    session: Session, event_id: int, kind: str, author: str, text: str, at_ms: int, held_reason: str | None
) -> int:
    row = Message(event_id=event_id, kind=kind, author=author, text=text, at_ms=at_ms, held_reason=held_reason)
    session.add(row)
    session.flush()
    return row.id


def _said(row: Message) -> Said:
    return Said(row.id, row.kind, row.author, row.text, row.at_ms)


def question(session: Session, event_id: int, question_id: int) -> Said | None:
    """The shown question `question_id` of the event, or None."""
    row = session.get(Message, question_id)
    if row is None or row.event_id != event_id or row.kind != QUESTION or row.held_reason is not None:
        return None
    return _said(row)


def _answered(question_id: object) -> object:
    return exists().where(and_(Answer.question_id == question_id, Answer.ended_at_ms.is_not(None)))


def open_questions(session: Session, event_id: int, limit: int) -> list[Said]:
    """The questions no answer has ended yet, oldest first (the host's queue)."""
    rows = session.scalars(
        select(Message)
        .where(
            Message.event_id == event_id,
            Message.kind == QUESTION,
            Message.held_reason.is_(None),
            ~_answered(Message.id),  # type: ignore[operator]
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return [_said(r) for r in rows]


def start_answer(
    session: Session, event_id: int, question_id: int, emotion: str, text: str, ai_label: str, at_ms: int
) -> int:
    row = Answer(
        event_id=event_id,
        question_id=question_id,
        emotion=emotion,
        text=text,
        ai_label=ai_label,
        started_at_ms=at_ms,
    )
    session.add(row)
    session.flush()
    return row.id


def add_caption(session: Session, answer_id: int, text: str, start_ms: int, end_ms: int) -> None:
    session.add(Caption(answer_id=answer_id, text=text, start_ms=start_ms, end_ms=end_ms))


def end_answer(session: Session, answer_id: int, duration_ms: int, at_ms: int) -> None:
    row = session.get(Answer, answer_id)
    if row is not None:
        row.duration_ms = duration_ms
        row.ended_at_ms = at_ms


@dataclass(frozen=True)
class SpokenCaption:
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Spoken:
    question_id: int
    emotion: str
    text: str
    ai_label: str
    started_at_ms: int
    duration_ms: int | None
    captions: list[SpokenCaption]


@dataclass(frozen=True)
class Transcript:
    chat: list[Said]
    questions: list[tuple[Said, bool]]  # (question, answered)
    answers: list[Spoken]


def transcript(session: Session, event_id: int) -> Transcript:
    """Everything shown in the room, in the order it was said."""
    said = session.scalars(
        select(Message).where(Message.event_id == event_id, Message.held_reason.is_(None)).order_by(Message.id)
    ).all()
    answers = session.scalars(select(Answer).where(Answer.event_id == event_id).order_by(Answer.id)).all()
    captions: dict[int, list[SpokenCaption]] = {}
    if answers:
        for c in session.scalars(
            select(Caption).where(Caption.answer_id.in_([a.id for a in answers])).order_by(Caption.id)
        ):
            captions.setdefault(c.answer_id, []).append(SpokenCaption(c.text, c.start_ms, c.end_ms))
    answered = {a.question_id for a in answers if a.ended_at_ms is not None}
    return Transcript(
        chat=[_said(m) for m in said if m.kind == CHAT],
        questions=[(_said(m), m.id in answered) for m in said if m.kind == QUESTION],
        answers=[
            Spoken(a.question_id, a.emotion, a.text, a.ai_label, a.started_at_ms, a.duration_ms, captions.get(a.id, []))
            for a in answers
        ],
    )
