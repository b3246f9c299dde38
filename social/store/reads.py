"""Counts and flags the API shows next to posts and personas, a few grouped queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..terms import VISIBLE
from .models import Comment, Follow, Like, Post, Rating, Share


@dataclass(frozen=True)
class PostCounts:
    likes: int = 0
    shares: int = 0
    comments: int = 0


@dataclass(frozen=True)
class PersonaCounts:
    followers: int = 0
    posts: int = 0
    rating_sum: int = 0
    rating_count: int = 0

    @property
    def rating_mean(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


def post_counts(session: Session, post_ids: list[int]) -> dict[int, PostCounts]:
    if not post_ids:
        return {}
    likes = dict(
        session.execute(
            select(Like.post_id, func.count()).where(Like.post_id.in_(post_ids), Like.active).group_by(Like.post_id)
        )
        .tuples()
        .all()
    )
    shares = dict(
        session.execute(select(Share.post_id, func.count()).where(Share.post_id.in_(post_ids)).group_by(Share.post_id))
        .tuples()
        .all()
    )
    comments = dict(
        session.execute(
            select(Comment.post_id, func.count())
            .where(Comment.post_id.in_(post_ids), Comment.status == VISIBLE)
            .group_by(Comment.post_id)
        )
        .tuples()
        .all()
    )
    return {i: PostCounts(likes.get(i, 0), shares.get(i, 0), comments.get(i, 0)) for i in post_ids}


def liked_by(session: Session, post_ids: list[int], actor: str | None) -> set[int]:
    if actor is None or not post_ids:
        return set()
    q = select(Like.post_id).where(Like.post_id.in_(post_ids), Like.actor == actor, Like.active)
    return set(session.scalars(q))


def persona_counts(session: Session, persona_ids: list[int]) -> dict[int, PersonaCounts]:
    if not persona_ids:
        return {}
    followers = dict(
        session.execute(
            select(Follow.persona_id, func.count())
            .where(Follow.persona_id.in_(persona_ids), Follow.active)
            .group_by(Follow.persona_id)
        )
        .tuples()
        .all()
    )
    posts = dict(
        session.execute(
            select(Post.persona_id, func.count())
            .where(Post.persona_id.in_(persona_ids), Post.kind == "post", Post.status == VISIBLE)
            .group_by(Post.persona_id)
        )
        .tuples()
        .all()
    )
    ratings = {
        pid: (int(total), int(n))
        for pid, total, n in session.execute(
            select(Rating.persona_id, func.sum(Rating.stars), func.count())
            .where(Rating.persona_id.in_(persona_ids))
            .group_by(Rating.persona_id)
        )
        .tuples()
        .all()
    }
    return {i: PersonaCounts(followers.get(i, 0), posts.get(i, 0), *ratings.get(i, (0, 0))) for i in persona_ids}


def followed_by(session: Session, persona_ids: list[int], actor: str | None) -> set[int]:
    if actor is None or not persona_ids:
        return set()
    q = select(Follow.persona_id).where(Follow.persona_id.in_(persona_ids), Follow.actor == actor, Follow.active)
    return set(session.scalars(q))


def visible_comments(session: Session, post_id: int, limit: int) -> list[Comment]:
    q = select(Comment).where(Comment.post_id == post_id, Comment.status == VISIBLE).order_by(Comment.id).limit(limit)
    return list(session.scalars(q))
