"""Engagement totals for the engagement oracle's native adapter (public)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...service import SocialService
from ...store import engagement
from ..deps import Db, Service
from ..schemas import EngagementOut, PersonaEngagement
from .common import errors

router = APIRouter(prefix="/api", tags=["engagement"])

#: Totals as of `at` are final once this many seconds have passed after `at` (a write stamped
#: at or before `at` has committed by then); an earlier request waits that long.
SETTLE_S = 2
#: How far in the future `at` may be (the wait above is bounded by this plus SETTLE_S).
MAX_AHEAD_S = 5


@router.get("/engagement", response_model=EngagementOut, responses=errors(422))
async def totals(
    db: Db,
    service: Service,
    at: Annotated[int | None, Query(ge=0, le=2**40, description="Unix seconds (default: now).")] = None,
) -> EngagementOut:
    """Every persona's lifetime totals as of `at`: views, likes, shares, comments, follows,
    ratings, the mean rating (x1000) and the mean sentiment of the 7 days before `at`; those
    of the fediverse under `federated`. The same `at` gives the same answer, whenever and
    however often it is asked, on any replica of the same database."""
    now = service.clock()
    if at is None:
        at = int(now) - SETTLE_S
    if at > now + MAX_AHEAD_S:
        raise HTTPException(422, f"at: {at} is in the future (now is {int(now)}); totals exist up to now")
    wait = at + SETTLE_S - now
    if wait > 0:
        await asyncio.sleep(wait)  # waiting holds no thread and no transaction
    return await run_in_threadpool(_totals, db, service, at)


def _totals(db: Session, service: SocialService, at: int) -> EngagementOut:
    service.read(db)
    rows = engagement.totals(db, at)
    return EngagementOut(at=at, personas={str(pid): PersonaEngagement.model_validate(c) for pid, c in rows.items()})
