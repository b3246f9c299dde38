"""The web app's POST /api/pin: what the web app itself pins, for a fan signed in with Ethereum.

The frontend pins two kinds of document: the persona spec a governance proposal names and
the brief of a content request. Both are small JSON, both are a signed-in fan's write. The
store's RPC API (add, pin, unpin, import) is the operator's, on loopback; this endpoint is the
public side, and takes only what those documents need:

* a signed-in session: the social service's `fame_session` cookie, checked with the social
  service's `GET /api/auth/me` (the proxy keeps that cookie for /social/, /live/ and this path
  only); without one, 401 "sign in with Ethereum first";
* a page of this origin, when a browser sends it (its Origin names this host), or no page;
* a JSON document (application/json, which must parse) or UTF-8 text (text/plain), at most
  FAME_IPFS_PIN_MAX_BYTES (1 MiB): 413 past it, read as it streams in, never gathered beyond it;
* at most FAME_IPFS_PINS_PER_MINUTE pins a minute per signed-in account: 429 + Retry-After.

It answers {"cid", "size", "name"}: the CIDv1 (raw leaves) of exactly the bytes sent, pinned
under the name given and the fan's address, so that the operator sees who pinned what. No
unpinning here: that is the operator's, on the RPC API with its token. Without a social
service to ask, 503 with what to do.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fame.ipfs.errors import IpfsError
from fame.ipfs.store import BlockStore
from social.ratelimit import RateLimiter

from .upstream import close_with_app, upstream_client

log = logging.getLogger(__name__)

PIN_PATH = "/api/pin"
SESSION_COOKIE = "fame_session"
#: Longest session token that is worth asking the social service about.
MAX_TOKEN = 200
MEDIA_TYPES = ("application/json", "text/plain")
SIGN_IN_FIRST = "sign in with Ethereum first: pinning takes a signed-in session"


class _Refused(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


def mount_pin(
    app: FastAPI,
    store: BlockStore,
    social_url: str | None,
    *,
    max_bytes: int,
    per_minute: int,
    timeout: float = 5.0,
) -> None:
    """Serve POST /api/pin on `app`, pinning into `store` for fans signed in with the social
    service at `social_url` (None: there is none, and the endpoint answers 503)."""
    base = social_url.rstrip("/") if social_url else None
    client = upstream_client(base, timeout) if base else None
    limiter = RateLimiter(per_minute)
    if client is not None:
        close_with_app(app, client)

    async def signed_in(request: Request) -> str:
        """The address of the request's session, or a refusal (401, 503)."""
        if client is None:
            raise _Refused(
                503,
                "this web app has no social service to sign fans in, so it pins nothing for them: start it "
                "(`fame social run`, or `make up`) and point `python -m stack.web --social-url` at it",
            )
        token = request.cookies.get(SESSION_COOKIE)
        if not token or len(token) > MAX_TOKEN:
            raise _Refused(401, SIGN_IN_FIRST)
        try:
            reply = await client.get("/api/auth/me", cookies={SESSION_COOKIE: token})
        except httpx.HTTPError as err:
            log.warning("pin: the social service at %s: %s", base, err)
            raise _Refused(
                503,
                f"the social service at {base} is not reachable ({type(err).__name__}), so no session can be "
                "checked: start it (`fame social run`, or `make up`) or point `python -m stack.web --social-url` "
                "at it",
                {"Retry-After": "5"},
            ) from None
        if reply.status_code != 200:
            raise _Refused(503, f"the social service answered HTTP {reply.status_code} to /api/auth/me; try again")
        try:
            address = reply.json().get("address")
        except (ValueError, AttributeError):
            raise _Refused(503, "the social service's /api/auth/me did not answer JSON") from None
        if not isinstance(address, str) or not address:
            raise _Refused(401, SIGN_IN_FIRST)
        return address

    def same_origin(request: Request) -> None:
        # The session cookie is SameSite=Lax: a page of another port of this host is the same
        # site, and a text/plain POST needs no preflight. A browser names its page: it must be ours.
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            raise _Refused(403, f"pinning is for this web app's own pages, not for {origin[:100]!r}")

    async def body_of(request: Request) -> tuple[bytes, str]:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in MEDIA_TYPES:
            raise _Refused(
                415, f"send a JSON document (application/json) or text (text/plain), not {media or 'nothing'!r}"
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _Refused(413, too_large(int(declared)))
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise _Refused(413, too_large(None))
        return bytes(body), media

    def too_large(size: int | None) -> str:
        what = f"{size} bytes" if size is not None else "more"
        return (
            f"a pinned document is at most {max_bytes} bytes (FAME_IPFS_PIN_MAX_BYTES), this one is {what}: "
            "put large media on IPFS through the operator's tools"
        )

    @app.post(
        PIN_PATH,
        tags=["ipfs"],
        summary="Pin a small JSON or text document (a persona spec, a content brief) for a signed-in fan",
        description="The body is the document's exact bytes (application/json or text/plain, at most "
        "FAME_IPFS_PIN_MAX_BYTES); the answer is its CIDv1, pinned. Needs the social service's session cookie "
        "(Sign-In with Ethereum); at most FAME_IPFS_PINS_PER_MINUTE pins a minute per account.",
        responses={
            200: {"content": {"application/json": {"example": {"cid": "bafkrei...", "size": 42, "name": "a.json"}}}},
            401: {"description": "Not signed in with Ethereum"},
            403: {"description": "A page of another origin"},
            413: {"description": "Larger than FAME_IPFS_PIN_MAX_BYTES"},
            415: {"description": "Neither JSON nor text"},
            422: {"description": "Not the JSON or UTF-8 text it says it is"},
            429: {"description": "More than FAME_IPFS_PINS_PER_MINUTE pins by this account in a minute"},
            503: {"description": "No social service to check the session with"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}, "text/plain": {"schema": {}}},
            }
        },
    )
    async def pin(
        request: Request,
        name: Annotated[
            str, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="A file name for the pin")
        ] = "document.json",
    ) -> JSONResponse:
        try:
            same_origin(request)
            address = await signed_in(request)
            wait = limiter.check(address.lower())
            if wait is not None:
                raise _Refused(
                    429, f"slow down: at most {per_minute} pins a minute per account", {"Retry-After": str(wait)}
                )
            body, media = await body_of(request)
            try:
                text = body.decode("utf-8")
                if media == "application/json":
                    json.loads(text)
            except ValueError as err:
                raise _Refused(422, f"the body is not the {media} it says it is: {err}"[:300]) from None
            cid = await run_in_threadpool(
                store.add, body, cid_version=1, raw_leaves=True, pin=True, name=f"{name} by {address}"
            )
        except _Refused as refused:
            return JSONResponse(
                {"detail": refused.detail},
                status_code=refused.status,
                headers={"Cache-Control": "no-store", **(refused.headers or {})},
            )
        except IpfsError as err:
            return JSONResponse({"detail": str(err)}, status_code=err.status, headers={"Cache-Control": "no-store"})
        log.info("pinned %s (%d bytes, %s) for %s", cid, len(body), name, address)
        return JSONResponse({"cid": str(cid), "size": len(body), "name": name}, headers={"Cache-Control": "no-store"})
