"""The persona runtime's reply queue: visible comments waiting for the persona's answer.

A claim leases comments for `lease_s` seconds with a conditional UPDATE, so two runtimes
claiming at once never get the same comment, and a runtime that dies returns
its comments to the queue when the lease runs out. A comment is answered (or skipped) once:
the state moves from pending/claimed to answered/skipped in one conditional UPDATE too.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from fame.moderation import Verdict

from ..terms import HELD, VISIBLE
from .models import Comment, Hold, Post


class ReplyConflict(Exception):
    """The comment cannot be answered (answered or skipped already, or not visible); `str()` says which."""


def _claimable(now: int) -> ColumnElement[bool]:
    return and_(
        Comment.status == VISIBLE,
        or_(
            Comment.reply_state == "pending",
            and_(Comment.reply_state == "claimed", Comment.claimed_until <= now),
        ),
    )


def claim(session: Session, limit: int, lease_s: int, now: int) -> list[tuple[Comment, Post]]:
    """Lease up to `limit` comments, oldest first, with the post each is on.

    PostgreSQL: the candidates are locked with SKIP LOCKED, so concurrent claimers take
    different comments instead of waiting on each other. SQLite: the write transaction holds
    the database, so claims run one after another. Either way the UPDATE re-checks that each
    comment is still claimable, so none is leased twice.
    """
    candidates = (
        select(Comment.id).where(_claimable(now)).order_by(Comment.id).limit(limit).with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(candidates))
    won: list[int] = []
    if ids:
        won = list(
            session.scalars(
                update(Comment)
                .where(Comment.id.in_(ids), _claimable(now))
                .values(reply_state="claimed", claimed_until=now + lease_s)
                .returning(Comment.id)
            )
        )
    session.commit()
    if not won:
        return []
    rows = session.execute(
        select(Comment, Post).join(Post, Comment.post_id == Post.id).where(Comment.id.in_(won)).order_by(Comment.id)
    ).tuples()
    return [(c, p) for c, p in rows]


def _close(session: Session, comment: Comment, state: str, now: int) -> None:
    if comment.status != VISIBLE:
        raise ReplyConflict(f"comment {comment.id} is {comment.status}, not visible: it cannot be answered")
    done = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.reply_state.in_(("pending", "claimed")))
        .values(reply_state=state, claimed_until=None)
        .returning(Comment.id)
    ).first()
    if done is None:
        session.rollback()
        session.refresh(comment)
        by = f" by post {comment.reply_post_id}" if comment.reply_post_id is not None else ""
        raise ReplyConflict(f"comment {comment.id} is {comment.reply_state} already{by}")


def answer(
    session: Session, comment: Comment, body: str, manifest_cid: str | None, ai_label: str, verdict: Verdict, now: int
) -> Post:
    """The persona's one reply to `comment` (ReplyConflict for a second one)."""
    _close(session, comment, "answered", now)
    on = session.get(Post, comment.post_id)
    assert on is not None  # a comment's post is never deleted
    reply = Post(
        persona_id=on.persona_id,
        body=body,
        image_cid=None,
        manifest_cid=manifest_cid,
        ai_label=ai_label,
        kind="reply",
        in_reply_to=comment.id,
        source="runtime",
        status=HELD if verdict.held else VISIBLE,
        visible_at=None if verdict.held else now,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    session.execute(update(Comment).where(Comment.id == comment.id).values(reply_post_id=reply.id))
    if verdict.reason is not None:
        session.add(Hold(target="post", target_id=reply.id, reason=verdict.reason[:200], created_at=now))
    session.commit()
    session.refresh(comment)
    return reply


def skip(session: Session, comment: Comment, now: int) -> None:
    """The persona will not answer `comment` (the runtime's reason is its own log's business)."""
    _close(session, comment, "skipped", now)
    session.commit()
