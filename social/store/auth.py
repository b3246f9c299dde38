"""Sign-in state: the nonces this service issued and the fans' sessions.

A nonce is consumed by one conditional UPDATE (unused and unexpired, then used), so a
replayed sign-in message loses the race even when both arrive at once. A session row is
keyed by the sha256 of the cookie token; the token itself is only ever in the fan's browser.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import Enum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from .models import Nonce, Session


class NonceState(Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def issue_nonce(db: DbSession, nonce: str, now: int, ttl_s: int) -> Nonce:
    row = Nonce(nonce=nonce, issued_at=now, expires_at=now + ttl_s)
    db.add(row)
    db.commit()
    return row


def consume_nonce(db: DbSession, nonce: str, now: int) -> NonceState:
    """Mark `nonce` used if this service issued it and it is unused and unexpired (one winner only)."""
    won = db.execute(
        update(Nonce)
        .where(Nonce.nonce == nonce, Nonce.used_at.is_(None), Nonce.expires_at > now)
        .values(used_at=now)
        .returning(Nonce.nonce)
    ).first()
    if won is not None:
        db.commit()
        return NonceState.OK
    row = db.get(Nonce, nonce)
    db.rollback()
    if row is None:
        return NonceState.UNKNOWN
    return NonceState.USED if row.used_at is not None else NonceState.EXPIRED


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: DbSession, address: str, now: int, ttl_s: int) -> tuple[str, Session]:
    """A new session for `address`: (the cookie token, the stored row)."""
    token = secrets.token_urlsafe(32)
    row = Session(id=token_hash(token), address=address, created_at=now, expires_at=now + ttl_s)
    db.add(row)
    db.commit()
    return token, row


def session_address(db: DbSession, token: str, now: int) -> str | None:
    """The address signed in with `token`, or None (unknown or expired)."""
    return db.scalar(select(Session.address).where(Session.id == token_hash(token), Session.expires_at > now))


def close_session(db: DbSession, token: str) -> None:
    db.execute(delete(Session).where(Session.id == token_hash(token)))
    db.commit()


def purge_expired(db: DbSession, now: int) -> int:
    """Delete expired sessions and long-expired nonces (a used nonce is kept until it expires)."""
    n = db.execute(delete(Session).where(Session.expires_at <= now)).rowcount  # type: ignore[attr-defined]
    n += db.execute(delete(Nonce).where(Nonce.expires_at <= now)).rowcount  # type: ignore[attr-defined]
    db.commit()
    return int(n)
