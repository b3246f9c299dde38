"""The web app: frontend (static files), IPFS gateway (read only), DID resolver, event index,
the fans' pin endpoint (POST /api/pin) and proxies to the social service (/social/...) and the
live server (/live/...) on one loopback origin. Same origin matters: a fan's Sign-In with
Ethereum names this origin as its domain, so the social service's session cookie is this
origin's too (kept for /social/, /live/ and /api/pin: the live server's rooms and the pins of
persona specs and content briefs take the same session).

The embedded store's RPC API (add, pin, unpin, import: the operator's) is not on this origin: it
is a second listener of the same process (`serve`), on loopback by default."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as FastApiPath
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.staticfiles import StaticFiles

from fame.config import PROJECT_ROOT, settings, social_settings
from fame.errors import FameError
from fame.ipfs.gateway import create_app as create_gateway_app
from fame.ipfs.gateway import create_rpc_app, run_servers

from .diversity import DiversityPreview
from .indexer import EventIndex, Follower
from .live_proxy import LIVE_PREFIX, default_live_url, mount_live_proxy
from .pin import PIN_PATH, mount_pin
from .upstream import close_with_app, upstream_client

FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"
SOCIAL_PREFIX = "/social"
#: The social service's sign-in cookie: the live server and the pin endpoint take the same
#: session, so the browser keeps it for /live/ and /api/pin too (and for no other path of this origin).
SESSION_COOKIE = "fame_session"
# The event index stores ids as SQLite integers: a larger one names nothing and is refused (422).
MAX_ID = 2**63 - 1
# The OpenAPI example of a persona spec: the one the docs ship.
EXAMPLE_SPEC = PROJECT_ROOT / "docs" / "examples" / "persona-nova.json"
SpecBody = Annotated[dict[str, Any], Body(examples=[json.loads(EXAMPLE_SPEC.read_text())])]

log = logging.getLogger(__name__)

# Connection-scoped headers (RFC 9110 7.6.1) stay on their own hop; Host and the lengths are the
# proxy's to set for the hop it makes.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
_COOKIE_DOMAIN = re.compile(r";\s*domain=[^;]*", re.IGNORECASE)
_COOKIE_PATH = re.compile(r"(;\s*path=)([^;]*)", re.IGNORECASE)


def default_social_url() -> str:
    """Where the social service listens by default: http://FAME_HOST:FAME_SOCIAL_PORT."""
    return f"http://{settings().host}:{social_settings().port}"


def create_app(
    store,
    *,
    rpc_url: str,
    public_url: str,
    index_path: Path,
    dist: Path = FRONTEND_DIST,
    follow: bool = True,
    social_url: str | None = None,
    live_url: str | None = None,
    pin_max_bytes: int | None = None,
    pins_per_minute: int | None = None,
) -> FastAPI:
    """The public web app over `store`. `pin_max_bytes`, `pins_per_minute`: POST /api/pin's
    limits (default: FAME_IPFS_PIN_MAX_BYTES, FAME_IPFS_PINS_PER_MINUTE)."""
    from fame.did.resolver import LiveResolver

    # The (read-only) gateway app, with did:fame resolution (/1.0/identifiers/{did}) on the same chain.
    app = create_gateway_app(store, did_resolver=LiveResolver(rpc_url, gateway_url=public_url))
    index = EventIndex(index_path)
    follower = Follower(index, rpc_url)
    app.state.index, app.state.follower = index, follower
    if follow:
        follower.start()

    @app.get("/config.json", tags=["frontend"], summary="Where the frontend finds the chain")
    def frontend_config() -> JSONResponse:
        return JSONResponse(
            {
                "rpcUrl": rpc_url,
                "gatewayUrl": public_url,
                "indexUrl": public_url + "/api/index",
                # A path, not a URL: the browser resolves it against the page, so the social
                # service is same-origin under whichever host name the fan opened the app.
                "socialUrl": SOCIAL_PREFIX,
                "liveUrl": LIVE_PREFIX,
            },
            headers={"Cache-Control": "no-store"},
        )

    verified: dict[tuple[str, str], dict[str, Any]] = {}  # a CID's bytes never change: its report neither

    @app.get(
        "/api/credentials/{cid}",
        tags=["credentials"],
        summary="Check a published file's content credentials",
        description="C2PA signature and certificate chain, AI disclosure, the worker, the anchor (the file's bytes "
        "against the CID asked for, which is what a fulfilment posts on chain) and the invisible watermark. "
        "`worker`: the address that fulfilled the request on chain (its key must vouch for the signing root).",
        responses={404: {"description": "No such content on this gateway, or not a CID"}},
    )
    def credentials(cid: str, worker: str | None = Query(default=None, pattern="^0x[0-9a-fA-F]{40}$")) -> JSONResponse:
        from ai_worker.credentials.verify import verify
        from fame.ipfs import EmbeddedBackend

        key = (cid, (worker or "").lower())
        if key not in verified:
            try:
                data = EmbeddedBackend(store).read(cid)
            except Exception as err:  # noqa: BLE001 - a malformed or unknown CID both mean: nothing to check
                return JSONResponse({"detail": f"no content {cid} on this gateway ({err})"}, status_code=404)
            report = verify(data, cid, None, expected_worker=worker)
            if len(verified) > 512:
                verified.clear()
            verified[key] = report.to_json()
        return JSONResponse(verified[key])

    diversity = DiversityPreview(store, rpc_url)

    @app.post(
        "/api/audit/spread-shift",
        tags=["audit"],
        summary="How a proposed persona shifts the diversity spread of the approved ones",
        description="Send the persona spec about to be proposed (the persona spec schema). The answer: its portrait "
        "as the avatar rig draws it, the bucket it lands in per audit axis (Monk skin tone group, gender "
        "presentation, apparent age) with that bucket's share before and after, whether the set gets more or less "
        "balanced, and the imbalance flags before and after.",
        responses={422: {"description": "the spec does not follow the schema"}, 503: {"description": "no chain"}},
    )
    def spread_shift(spec: SpecBody) -> JSONResponse:
        from fame.persona_spec import problems

        found = problems(spec)
        if found:
            return JSONResponse({"detail": "the persona spec does not follow the schema", "problems": found}, 422)
        try:
            return JSONResponse(diversity.shift(spec))
        except FameError as err:
            return JSONResponse({"detail": str(err)}, status_code=503)

    @app.get("/api/index/status", tags=["index"])
    def index_status() -> dict[str, Any]:
        return index.status()

    @app.get("/api/index/events", tags=["index"], summary="Indexed events, newest first")
    def index_events(
        contract: str | None = None,
        event: str | None = None,
        persona_id: int | None = Query(default=None, ge=1, le=MAX_ID),
        proposal_id: str | None = Query(default=None, pattern="^[0-9]{1,78}$"),
        account: str | None = None,
        limit: int = Query(default=100, ge=1, le=1000),
        order: str = Query(default="desc", pattern="^(asc|desc)$"),
    ) -> JSONResponse:
        rows = index.query(
            contract=contract,
            event=event,
            persona_id=persona_id,
            proposal_id=proposal_id,
            account=account,
            limit=limit,
            order=order,
        )
        return JSONResponse({**index.status(), "events": rows}, headers={"Cache-Control": "no-store"})

    @app.get("/api/index/holders/{persona_id}", tags=["index"], summary="A persona's share holders")
    def index_holders(
        persona_id: Annotated[int, FastApiPath(ge=1, le=MAX_ID)], limit: int = Query(default=50, ge=1, le=500)
    ) -> JSONResponse:
        return JSONResponse(
            {**index.status(), "holders": index.holders(persona_id, limit)}, headers={"Cache-Control": "no-store"}
        )

    social = social_url or default_social_url()
    mount_social_proxy(app, social)
    mount_live_proxy(app, live_url or default_live_url())
    mount_pin(
        app,
        store,
        social,
        max_bytes=pin_max_bytes or settings().ipfs_pin_max_bytes,
        per_minute=pins_per_minute or settings().ipfs_pins_per_minute,
    )

    @app.get("/", include_in_schema=False)
    def index_html():
        page = dist / "index.html"
        if not page.is_file():
            return JSONResponse(
                {"detail": "the frontend is not built: run `make up` (or `npm --prefix frontend run build`)"},
                status_code=503,
            )
        return FileResponse(page, headers={"Cache-Control": "no-cache"})

    app.mount("/", FrontendFiles(directory=dist, check_dir=False), name="frontend")
    return app


class FrontendFiles(StaticFiles):
    """The built frontend. Before it is built (the folder is missing), a path no route takes
    is a 404 (a method other than GET/HEAD a 405), not the 500 of a missing folder; once it is
    built, its files are served without a restart."""

    async def check_config(self) -> None:
        if self.directory is not None and not Path(self.directory).is_dir():
            return
        await super().check_config()


def mount_social_proxy(app: FastAPI, upstream: str, *, timeout: float = 60.0) -> None:
    """Forward /social/{path} to the social service at `upstream`, streaming both ways: method,
    query, body, cookies and every Set-Cookie pass through (a cookie's Domain dropped and its Path
    put under /social, so the browser keeps it for this origin), with X-Forwarded-Host/-Proto/-For
    telling the service the origin the fan sees. The service down: 502 with what to do."""
    base = upstream.rstrip("/")
    client = upstream_client(base, timeout)
    app.state.social_url = base
    close_with_app(app, client)

    @app.api_route(
        SOCIAL_PREFIX + "/{path:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        tags=["social"],
        summary="The social service (feeds, sign-in, reactions), proxied onto this origin",
        response_class=Response,
    )
    async def social_proxy(request: Request, path: str) -> Response:
        # The raw path keeps the client's percent-encoding; the decoded `path` only routes.
        raw: str = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        return await forward(request, raw[len(SOCIAL_PREFIX) :] or "/")

    @app.get(
        "/.well-known/webfinger",
        tags=["social"],
        summary="WebFinger for the personas' fediverse accounts (acct:<handle>@<this host>), answered by the "
        "social service: remote servers look it up at the host's root",
        response_class=Response,
    )
    async def webfinger(request: Request) -> Response:
        return await forward(request, "/.well-known/webfinger")

    async def forward(request: Request, target: str) -> Response:
        if request.url.query:
            target += "?" + request.url.query
        headers = [(k, v) for k, v in request.headers.items() if k not in _HOP_BY_HOP and k != "host"]
        host = request.headers.get("host", "")
        client_ip = request.client.host if request.client else ""
        previous = request.headers.get("x-forwarded-for")
        headers = [(k, v) for k, v in headers if not k.startswith("x-forwarded-")]
        headers += [
            ("x-forwarded-host", host),
            ("x-forwarded-proto", request.url.scheme),
            ("x-forwarded-prefix", SOCIAL_PREFIX),
            ("x-forwarded-for", f"{previous}, {client_ip}" if previous else client_ip),
        ]
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        outgoing = client.build_request(
            request.method, target, headers=headers, content=_body(request) if has_body else None
        )
        try:
            answer = await client.send(outgoing, stream=True)
        except httpx.TimeoutException:
            return _social_unavailable(504, f"the social service at {base} did not answer in time; try again")
        except httpx.TransportError as err:
            log.warning("social proxy: %s %s: %s", request.method, target, err)
            return _social_unavailable(
                502,
                f"the social service at {base} is not reachable ({type(err).__name__}): start it "
                "(`fame social run`, or `make up`) or point `python -m stack.web --social-url` at it",
            )
        response = StreamingResponse(
            answer.aiter_raw(), status_code=answer.status_code, background=BackgroundTask(answer.aclose)
        )
        response.raw_headers = [
            (k.encode("latin-1"), out.encode("latin-1"))
            for k, v in answer.headers.multi_items()
            if k.lower() not in _HOP_BY_HOP
            for out in _rewritten(k, v, base)
        ]
        return response


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _rewritten(name: str, value: str, upstream: str) -> list[str]:
    """The header's value(s) as the browser must see them: the session cookie three times, for the
    social service's paths, the live server's and the pin endpoint's."""
    out = _rewrite(name, value, upstream)
    if name.lower() == "set-cookie" and value.split("=", 1)[0].strip() == SESSION_COOKIE:
        return [out, _with_path(out, LIVE_PREFIX + "/"), _with_path(out, PIN_PATH)]
    return [out]


def _with_path(cookie: str, path: str) -> str:
    return (
        _COOKIE_PATH.sub(lambda m: m.group(1) + path, cookie)
        if _COOKIE_PATH.search(cookie)
        else f"{cookie}; Path={path}"
    )


def _rewrite(name: str, value: str, upstream: str) -> str:
    """A response header as the browser must see it from this origin."""
    name = name.lower()
    if name == "set-cookie":
        value = _COOKIE_DOMAIN.sub("", value)
        return _COOKIE_PATH.sub(lambda m: m.group(1) + _under_prefix(m.group(2).strip()), value)
    if name in ("location", "content-location"):
        if value.startswith(upstream + "/") or value == upstream:
            value = value[len(upstream) :] or "/"
        if value.startswith("/") and not value.startswith("//"):
            return _under_prefix(value)
    return value


def _under_prefix(path: str) -> str:
    if path == SOCIAL_PREFIX or path.startswith(SOCIAL_PREFIX + "/"):
        return path
    return SOCIAL_PREFIX + (path if path.startswith("/") else "/" + path)


def _social_unavailable(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers={"Cache-Control": "no-store"})


def serve(
    host: str,
    port: int,
    rpc_url: str,
    dist: str | Path | None = None,
    social_url: str | None = None,
    live_url: str | None = None,
    rpc_host: str | None = None,
    rpc_port: int | None = None,
) -> None:
    """The web app on host:port and, in the same process (the embedded store's one writer), its
    store's RPC API on rpc_host:rpc_port (default: FAME_IPFS_RPC_HOST, FAME_IPFS_RPC_PORT)."""
    from fame.ipfs.backends import open_store
    from fame.ipfs.gateway import check_rpc_exposure
    from fame.ipfs.settings import ipfs_settings, secret

    s = ipfs_settings()
    rpc_host = rpc_host or s.ipfs_rpc_host
    rpc_port = rpc_port or s.ipfs_rpc_port
    token = secret(s.ipfs_api_token)
    check_rpc_exposure(rpc_host, token)
    store = open_store(s)
    app = create_app(
        store,
        rpc_url=rpc_url,
        public_url=f"http://{host}:{port}",
        index_path=settings().state_dir / f"index-{port}.sqlite",
        dist=Path(dist) if dist else FRONTEND_DIST,
        social_url=social_url,
        live_url=live_url,
    )
    rpc = create_rpc_app(store, max_upload_bytes=s.ipfs_max_upload_bytes or None, api_token=token)
    run_servers([(app, host, port), (rpc, rpc_host, rpc_port)], log_level="warning")
