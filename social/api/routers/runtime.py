"""The persona runtime's side (operator token): posts, the reply queue, emotions, reactions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from fame.moderation import moderate

from ...store import personas as persona_store
from ...store import posts as post_store
from ...store import replies
from ...store.models import Comment, Reaction
from .. import present
from ..deps import Db, Operator, Service
from ..schemas import (
    MAX_ID,
    Claimed,
    ClaimIn,
    EmotionIn,
    PersonaOut,
    PostOut,
    ReactionOut,
    ReactionsPage,
    ReplyIn,
    RuntimePostIn,
    Skipped,
)
from .common import CommentId, PersonaId, errors, persona_or_404

router = APIRouter(prefix="/api/runtime", tags=["persona runtime"], dependencies=[Operator])


@router.post("/posts", response_model=PostOut, responses=errors(401, 404))
def create_post(body: RuntimePostIn, db: Db, service: Service) -> PostOut:
    """Publish a post for a persona. The same `idempotency_key` returns the same post (a
    retry is safe); a flagged body is stored with status `held` until a moderator decides.
    An audio or video post sends `media_cid` with `media_type` (and optionally
    `subtitles_cid`, WebVTT); a video's `image_cid` is its poster."""
    verdict = moderate(body.body)
    now = service.begin(db)
    persona_or_404(db, body.persona_id)
    post, _created = post_store.create(
        db,
        persona_id=body.persona_id,
        body=body.body,
        image_cid=body.image_cid,
        manifest_cid=body.manifest_cid,
        ai_label=body.ai_label,
        idempotency_key=body.idempotency_key,
        source=body.source,
        verdict=verdict,
        now=now,
        media_cid=body.media_cid,
        media_type=body.media_type,
        subtitles_cid=body.subtitles_cid,
    )
    service.read(db)
    return present.post(db, post, None)


@router.post("/replies/claim", response_model=list[Claimed], responses=errors(401))
def claim(body: ClaimIn, db: Db, service: Service) -> list[Claimed]:
    """Lease up to `limit` visible comments waiting for a reply, oldest first, for `lease_s`
    seconds; a lease that runs out puts the comment back in the queue."""
    now = service.begin(db)
    leased = replies.claim(db, body.limit, body.lease_s, now)
    service.read(db)
    out = []
    for comment, post in leased:
        persona = persona_store.get(db, post.persona_id)
        (c,) = present.comments(db, [comment], persona, service.holders, None)
        out.append(Claimed(comment=c, post=present.post(db, post, None), persona_id=post.persona_id))
    return out


@router.post(
    "/replies/{comment_id}",
    response_model=PostOut | Skipped,
    responses=errors(401, 404, 409),
)
def reply(comment_id: CommentId, body: ReplyIn, db: Db, service: Service) -> PostOut | Skipped:
    """Answer the comment (`body`, `manifest_cid`: the reply post, moderated like any post)
    or skip it (`skip`: the reason). A comment is answered or skipped once; again is 409."""
    verdict = moderate(body.body) if body.body is not None else None
    now = service.begin(db)
    comment = db.get(Comment, comment_id)
    if comment is None:
        raise HTTPException(404, f"no comment {comment_id}")
    try:
        if body.body is None or verdict is None:
            replies.skip(db, comment, now)
            return Skipped(comment_id=comment_id, skip=body.skip or "")
        post = replies.answer(db, comment, body.body, body.manifest_cid, body.ai_label, verdict, now)
    except replies.ReplyConflict as why:
        raise HTTPException(409, str(why)) from None
    service.read(db)
    return present.post(db, post, None)


@router.put("/personas/{persona_id}/emotion", response_model=PersonaOut, responses=errors(401, 404))
def set_emotion(persona_id: PersonaId, body: EmotionIn, db: Db, service: Service) -> PersonaOut:
    """The persona's current emotion, as the runtime's emotion engine chose it."""
    now = service.begin(db)
    persona = persona_store.set_emotion(db, persona_or_404(db, persona_id), body.emotion, now)
    service.read(db)
    return present.persona(db, persona, None)


@router.get("/reactions", response_model=ReactionsPage, responses=errors(401))
def list_reactions(
    db: Db,
    service: Service,
    since: Annotated[int, Query(ge=0, le=MAX_ID, description="Return reactions with a larger id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 500,
) -> ReactionsPage:
    """The interaction log in order (likes, unlikes, shares, comments with their sentiment,
    follows, unfollows, ratings with their stars), for the emotion engine's learning."""
    service.read(db)
    rows = list(db.scalars(select(Reaction).where(Reaction.id > since).order_by(Reaction.id).limit(limit)))
    return ReactionsPage(
        reactions=[ReactionOut.model_validate(r, from_attributes=True) for r in rows],
        next=rows[-1].id if rows else since,
    )
