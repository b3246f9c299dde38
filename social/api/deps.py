"""Dependency injection: what a route needs, provided per request.

`Db` is a session on the service's database (503 while it is not ready); `Fan` is the
signed-in fan (401 otherwise), `OptionalFan` the fan or None for public reads, `WritingFan`
a fan within the write limit (429 with Retry-After otherwise), `Operator` a caller with the
operator bearer token (the persona runtime and moderators).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..service import SocialService
from ..store import auth
from ..store.db import DatabaseUnavailable, begin_read

SESSION_COOKIE = "fame_session"
CLIENT_COOKIE = "fame_client"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by POST /api/auth/verify (Sign-In with Ethereum)."
)
operator_bearer = HTTPBearer(auto_error=False, description="FAME_SOCIAL_OPERATOR_TOKEN")


def get_service(request: Request) -> SocialService:
    service: SocialService = request.app.state.service
    return service


Service = Annotated[SocialService, Depends(get_service)]


def get_db(service: Service) -> Iterator[Session]:
    if not service.db.ready:
        why = service.db.last_error or "its migrations have not been applied yet"
        raise DatabaseUnavailable(f"the database is not ready ({why})")
    with service.db.sessions() as session:
        yield session


Db = Annotated[Session, Depends(get_db)]


def _fan_of(db: Session, service: SocialService, token: str | None) -> str | None:
    if not token or len(token) > 200:
        return None
    begin_read(db)
    return auth.session_address(db, token, service.now())


def optional_fan(request: Request, db: Db, service: Service) -> str | None:
    """The signed-in fan, if any (public reads: the session is optional, so not a declared security scheme)."""
    return _fan_of(db, service, request.cookies.get(SESSION_COOKIE))


OptionalFan = Annotated[str | None, Depends(optional_fan)]


def current_fan(db: Db, service: Service, token: Annotated[str | None, Security(session_cookie)] = None) -> str:
    fan = _fan_of(db, service, token)
    if fan is None:
        raise HTTPException(
            401, "sign in first: POST /api/auth/nonce, sign the ERC-4361 message, POST /api/auth/verify"
        )
    return fan


Fan = Annotated[str, Depends(current_fan)]


def writing_fan(fan: Fan, service: Service) -> str:
    wait = service.limiter.check(fan)
    if wait is not None:
        raise HTTPException(
            429,
            f"more than {service.cfg.writes_per_minute} writes in a minute: try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return fan


WritingFan = Annotated[str, Depends(writing_fan)]


def operator(
    service: Service, creds: Annotated[HTTPAuthorizationCredentials | None, Security(operator_bearer)] = None
) -> None:
    expected = service.cfg.operator_token.get_secret_value().encode()
    given = (creds.credentials if creds is not None else "").encode()
    if not creds or not secrets.compare_digest(given, expected):
        raise HTTPException(
            401,
            "operator endpoint: send Authorization: Bearer <FAME_SOCIAL_OPERATOR_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )


Operator = Depends(operator)


def viewer_of(request: Request, fan: str | None) -> str | None:
    """Who a read counts as a view for: the fan, or the anonymous client id the service gave the browser."""
    if fan is not None:
        return fan
    client = request.cookies.get(CLIENT_COOKIE)
    return f"anon:{client}" if client and _CLIENT_ID.match(client) else None
