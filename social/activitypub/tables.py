"""The tables ActivityPub adds to the social service's (same metadata, same migrations chain:
`social/migrations/versions/*_activitypub_*.py` creates them). Times are unix seconds, as in
social.store.models. Deliveries use the service's own `deliveries` table."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from social.store.models import ACTOR, Base


class ActorKey(Base):
    """A persona's RSA key pair, made the first time its actor is asked for and kept."""

    __tablename__ = "ap_keys"

    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"), primary_key=True, autoincrement=False)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger)


class RemoteActor(Base):
    """A fediverse actor's key as its server published it (keyId -> owner, publicKeyPem) and
    where to deliver to it: the cache HTTP Signature checks read (refetched once when a
    signature fails with the cached key, since a server may have rotated it)."""

    __tablename__ = "ap_remote_actors"

    key_id: Mapped[str] = mapped_column(String(ACTOR), primary_key=True)
    actor: Mapped[str] = mapped_column(String(ACTOR), index=True)
    public_pem: Mapped[str] = mapped_column(Text)
    inbox: Mapped[str] = mapped_column(String(ACTOR))
    shared_inbox: Mapped[str | None] = mapped_column(String(ACTOR))
    fetched_at: Mapped[int] = mapped_column(BigInteger)


class Published(Base):
    """A post whose Create has been queued for the followers' inboxes (once per post)."""

    __tablename__ = "ap_published"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True, autoincrement=False)
    activity_id: Mapped[str] = mapped_column(String(ACTOR))
    recipients: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Received(Base):
    """An activity a fediverse server delivered and we acted on: what an `Undo` that names only
    the activity's id undoes (bovine and others send those), and why a re-delivery is a no-op."""

    __tablename__ = "ap_received"

    id: Mapped[str] = mapped_column(String(ACTOR), primary_key=True)
    actor: Mapped[str] = mapped_column(String(ACTOR))
    type: Mapped[str] = mapped_column(String(16))
    object: Mapped[str] = mapped_column(String(ACTOR))
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    received_at: Mapped[int] = mapped_column(BigInteger)
