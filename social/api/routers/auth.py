"""Sign-In with Ethereum: a nonce, the signed message, a session cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, Response

from ...signin import Expected, SignInRejected, check_message, new_nonce
from ...store import auth
from ..deps import SESSION_COOKIE, Db, OptionalFan, Service
from ..schemas import Me, NonceOut, VerifyIn
from .common import errors

router = APIRouter(prefix="/api/auth", tags=["sign-in"])

_REPLAY = {
    auth.NonceState.UNKNOWN: "unknown nonce: this service did not issue it (ask POST /api/auth/nonce for one)",
    auth.NonceState.USED: "the nonce was used already: a sign-in message works once (replayed message)",
    auth.NonceState.EXPIRED: "the nonce has expired: ask POST /api/auth/nonce for a new one",
}


@router.post("/nonce", response_model=NonceOut)
def issue_nonce(db: Db, service: Service) -> NonceOut:
    """A fresh single-use nonce for the ERC-4361 message; it expires after FAME_SOCIAL_NONCE_TTL_S."""
    now = service.begin(db)
    row = auth.issue_nonce(db, new_nonce(), now, service.cfg.nonce_ttl_s)
    return NonceOut(nonce=row.nonce, expires_at=row.expires_at)


@router.post("/verify", response_model=Me, responses=errors(401))
def verify(body: VerifyIn, response: Response, db: Db, service: Service) -> Me:
    """Check the signed message (domain, URI, chain, times, signature, nonce) and open a session.

    The session cookie is HttpOnly and SameSite=Lax (Secure when the service's origin is https).
    """
    expected = Expected(origin=service.cfg.origin, chain_id=service.chain_id, now=service.clock())
    try:
        signed = check_message(body.message, body.signature, expected)
    except SignInRejected as why:
        raise HTTPException(401, str(why)) from None
    now = service.begin(db)
    state = auth.consume_nonce(db, signed.nonce, now)
    if state is not auth.NonceState.OK:
        raise HTTPException(401, _REPLAY[state])
    ttl = service.cfg.session_ttl_s
    if signed.expires_at is not None:
        ttl = max(1, min(ttl, int(signed.expires_at) - now))
    token, _ = auth.open_session(db, signed.address, now, ttl)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        secure=urlsplit(service.cfg.origin).scheme == "https",
        path="/",
    )
    return Me(address=signed.address)


@router.post("/logout", response_model=Me)
def logout(request: Request, response: Response, db: Db) -> Me:
    """End the session (the cookie is cleared; the stored session is deleted)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.close_session(db, token)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return Me(address=None)


@router.get("/me", response_model=Me)
def me(fan: OptionalFan) -> Me:
    """Who the session cookie signs in, or null."""
    return Me(address=fan)
