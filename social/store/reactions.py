"""What fans (and, later, fediverse accounts) do: like, share, follow, rate, comment, view.

Each write is one transaction that changes the state row and appends to the interaction
log (`reactions`) only when the state really changed: the unique constraints and
conditional updates decide that, so a double click, a retried request or two concurrent
requests count once. Nothing here deletes a row.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fame.moderation import Verdict

from ..terms import HELD, RATING_EPOCH_S, VISIBLE, Origin, ReactionKind, day_of, rating_epoch
from .models import Comment, Follow, Hold, Impression, Like, Persona, Post, Rating, Reaction, Share
from .sql import insert_ignore, insert_ignore_many


class RatingConflict(Exception):
    """The fan rated this persona with other stars this epoch already; `str()` says when to rate again."""


def _log(
    session: Session,
    kind: ReactionKind,
    persona_id: int,
    actor: str,
    origin: Origin,
    now: int,
    post_id: int | None = None,
    value: int | None = None,
) -> None:
    session.add(
        Reaction(
            persona_id=persona_id, post_id=post_id, actor=actor, origin=origin, kind=kind, value=value, created_at=now
        )
    )


def like(session: Session, post: Post, actor: str, origin: Origin, now: int) -> bool:
    """Like `post`; False when `actor` likes it already."""
    values = {
        "post_id": post.id,
        "actor": actor,
        "origin": origin,
        "active": True,
        "created_at": now,
        "updated_at": now,
    }
    changed = insert_ignore(session, Like, values, ["post_id", "actor"]) is not None
    if not changed:
        changed = (
            session.execute(
                update(Like)
                .where(Like.post_id == post.id, Like.actor == actor, Like.active.is_(False))
                .values(active=True, updated_at=now)
                .returning(Like.id)
            ).first()
            is not None
        )
    if changed:
        _log(session, "like", post.persona_id, actor, origin, now, post.id)
    session.commit()
    return changed


def unlike(session: Session, post: Post, actor: str, origin: Origin, now: int) -> bool:
    """Take a like back; False when there was none."""
    changed = (
        session.execute(
            update(Like)
            .where(Like.post_id == post.id, Like.actor == actor, Like.active.is_(True))
            .values(active=False, updated_at=now)
            .returning(Like.id)
        ).first()
        is not None
    )
    if changed:
        _log(session, "unlike", post.persona_id, actor, origin, now, post.id)
    session.commit()
    return changed


def share(session: Session, post: Post, actor: str, origin: Origin, now: int) -> bool:
    """Share `post` (once per actor; a share cannot be taken back)."""
    values = {"post_id": post.id, "actor": actor, "origin": origin, "created_at": now}
    changed = insert_ignore(session, Share, values, ["post_id", "actor"]) is not None
    if changed:
        _log(session, "share", post.persona_id, actor, origin, now, post.id)
    session.commit()
    return changed


def follow(session: Session, persona: Persona, actor: str, origin: Origin, now: int, inbox: str | None = None) -> bool:
    values = {
        "persona_id": persona.id,
        "actor": actor,
        "origin": origin,
        "inbox": inbox,
        "active": True,
        "created_at": now,
        "updated_at": now,
    }
    changed = insert_ignore(session, Follow, values, ["persona_id", "actor"]) is not None
    if not changed:
        changed = (
            session.execute(
                update(Follow)
                .where(Follow.persona_id == persona.id, Follow.actor == actor, Follow.active.is_(False))
                .values(active=True, updated_at=now, inbox=inbox)
                .returning(Follow.id)
            ).first()
            is not None
        )
    if changed:
        _log(session, "follow", persona.id, actor, origin, now)
    session.commit()
    return changed


def unfollow(session: Session, persona: Persona, actor: str, origin: Origin, now: int) -> bool:
    changed = (
        session.execute(
            update(Follow)
            .where(Follow.persona_id == persona.id, Follow.actor == actor, Follow.active.is_(True))
            .values(active=False, updated_at=now)
            .returning(Follow.id)
        ).first()
        is not None
    )
    if changed:
        _log(session, "unfollow", persona.id, actor, origin, now)
    session.commit()
    return changed


def rate(session: Session, persona: Persona, fan: str, stars: int, now: int) -> tuple[Rating, bool]:
    """The fan's rating of this 7-day epoch: (the rating, whether this call made it).

    One rating per fan, persona and epoch: the same stars again is the same rating; other
    stars in the same epoch are a RatingConflict (ratings are final, so a total as of a past
    time never changes).
    """
    epoch = rating_epoch(now)
    values = {"persona_id": persona.id, "fan": fan, "epoch": epoch, "stars": stars, "created_at": now}
    new_id = insert_ignore(session, Rating, values, ["persona_id", "fan", "epoch"])
    if new_id is not None:
        _log(session, "rating", persona.id, fan, "local", now, value=stars)
    session.commit()
    row = session.scalars(
        select(Rating).where(Rating.persona_id == persona.id, Rating.fan == fan, Rating.epoch == epoch)
    ).one()
    if row.stars != stars:
        raise RatingConflict(
            f"you rated this persona {row.stars} stars this week already; "
            f"a new rating opens at {(epoch + 1) * RATING_EPOCH_S} (unix time)"
        )
    return row, new_id is not None


def comment(
    session: Session,
    post: Post,
    actor: str,
    origin: Origin,
    body: str,
    verdict: Verdict,
    now: int,
    ap_id: str | None = None,
) -> Comment:
    """Store a comment: visible at once, or held with a row in `holds` when moderation flagged it."""
    row = Comment(
        post_id=post.id,
        actor=actor,
        origin=origin,
        body=body,
        sentiment_bps=verdict.sentiment_bps,
        status=HELD if verdict.held else VISIBLE,
        visible_at=None if verdict.held else now,
        reply_state="pending",
        ap_id=ap_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if verdict.reason is not None:
        session.add(Hold(target="comment", target_id=row.id, reason=verdict.reason[:200], created_at=now))
    _log(session, "comment", post.persona_id, actor, origin, now, post.id, verdict.sentiment_bps)
    session.commit()
    return row


def record_views(session: Session, posts: list[Post], viewer: str, now: int) -> int:
    """Count one impression per post for `viewer` today (repeats the same day count once)."""
    day = day_of(now)
    # one row per post, deduplicated first: a statement may not insert the same key twice
    rows = [
        {"post_id": post.id, "persona_id": post.persona_id, "viewer": viewer, "day": day, "created_at": now}
        for post in {p.id: p for p in posts}.values()
    ]
    n = insert_ignore_many(session, Impression, rows, ["post_id", "viewer", "day"])
    session.commit()
    return n
