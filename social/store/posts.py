"""Posts: the persona runtime writes them (idempotently), fans read them page by page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fame.moderation import Verdict

from ..terms import HELD, VISIBLE, PostSource, media_problem
from .models import Hold, Post
from .sql import insert_ignore


def create(
    session: Session,
    *,
    persona_id: int,
    body: str,
    image_cid: str | None,
    manifest_cid: str | None,
    ai_label: str,
    idempotency_key: str,
    source: PostSource,
    verdict: Verdict,
    now: int,
    media_cid: str | None = None,
    media_type: str | None = None,
    subtitles_cid: str | None = None,
) -> tuple[Post, bool]:
    """The runtime's post under `idempotency_key`: (the post, whether this call created it).

    A retried call with the same key returns the post the first one created, whatever its
    body or media: the runtime may retry after a timeout without knowing whether it got through.
    An audio or video post carries `media_cid` with its `media_type` (and maybe
    `subtitles_cid`); `image_cid` is then the video's poster. Media that do not go together
    are a ValueError.
    """
    problem = media_problem(media_cid, media_type, subtitles_cid)
    if problem is not None:
        raise ValueError(f"{problem[0]}: {problem[1]}")
    status = HELD if verdict.held else VISIBLE
    new_id = insert_ignore(
        session,
        Post,
        {
            "persona_id": persona_id,
            "body": body,
            "image_cid": image_cid,
            "media_cid": media_cid,
            "media_type": media_type,
            "subtitles_cid": subtitles_cid,
            "manifest_cid": manifest_cid,
            "ai_label": ai_label,
            "kind": "post",
            "source": source,
            "status": status,
            "visible_at": None if verdict.held else now,
            "idempotency_key": idempotency_key,
            "created_at": now,
        },
        ["persona_id", "idempotency_key"],
    )
    if new_id is not None and verdict.reason is not None:
        session.add(Hold(target="post", target_id=new_id, reason=verdict.reason[:200], created_at=now))
    session.commit()
    post = session.scalars(
        select(Post).where(Post.persona_id == persona_id, Post.idempotency_key == idempotency_key)
    ).one()
    return post, new_id is not None


def get(session: Session, post_id: int) -> Post | None:
    return session.get(Post, post_id)


def feed(session: Session, persona_id: int, before: int | None, limit: int) -> tuple[list[Post], int | None]:
    """Visible posts of a persona, newest first, `limit` of them below id `before`; and the next page's `before`."""
    q = select(Post).where(Post.persona_id == persona_id, Post.kind == "post", Post.status == VISIBLE)
    if before is not None:
        q = q.where(Post.id < before)
    rows = list(session.scalars(q.order_by(Post.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


def visible_by_ids(session: Session, ids: list[int]) -> dict[int, Post]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(ids), Post.status == VISIBLE))}
