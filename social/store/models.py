"""The social service's tables as SQLAlchemy 2 ORM models (the migrations in
social/migrations/ create exactly these; tests/social checks that they agree).

Every time is unix seconds (an integer), so SQLite and PostgreSQL compare and sum them alike
and the engagement totals "as of t" are plain integer comparisons. Rows are never deleted
where counting depends on them: an unlike or unfollow flips `active` and adds a row to
`reactions`, a rejected comment keeps its row with status `rejected`. Uniqueness
constraints, not application checks, are what make a repeated like, view, rating or
runtime post count once, on both databases and under concurrent requests.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Names for every constraint and index, so that migrations can refer to them on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit key that is still SQLite's rowid (only INTEGER PRIMARY KEY autoincrements there).
Id = BigInteger().with_variant(Integer(), "sqlite")

ADDRESS = 42  # 0x + 40 hex digits
ACTOR = 512  # a checksummed address or an ActivityPub actor URI
CID = 100
MEDIA_TYPE = 32  # room for a longer MIME type than today's video/mp4 and audio/mp4 without a migration


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Persona(Base):
    """A persona as the PersonaRegistry has it (or as an operator added it without a chain)."""

    __tablename__ = "personas"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    spec_cid: Mapped[str] = mapped_column(String(CID), default="")
    share_token: Mapped[str | None] = mapped_column(String(ADDRESS))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(8), default="chain")  # chain | operator
    post_interval_s: Mapped[int] = mapped_column(Integer)
    emotion: Mapped[str | None] = mapped_column(String(16))
    emotion_updated_at: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)
    synced_at: Mapped[int | None] = mapped_column(BigInteger)


class Nonce(Base):
    """A SIWE nonce this service issued; `used_at` is set once, by the sign-in that consumes it."""

    __tablename__ = "nonces"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    issued_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    used_at: Mapped[int | None] = mapped_column(BigInteger)


class Session(Base):
    """A fan's session. `id` is the sha256 of the cookie's token: a copy of this table signs nobody in."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(ADDRESS), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class Post(Base):
    """A persona's post or its reply to a comment. `(persona_id, idempotency_key)` makes a
    retried runtime post the same post."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("persona_id", "idempotency_key"),
        Index("ix_posts_feed", "persona_id", "kind", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    body: Mapped[str] = mapped_column(Text)
    image_cid: Mapped[str | None] = mapped_column(String(CID))  # a video post's poster
    media_cid: Mapped[str | None] = mapped_column(String(CID))  # its audio or video file
    media_type: Mapped[str | None] = mapped_column(String(MEDIA_TYPE))  # social.terms.MEDIA_TYPES
    subtitles_cid: Mapped[str | None] = mapped_column(String(CID))  # WebVTT for the media file
    manifest_cid: Mapped[str | None] = mapped_column(String(CID))
    ai_label: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # post | reply
    # The comment this reply answers (no foreign key: comments refer to posts, not the other way round).
    in_reply_to: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(8))  # runtime | content
    status: Mapped[str] = mapped_column(String(10))
    visible_at: Mapped[int | None] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[int] = mapped_column(BigInteger)
    ap_id: Mapped[str | None] = mapped_column(String(ACTOR), unique=True)


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("persona_id", "actor"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    actor: Mapped[str] = mapped_column(String(ACTOR))
    origin: Mapped[str] = mapped_column(String(10))
    inbox: Mapped[str | None] = mapped_column(String(ACTOR))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class Like(Base):
    __tablename__ = "likes"
    __table_args__ = (UniqueConstraint("post_id", "actor"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    actor: Mapped[str] = mapped_column(String(ACTOR))
    origin: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class Share(Base):
    __tablename__ = "shares"
    __table_args__ = (UniqueConstraint("post_id", "actor"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    actor: Mapped[str] = mapped_column(String(ACTOR))
    origin: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[int] = mapped_column(BigInteger)


class Comment(Base):
    """A fan's (or a fediverse account's) comment on a post, and where the persona's reply to it stands."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("origin", "ap_id"),
        Index("ix_comments_post", "post_id", "status", "id"),
        Index("ix_comments_reply", "reply_state", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    actor: Mapped[str] = mapped_column(String(ACTOR))
    origin: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    sentiment_bps: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    # When it became visible (at once, or when a moderator showed it): what "visible as of t" reads.
    visible_at: Mapped[int | None] = mapped_column(BigInteger)
    reply_state: Mapped[str] = mapped_column(String(10))
    claimed_until: Mapped[int | None] = mapped_column(BigInteger)
    reply_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    ap_id: Mapped[str | None] = mapped_column(String(ACTOR))
    created_at: Mapped[int] = mapped_column(BigInteger)


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("persona_id", "fan", "epoch"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    fan: Mapped[str] = mapped_column(String(ADDRESS))
    epoch: Mapped[int] = mapped_column(Integer)
    stars: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Impression(Base):
    """One viewer saw one post on one UTC day (the unique key is the deduplication)."""

    __tablename__ = "impressions"
    __table_args__ = (
        UniqueConstraint("post_id", "viewer", "day"),
        Index("ix_impressions_persona", "persona_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    viewer: Mapped[str] = mapped_column(String(80))
    day: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Hold(Base):
    """A moderation hold on a comment or post; the decision is recorded, the row is kept."""

    __tablename__ = "holds"
    __table_args__ = (UniqueConstraint("target", "target_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(8))  # comment | post
    target_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)
    decided_at: Mapped[int | None] = mapped_column(BigInteger, index=True)
    decision: Mapped[str | None] = mapped_column(String(8))  # show | reject


class Reaction(Base):
    """The interaction log, in order: what the persona runtime learns from
    (`GET /api/runtime/reactions?since=`) and what like and follow totals as of a time are summed from."""

    __tablename__ = "reactions"
    __table_args__ = (Index("ix_reactions_persona", "persona_id", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    actor: Mapped[str] = mapped_column(String(ACTOR))
    origin: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int | None] = mapped_column(Integer)  # stars of a rating, sentiment_bps of a comment
    created_at: Mapped[int] = mapped_column(BigInteger)


class Delivery(Base):
    """An ActivityPub activity to deliver to one inbox (retried with back-off)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("activity_id", "inbox"),
        Index("ix_deliveries_due", "state", "next_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(String(ACTOR))
    inbox: Mapped[str] = mapped_column(String(ACTOR))
    payload: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10))  # pending | delivered | failed
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[int] = mapped_column(BigInteger)
