"""The live server's tables as SQLAlchemy 2 ORM models (live/migrations/ creates exactly these;
tests/live checks that they agree).

Times are unix milliseconds by the room's clock (the chain's, see live.tickets), integers so
that SQLite and PostgreSQL add and compare them alike. Attendance is one row per fan and
event; `counted_until_ms` is how far its seconds have been counted, so that two tabs or two
server processes counting the same fan add each moment once (live.store.attendance).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit key that is still SQLite's rowid (only INTEGER PRIMARY KEY autoincrements there).
Id = BigInteger().with_variant(Integer(), "sqlite")

ADDRESS = 42  # 0x + 40 hex digits, EIP-55 checksummed
AUTHOR = 64  # a fan's address, or "host"
EMOTION = 32
LABEL = 200
REASON = 200


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Attendance(Base):
    """How long one fan has been in one event's room."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("event_id", "address"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(ADDRESS))
    attended_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    counted_until_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    first_joined_ms: Mapped[int] = mapped_column(BigInteger)


class Message(Base):
    """A chat message or a question (`kind`); a held one keeps its row with the reason."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_event", "event_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))  # chat | question
    author: Mapped[str] = mapped_column(String(AUTHOR))
    text: Mapped[str] = mapped_column(Text)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    held_reason: Mapped[str | None] = mapped_column(String(REASON), nullable=True)


class Answer(Base):
    """The persona's answer to a question: its text, and once it ended its duration."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_question", "question_id"), Index("ix_answers_event", "event_id", "id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    question_id: Mapped[int] = mapped_column(Id, ForeignKey("messages.id"))
    emotion: Mapped[str] = mapped_column(String(EMOTION))
    text: Mapped[str] = mapped_column(Text)
    ai_label: Mapped[str] = mapped_column(String(LABEL), default="")
    started_at_ms: Mapped[int] = mapped_column(BigInteger)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    ended_at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Caption(Base):
    """One subtitle cue of an answer, times from the answer's start."""

    __tablename__ = "captions"
    __table_args__ = (Index("ix_captions_answer", "answer_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(Id, ForeignKey("answers.id"))
    text: Mapped[str] = mapped_column(Text)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
