"""Personas, their feeds, and what fans do to a persona (follow, rate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from ...store import engagement, reactions
from ...store import personas as persona_store
from ...store import posts as post_store
from .. import present
from ..deps import Db, OptionalFan, Service, WritingFan, viewer_of
from ..schemas import MAX_ID, FeedPage, HistoryDay, HistoryOut, PersonaOut, RatingIn
from .common import PersonaId, errors, persona_or_404

router = APIRouter(prefix="/api/personas", tags=["personas"])


@router.get("", response_model=list[PersonaOut])
def list_personas(db: Db, fan: OptionalFan, service: Service) -> list[PersonaOut]:
    """Every persona, by id."""
    service.read(db)
    return present.personas(db, persona_store.all_personas(db), fan)


@router.get("/{persona_id}", response_model=PersonaOut, responses=errors(404))
def get_persona(persona_id: PersonaId, db: Db, fan: OptionalFan, service: Service) -> PersonaOut:
    service.read(db)
    return present.persona(db, persona_or_404(db, persona_id), fan)


@router.get("/{persona_id}/feed", response_model=FeedPage, responses=errors(404))
def feed(
    persona_id: PersonaId,
    request: Request,
    db: Db,
    fan: OptionalFan,
    service: Service,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="A post id: the page starts below it.")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> FeedPage:
    """The persona's visible posts, newest first. Reading a page counts a view of each post
    for the signed-in fan (or the browser's anonymous client id), once per post per day."""
    viewer = viewer_of(request, fan)
    now = service.begin(db) if viewer is not None else None
    if now is None:
        service.read(db)
    persona_or_404(db, persona_id)
    rows, nxt = post_store.feed(db, persona_id, before, limit)
    if viewer is not None and now is not None and rows:
        reactions.record_views(db, rows, viewer, now)
    service.read(db)
    return FeedPage(posts=present.posts(db, rows, fan), next=nxt)


@router.post("/{persona_id}/follow", response_model=PersonaOut, responses=errors(401, 404, 429))
def follow(persona_id: PersonaId, db: Db, fan: WritingFan, service: Service) -> PersonaOut:
    """Follow the persona (following twice is following once)."""
    now = service.begin(db)
    persona = persona_or_404(db, persona_id)
    reactions.follow(db, persona, fan, "local", now)
    service.read(db)
    return present.persona(db, persona, fan)


@router.delete("/{persona_id}/follow", response_model=PersonaOut, responses=errors(401, 404, 429))
def unfollow(persona_id: PersonaId, db: Db, fan: WritingFan, service: Service) -> PersonaOut:
    """Stop following (not following is not an error)."""
    now = service.begin(db)
    persona = persona_or_404(db, persona_id)
    reactions.unfollow(db, persona, fan, "local", now)
    service.read(db)
    return present.persona(db, persona, fan)


@router.post("/{persona_id}/rating", response_model=PersonaOut, responses=errors(401, 404, 409, 429))
def rate(persona_id: PersonaId, body: RatingIn, db: Db, fan: WritingFan, service: Service) -> PersonaOut:
    """Rate the persona 1..5 stars: one rating per fan per 7-day epoch (`unix time // 604800`).
    The same stars again is the same rating; other stars in the same epoch are 409."""
    now = service.begin(db)
    persona = persona_or_404(db, persona_id)
    try:
        reactions.rate(db, persona, fan, body.stars, now)
    except reactions.RatingConflict as why:
        raise HTTPException(409, str(why)) from None
    service.read(db)
    return present.persona(db, persona, fan)


@router.get("/{persona_id}/engagement/history", response_model=HistoryOut, responses=errors(404))
def history(
    persona_id: PersonaId,
    db: Db,
    service: Service,
    days: Annotated[int, Query(ge=1, le=365, description="How many days back, today included.")] = 30,
) -> HistoryOut:
    """New views, likes, shares, comments, follows and ratings per UTC day, oldest first (the chart)."""
    service.read(db)
    persona_or_404(db, persona_id)
    rows = engagement.history(db, persona_id, days, service.now())
    return HistoryOut(persona_id=persona_id, days=[HistoryDay.model_validate(r) for r in rows])
