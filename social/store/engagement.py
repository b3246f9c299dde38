"""Engagement totals as of a time, for the oracle, and daily counts for the web app's chart.

`totals(at)` depends only on rows whose times are at or before `at`, and those rows never
change afterwards: views are insert-only impressions; likes are the (fan, post) pairs whose
first like was at or before `at` (a like row keeps its first time through unlikes and likes
again); shares and follows are summed from the interaction log (+1 per share or follow, -1
per unfollow); a comment counts from the moment it became visible (`visible_at`); ratings are
final. So every oracle operator that asks this service for the same `at`, at any time after
it, gets the same numbers.

Why likes are "ever liked" and not the standing count a post shows: the oracle credits a
rise in a lifetime total and takes a fall as no gain, so a standing count that an unlike
lowers and a like raises again would credit every like/unlike cycle once more. Counted by
first like, churn adds nothing; an unlike lowers only what the post shows.

The top level counts every origin; `federated` is the part of it that fediverse accounts
did over ActivityPub (so what fans signed in with their wallets did here is the difference).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..terms import DAY_S, SENTIMENT_WINDOW_S
from .models import Comment, Impression, Like, Persona, Post, Rating, Reaction


@dataclass
class Counts:
    views: int = 0
    likes: int = 0
    shares: int = 0
    comments: int = 0
    follows: int = 0
    ratings: int = 0
    rating_mean_milli: int = 0
    sentiment_bps: int = 0
    # working sums, not part of the answer
    _rating_sum: int = field(default=0, repr=False)
    _sentiment_sum: int = field(default=0, repr=False)
    _sentiment_n: int = field(default=0, repr=False)

    def finish(self) -> dict[str, int]:
        if self.ratings:
            self.rating_mean_milli = _div_round(self._rating_sum * 1000, self.ratings)
        if self._sentiment_n:
            self.sentiment_bps = _div_round(self._sentiment_sum, self._sentiment_n)
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


def _div_round(num: int, den: int) -> int:
    """num / den rounded half away from zero, in integers (the same on every machine)."""
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


def totals(session: Session, at: int) -> dict[int, dict[str, object]]:
    """`{persona_id: {views, likes, ..., sentiment_bps, federated: {...}}}` as of `at`."""
    counts: dict[tuple[int, str], Counts] = defaultdict(Counts)
    persona_ids = list(session.scalars(select(Persona.id).order_by(Persona.id)))

    for pid, n in session.execute(
        select(Impression.persona_id, func.count()).where(Impression.created_at <= at).group_by(Impression.persona_id)
    ).tuples():
        counts[(pid, "local")].views = int(n)

    # Likes: each (fan, post) once, from its first like (see the module doc).
    for pid, origin, n in session.execute(
        select(Post.persona_id, Like.origin, func.count())
        .join(Post, Like.post_id == Post.id)
        .where(Like.created_at <= at)
        .group_by(Post.persona_id, Like.origin)
    ).tuples():
        counts[(pid, origin)].likes = int(n)

    # +1 per share or follow, -1 per unfollow: the standing count at `at`.
    sign = case((Reaction.kind.in_(("follow", "share")), 1), else_=-1)
    total_of = case((Reaction.kind == "share", "shares"), else_="follows")
    for pid, origin, kind, n in session.execute(
        select(Reaction.persona_id, Reaction.origin, total_of, func.sum(sign))
        .where(Reaction.kind.in_(("share", "follow", "unfollow")), Reaction.created_at <= at)
        .group_by(Reaction.persona_id, Reaction.origin, total_of)
    ).tuples():
        setattr(counts[(pid, origin)], str(kind), max(0, int(n or 0)))

    visible = (Comment.visible_at.is_not(None), Comment.visible_at <= at)
    for pid, origin, n in session.execute(
        select(Post.persona_id, Comment.origin, func.count())
        .join(Post, Comment.post_id == Post.id)
        .where(*visible)
        .group_by(Post.persona_id, Comment.origin)
    ).tuples():
        counts[(pid, origin)].comments = int(n)

    for pid, origin, total, n in session.execute(
        select(Post.persona_id, Comment.origin, func.sum(Comment.sentiment_bps), func.count())
        .join(Post, Comment.post_id == Post.id)
        .where(*visible, Comment.created_at > at - SENTIMENT_WINDOW_S)
        .group_by(Post.persona_id, Comment.origin)
    ).tuples():
        c = counts[(pid, origin)]
        c._sentiment_sum, c._sentiment_n = int(total or 0), int(n)

    for pid, total, n in session.execute(
        select(Rating.persona_id, func.sum(Rating.stars), func.count())
        .where(Rating.created_at <= at)
        .group_by(Rating.persona_id)
    ).tuples():
        c = counts[(pid, "local")]
        c.ratings, c._rating_sum = int(n), int(total or 0)

    out: dict[int, dict[str, object]] = {}
    for pid in persona_ids:
        local, federated = counts[(pid, "local")], counts[(pid, "federated")]
        out[pid] = {**_sum(local, federated).finish(), "federated": federated.finish()}
    return out


def _sum(a: Counts, b: Counts) -> Counts:
    return Counts(
        views=a.views + b.views,
        likes=a.likes + b.likes,
        shares=a.shares + b.shares,
        comments=a.comments + b.comments,
        follows=a.follows + b.follows,
        ratings=a.ratings + b.ratings,
        _rating_sum=a._rating_sum + b._rating_sum,
        _sentiment_sum=a._sentiment_sum + b._sentiment_sum,
        _sentiment_n=a._sentiment_n + b._sentiment_n,
    )


def history(session: Session, persona_id: int, days: int, now: int) -> list[dict[str, object]]:
    """New views, likes, shares, comments, follows and ratings per UTC day, the last `days` days, oldest first."""
    today = now // DAY_S
    first = today - days + 1
    since = first * DAY_S
    rows: dict[int, dict[str, int]] = {
        d: {"views": 0, "likes": 0, "shares": 0, "comments": 0, "follows": 0, "ratings": 0}
        for d in range(first, today + 1)
    }
    for day, n in session.execute(
        select(Impression.day, func.count())
        .where(Impression.persona_id == persona_id, Impression.day >= first)
        .group_by(Impression.day)
    ).tuples():
        if day in rows:
            rows[day]["views"] = int(n)
    named = {"like": "likes", "share": "shares", "comment": "comments", "follow": "follows", "rating": "ratings"}
    bucket = Reaction.created_at // DAY_S
    for day, kind, n in session.execute(
        select(bucket, Reaction.kind, func.count())
        .where(Reaction.persona_id == persona_id, Reaction.created_at >= since, Reaction.kind.in_(tuple(named)))
        .group_by(bucket, Reaction.kind)
    ).tuples():
        if int(day) in rows:
            rows[int(day)][named[str(kind)]] = int(n)
    return [
        {"day": datetime.fromtimestamp(d * DAY_S, UTC).date().isoformat(), "start": d * DAY_S, **counts}
        for d, counts in sorted(rows.items())
    ]
