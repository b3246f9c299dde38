"""A post with its comments, and what fans do to a post (like, share, comment)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from fame.moderation import moderate

from ...store import personas as persona_store
from ...store import reactions
from .. import present
from ..deps import Db, OptionalFan, Service, WritingFan, viewer_of
from ..schemas import CommentIn, CommentOut, PostDetail, PostOut
from .common import PostId, errors, post_or_404

router = APIRouter(prefix="/api/posts", tags=["posts"])


@router.get("/{post_id}", response_model=PostDetail, responses=errors(404))
def get_post(post_id: PostId, request: Request, db: Db, fan: OptionalFan, service: Service) -> PostDetail:
    """The post with its visible comments (each with the persona's visible reply and the
    author's holder badge). Reading it counts a view, once per viewer per post per day."""
    viewer = viewer_of(request, fan)
    if viewer is not None:
        now = service.begin(db)
        post = post_or_404(db, post_id)
        reactions.record_views(db, [post], viewer, now)
    service.read(db)
    post = post_or_404(db, post_id)
    persona = persona_store.get(db, post.persona_id)
    return present.detail(db, post, persona, service.holders, fan)


@router.post("/{post_id}/like", response_model=PostOut, responses=errors(401, 404, 429))
def like(post_id: PostId, db: Db, fan: WritingFan, service: Service) -> PostOut:
    """Like the post (liking twice is liking once)."""
    now = service.begin(db)
    post = post_or_404(db, post_id)
    reactions.like(db, post, fan, "local", now)
    service.read(db)
    return present.post(db, post, fan)


@router.delete("/{post_id}/like", response_model=PostOut, responses=errors(401, 404, 429))
def unlike(post_id: PostId, db: Db, fan: WritingFan, service: Service) -> PostOut:
    """Take the like back (no like is not an error)."""
    now = service.begin(db)
    post = post_or_404(db, post_id)
    reactions.unlike(db, post, fan, "local", now)
    service.read(db)
    return present.post(db, post, fan)


@router.post("/{post_id}/share", response_model=PostOut, responses=errors(401, 404, 429))
def share(post_id: PostId, db: Db, fan: WritingFan, service: Service) -> PostOut:
    """Share the post (once per fan)."""
    now = service.begin(db)
    post = post_or_404(db, post_id)
    reactions.share(db, post, fan, "local", now)
    service.read(db)
    return present.post(db, post, fan)


@router.post("/{post_id}/comments", response_model=CommentOut, responses=errors(401, 404, 422, 429))
def comment(post_id: PostId, body: CommentIn, db: Db, fan: WritingFan, service: Service) -> CommentOut:
    """Comment on the post. Every comment passes moderation first: a flagged one is stored
    with status `held` (and a hold for the moderators) and shown only if a moderator shows it."""
    limit = service.cfg.comment_max_chars
    if len(body.body) > limit:
        raise HTTPException(422, f"body: a comment is at most {limit} characters (this one has {len(body.body)})")
    verdict = moderate(body.body)
    now = service.begin(db)
    post = post_or_404(db, post_id)
    row = reactions.comment(db, post, fan, "local", body.body, verdict, now)
    service.read(db)
    persona = persona_store.get(db, post.persona_id)
    return present.comments(db, [row], persona, service.holders, fan)[0]
