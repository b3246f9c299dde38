"""Moderators (operator token): the holds, and showing or rejecting what they hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.orm import Session

from ...store import holds
from ...store.models import Hold
from ..deps import Db, Operator, Service
from ..schemas import MAX_ID, DecisionIn, HoldOut
from .common import HoldId, errors

router = APIRouter(prefix="/api/moderation", tags=["moderation"], dependencies=[Operator])


def _out(db: Session, hold: Hold) -> HoldOut:
    body, post_id, author = holds.target_text(db, hold)
    return HoldOut(
        id=hold.id,
        target=hold.target,  # type: ignore[arg-type]
        target_id=hold.target_id,
        reason=hold.reason,
        created_at=hold.created_at,
        decided_at=hold.decided_at,
        decision=hold.decision,  # type: ignore[arg-type]
        body=body,
        post_id=post_id,
        author=author,
    )


@router.get("/holds", response_model=list[HoldOut], responses=errors(401))
def list_holds(
    db: Db,
    service: Service,
    state: Annotated[holds.HoldState, Query(description="pending (default), decided or all")] = "pending",
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="Holds with a larger id (paging).")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HoldOut]:
    """Held comments and posts, oldest first, with the held text."""
    service.read(db)
    return [_out(db, h) for h in holds.list_holds(db, state, limit, after)]


@router.post("/holds/{hold_id}", response_model=HoldOut, responses=errors(401, 404, 409))
def decide(hold_id: HoldId, body: DecisionIn, db: Db, service: Service) -> HoldOut:
    """`show`: the item becomes visible (and counts from now); `reject`: it stays stored, never shown.
    A hold is decided once; a second decision is 409."""
    now = service.begin(db)
    hold = holds.get(db, hold_id)
    if hold is None:
        raise HTTPException(404, f"no hold {hold_id}")
    try:
        hold = holds.decide(db, hold, body.decision, now)
    except holds.HoldConflict as why:
        raise HTTPException(409, str(why)) from None
    service.read(db)
    return _out(db, hold)
