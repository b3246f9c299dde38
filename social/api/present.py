"""ORM rows to edge models: the counts, flags and badges each shape carries, a few queries per page."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..chain import Holders
from ..store import posts as post_store
from ..store import reads
from ..store.models import Comment, Persona, Post
from .schemas import CommentOut, PersonaOut, PostDetail, PostOut, RatingSummary

MAX_COMMENTS = 500


def _post(p: Post, counts: reads.PostCounts, liked: bool) -> PostOut:
    return PostOut(
        id=p.id,
        persona_id=p.persona_id,
        body=p.body,
        image_cid=p.image_cid,
        media_cid=p.media_cid,
        media_type=p.media_type,
        subtitles_cid=p.subtitles_cid,
        manifest_cid=p.manifest_cid,
        ai_label=p.ai_label,
        kind=p.kind,  # type: ignore[arg-type]
        in_reply_to=p.in_reply_to,
        status=p.status,  # type: ignore[arg-type]
        created_at=p.created_at,
        likes=counts.likes,
        shares=counts.shares,
        comments=counts.comments,
        liked=liked,
    )


def posts(db: Session, rows: list[Post], fan: str | None) -> list[PostOut]:
    ids = [p.id for p in rows]
    counts = reads.post_counts(db, ids)
    liked = reads.liked_by(db, ids, fan)
    return [_post(p, counts.get(p.id, reads.PostCounts()), p.id in liked) for p in rows]


def post(db: Session, row: Post, fan: str | None) -> PostOut:
    return posts(db, [row], fan)[0]


def comments(
    db: Session, rows: list[Comment], persona: Persona | None, holders: Holders, fan: str | None
) -> list[CommentOut]:
    reply_ids = [c.reply_post_id for c in rows if c.reply_post_id is not None]
    replies = post_store.visible_by_ids(db, reply_ids)
    reply_outs = {p.id: p for p in posts(db, list(replies.values()), fan)}
    token = persona.share_token if persona is not None else None
    return [
        CommentOut(
            id=c.id,
            post_id=c.post_id,
            author=c.actor,
            origin=c.origin,  # type: ignore[arg-type]
            body=c.body,
            status=c.status,  # type: ignore[arg-type]
            created_at=c.created_at,
            holder=holders.is_holder(token, c.actor) if c.origin == "local" else False,
            reply=reply_outs.get(c.reply_post_id) if c.reply_post_id is not None else None,
        )
        for c in rows
    ]


def detail(db: Session, row: Post, persona: Persona | None, holders: Holders, fan: str | None) -> PostDetail:
    head = post(db, row, fan)
    shown = reads.visible_comments(db, row.id, MAX_COMMENTS)
    fields = head.model_dump(exclude={"comments"})
    return PostDetail(**fields, comments=comments(db, shown, persona, holders, fan))


def personas(db: Session, rows: list[Persona], fan: str | None) -> list[PersonaOut]:
    ids = [p.id for p in rows]
    counts = reads.persona_counts(db, ids)
    following = reads.followed_by(db, ids, fan)
    out = []
    for p in rows:
        c = counts.get(p.id, reads.PersonaCounts())
        out.append(
            PersonaOut(
                id=p.id,
                handle=p.handle,
                name=p.name,
                emotion=p.emotion,  # type: ignore[arg-type]
                followers=c.followers,
                posts=c.posts,
                rating=RatingSummary(mean=c.rating_mean, count=c.rating_count),
                following=p.id in following,
                active=p.active,
                post_interval_s=p.post_interval_s,
            )
        )
    return out


def persona(db: Session, row: Persona, fan: str | None) -> PersonaOut:
    return personas(db, [row], fan)[0]
