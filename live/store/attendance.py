"""Seconds per fan and event, counted so that no moment is counted twice or lost on a restart.

The server counts each fan it has in a room every second (a `Span`: from when this process
began counting the fan, or from its last count, to now) and adds the span with one UPDATE per
fan: only the part after the row's `counted_until_ms` is added, and `counted_until_ms`
moves to the span's end. Two tabs of one fan in one process are one span; two processes
counting the same fan at once add the overlapping moment once, since whichever commits
second finds it already counted. A crash loses what was not yet flushed (at most a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import Attendance


@dataclass(frozen=True)
class Span:
    """A fan was in the event's room from `since_ms` to `until_ms` (room clock)."""

    event_id: int
    address: str
    since_ms: int
    until_ms: int


def ensure(session: Session, event_id: int, address: str, now_ms: int) -> None:
    """The fan's row, created on the first join (nothing counted yet)."""
    values = {
        "event_id": event_id,
        "address": address,
        "attended_ms": 0,
        "counted_until_ms": 0,
        "first_joined_ms": now_ms,
    }
    table: Any = Attendance.__table__
    if session.get_bind().dialect.name == "postgresql":
        stmt: Any = (
            postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=["event_id", "address"])
        )
    else:
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=["event_id", "address"])
    session.execute(stmt)


def add(session: Session, spans: Iterable[Span]) -> None:
    """Add every span's part that is not counted yet (see the module's docstring)."""
    for span in spans:
        if span.until_ms <= span.since_ms:
            continue
        start = case(
            (Attendance.counted_until_ms > span.since_ms, Attendance.counted_until_ms),
            else_=span.since_ms,
        )
        session.execute(
            update(Attendance)
            .where(
                Attendance.event_id == span.event_id,
                Attendance.address == span.address,
                Attendance.counted_until_ms < span.until_ms,
            )
            .values(attended_ms=Attendance.attended_ms + (span.until_ms - start), counted_until_ms=span.until_ms)
        )


def attended_ms(session: Session, event_id: int, address: str) -> int:
    value = session.scalar(
        select(Attendance.attended_ms).where(Attendance.event_id == event_id, Attendance.address == address)
    )
    return int(value or 0)


@dataclass(frozen=True)
class Summary:
    fans: int  # fans who were in the room at all
    qualified: int  # fans who stayed at least the required time
    seconds: int  # everyone's seconds together


def summary(session: Session, event_id: int, required_s: int) -> Summary:
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Attendance.attended_ms >= required_s * 1000, 1), else_=0)), 0),
            func.coalesce(func.sum(Attendance.attended_ms), 0),
        ).where(Attendance.event_id == event_id, Attendance.attended_ms > 0)
    ).one()
    return Summary(int(row[0]), int(row[1]), int(row[2]) // 1000)
