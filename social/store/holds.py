"""Moderation holds: what the moderation step flagged, and what a moderator decided.

Deciding changes the held item's status (shown: visible from now; rejected: kept, never
shown) and records the decision on the hold; nothing is deleted, so a decision can be
audited later and the engagement totals of past times do not move.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..terms import HELD, REJECTED, VISIBLE, Decision
from .models import Comment, Hold, Post

HoldState = Literal["pending", "decided", "all"]


class HoldConflict(Exception):
    """The hold is decided already."""


def list_holds(session: Session, state: HoldState = "pending", limit: int = 100, after: int = 0) -> list[Hold]:
    q = select(Hold).where(Hold.id > after)
    if state == "pending":
        q = q.where(Hold.decided_at.is_(None))
    elif state == "decided":
        q = q.where(Hold.decided_at.is_not(None))
    return list(session.scalars(q.order_by(Hold.id).limit(limit)))


def get(session: Session, hold_id: int) -> Hold | None:
    return session.get(Hold, hold_id)


def target_text(session: Session, hold: Hold) -> tuple[str, int | None, str | None]:
    """(body, post id, author) of what `hold` holds: a moderator decides on the text itself."""
    if hold.target == "comment":
        c = session.get(Comment, hold.target_id)
        return (c.body, c.post_id, c.actor) if c is not None else ("", None, None)
    p = session.get(Post, hold.target_id)
    return (p.body, p.id, None) if p is not None else ("", None, None)


def decide(session: Session, hold: Hold, decision: Decision, now: int) -> Hold:
    """Show or reject the held item (once: a second decision is a HoldConflict)."""
    done = session.execute(
        update(Hold)
        .where(Hold.id == hold.id, Hold.decided_at.is_(None))
        .values(decided_at=now, decision=decision)
        .returning(Hold.id)
    ).first()
    if done is None:
        session.rollback()
        session.refresh(hold)
        raise HoldConflict(f"hold {hold.id} was decided already ({hold.decision})")
    status, visible_at = (VISIBLE, now) if decision == "show" else (REJECTED, None)
    model: type[Comment] | type[Post] = Comment if hold.target == "comment" else Post
    session.execute(
        update(model)
        .where(model.id == hold.target_id, model.status == HELD)
        .values(status=status, visible_at=visible_at)
    )
    session.commit()
    session.refresh(hold)
    return hold
