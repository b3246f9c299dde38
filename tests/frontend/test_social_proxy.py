"""The web app's /social/ proxy: the browser talks to one origin, the social service sits behind
it. Both ends are real HTTP servers on free ports (uvicorn): a small stand-in for the social
service that echoes what reached it and sets cookies as the real one does, and the web app
(stack.web.app.create_app) in front of it. What passes through: method, path, query, body,
cookies both ways (Set-Cookie kept for this origin), status codes and Retry-After, streamed
bodies; X-Forwarded-Host/Proto name the origin the fan sees; 502 with a clear message when
the service is down."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from fame.procs import free_port, wait_until

HOST = "127.0.0.1"


def social_stand_in() -> FastAPI:
    app = FastAPI()

    @app.api_route("/api/echo/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def echo(request: Request, rest: str) -> dict[str, object]:
        body = await request.body()
        return {
            "method": request.method,
            "raw_path": request.scope["raw_path"].decode(),
            "query": request.url.query,
            "body": body.decode(),
            "cookies": dict(request.cookies),
            "headers": {k: v for k, v in request.headers.items() if k.startswith("x-") or k == "content-type"},
        }

    @app.post("/api/auth/verify")
    async def verify(request: Request) -> Response:
        payload = await request.json()
        response = JSONResponse({"address": payload["address"]})
        # As FastAPI's set_cookie writes it; Domain is the service's own host, which is not
        # the browser's origin behind the proxy.
        response.set_cookie("fame_session", "token-" + payload["address"], httponly=True, samesite="lax", path="/")
        response.set_cookie("fame_hint", "1", domain="social.internal", path="/api")
        return response

    @app.get("/api/auth/me")
    async def me(request: Request) -> dict[str, object]:
        token = request.cookies.get("fame_session")
        return {"address": token.removeprefix("token-") if token else None, "hint": request.cookies.get("fame_hint")}

    @app.post("/api/auth/logout")
    async def logout() -> Response:
        response = JSONResponse({"address": None})
        response.delete_cookie("fame_session", path="/")
        return response

    @app.post("/api/posts/{post_id}/comments")
    async def comment(post_id: int, request: Request) -> Response:
        if not request.cookies.get("fame_session"):
            return JSONResponse({"detail": "sign in with Ethereum first"}, status_code=401)
        body = (await request.json()).get("body", "")
        if not body:
            return JSONResponse({"detail": "a comment needs 1 to 1000 characters"}, status_code=422)
        return JSONResponse({"detail": "slow down: 30 writes a minute"}, status_code=429, headers={"Retry-After": "7"})

    @app.get("/api/personas/{persona_id}")
    async def persona(persona_id: int) -> Response:
        return JSONResponse({"detail": f"no persona {persona_id}"}, status_code=404)

    @app.get("/.well-known/webfinger")
    async def webfinger(request: Request) -> dict[str, object]:
        return {"subject": request.query_params["resource"], "prefix": request.headers.get("x-forwarded-prefix")}

    @app.get("/api/stream")
    async def stream() -> StreamingResponse:
        async def chunks():
            for i in range(5):
                yield f"chunk {i}\n".encode()
                await asyncio.sleep(0.01)

        return StreamingResponse(chunks(), media_type="text/plain")

    @app.get("/api/moved")
    async def moved() -> Response:
        return RedirectResponse("/api/auth/me", status_code=307)

    return app


class Served:
    """An ASGI app on a free loopback port in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port(HOST)
        self.url = f"http://{HOST}:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host=HOST, port=self.port, log_level="warning", access_log=False, lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        wait_until(lambda: self.server.started, 10, "test server")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def web_app(tmp_path: Path, social_url: str) -> FastAPI:
    from fame.ipfs.store import BlockStore
    from stack.web.app import create_app

    dist = tmp_path / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text("<!doctype html><title>FameEngine</title>")
    return create_app(
        BlockStore(tmp_path / "ipfs", fsync=False),
        rpc_url="http://127.0.0.1:1",
        public_url="http://127.0.0.1:1",
        index_path=tmp_path / "index.sqlite",
        dist=dist,
        follow=False,
        social_url=social_url,
    )


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(web app URL, social stand-in URL), both running."""
    with Served(social_stand_in()) as social, Served(web_app(tmp_path_factory.mktemp("web"), social.url)) as web:
        yield web.url, social.url


def test_requests_pass_through_with_forwarded_origin(proxied):
    web, _ = proxied
    with httpx.Client(base_url=web, timeout=10) as client:
        got = client.post(
            "/social/api/echo/a%2Fb/c?before=12&limit=20&q=caf%C3%A9",
            json={"body": "hello"},
            headers={"X-Forwarded-Host": "spoofed.example"},
        )
        assert got.status_code == 200
        echo = got.json()
        assert echo["method"] == "POST"
        assert echo["raw_path"] == "/api/echo/a%2Fb/c"
        assert echo["query"] == "before=12&limit=20&q=caf%C3%A9"
        assert echo["body"] == '{"body":"hello"}'
        assert echo["headers"]["content-type"] == "application/json"
        assert echo["headers"]["x-forwarded-host"] == f"127.0.0.1:{web.rsplit(':', 1)[1]}"
        assert echo["headers"]["x-forwarded-proto"] == "http"
        assert echo["headers"]["x-forwarded-prefix"] == "/social"
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            assert client.request(method, "/social/api/echo/x").json()["method"] == method


def test_webfinger_at_the_host_root_reaches_the_social_service(proxied):
    """Fediverse servers look accounts up at /.well-known/webfinger of the host, not under /social."""
    web, _ = proxied
    got = httpx.get(f"{web}/.well-known/webfinger", params={"resource": "acct:nova_lumen@127.0.0.1"}, timeout=10)
    assert got.status_code == 200
    assert got.json() == {"subject": "acct:nova_lumen@127.0.0.1", "prefix": "/social"}


def test_cookies_and_set_cookie_pass_through(proxied):
    web, _ = proxied
    address = "0x00000000000000000000000000000000000000aa"
    with httpx.Client(base_url=web, timeout=10) as browser:
        assert browser.get("/social/api/auth/me").json() == {"address": None, "hint": None}
        signed = browser.post("/social/api/auth/verify", json={"address": address})
        assert signed.status_code == 200
        cookies = signed.headers.get_list("set-cookie")
        assert len(cookies) == 4, cookies
        # the session three times: for the social service's paths, the live server's (its rooms) and
        # the pin endpoint's (what the web app pins for a fan)
        session, for_live, for_pin = (c for c in cookies if c.startswith("fame_session="))
        assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/social/" in session
        assert for_live == session.replace("Path=/social/", "Path=/live/")
        assert for_pin == session.replace("Path=/social/", "Path=/api/pin")
        hint = next(c for c in cookies if c.startswith("fame_hint="))
        assert "Domain" not in hint and "Path=/social/api" in hint
        # The browser's jar sends them back for this origin, and they reach the service.
        assert browser.get("/social/api/auth/me").json() == {"address": address, "hint": "1"}
        # They are the social (live and pin) paths' only: the rest of the web app never sees them.
        assert browser.cookies.get("fame_session", path="/social/") == "token-" + address
        assert browser.cookies.get("fame_session", path="/live/") == "token-" + address
        assert browser.cookies.get("fame_session", path="/api/pin") == "token-" + address
        browser.post("/social/api/auth/logout")
        assert browser.get("/social/api/auth/me").json()["address"] is None
        assert browser.cookies.get("fame_session", path="/live/") is None  # signed out of the rooms too


def test_one_fans_session_never_reaches_another_fans_request(proxied):
    """The proxy forwards each request with its own cookies only: after fan A signed in through
    it, fan B (another browser, no cookie) is nobody, and B's own session stays B's."""
    web, _ = proxied
    a_address, b_address = "0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2"
    with httpx.Client(base_url=web, timeout=10) as a, httpx.Client(base_url=web, timeout=10) as b:
        assert a.post("/social/api/auth/verify", json={"address": a_address}).status_code == 200
        assert a.get("/social/api/auth/me").json()["address"] == a_address
        assert b.get("/social/api/auth/me").json()["address"] is None
        assert b.get("/social/api/echo/x").json()["cookies"] == {}
        assert b.post("/social/api/posts/1/comments", json={"body": "hi"}).status_code == 401
        assert b.post("/social/api/auth/verify", json={"address": b_address}).status_code == 200
        assert b.get("/social/api/auth/me").json()["address"] == b_address
        assert a.get("/social/api/auth/me").json()["address"] == a_address


def test_status_codes_and_headers(proxied):
    web, _ = proxied
    with httpx.Client(base_url=web, timeout=10) as client:
        missing = client.get("/social/api/personas/99")
        assert missing.status_code == 404 and missing.json() == {"detail": "no persona 99"}
        assert client.post("/social/api/posts/1/comments", json={"body": "hi"}).status_code == 401
        client.cookies.set("fame_session", "token-x", domain="127.0.0.1", path="/social/")
        invalid = client.post("/social/api/posts/1/comments", json={"body": ""})
        assert invalid.status_code == 422 and "1 to 1000" in invalid.json()["detail"]
        limited = client.post("/social/api/posts/1/comments", json={"body": "again"})
        assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
        moved = client.get("/social/api/moved")
        assert moved.status_code == 307 and moved.headers["location"] == "/social/api/auth/me"
        assert client.get("/social/openapi.json").json()["openapi"].startswith("3.")


def test_streams_the_body(proxied):
    web, _ = proxied
    with httpx.Client(base_url=web, timeout=10) as client, client.stream("GET", "/social/api/stream") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        assert "".join(r.iter_text()) == "".join(f"chunk {i}\n" for i in range(5))


def test_the_rest_of_the_web_app_is_untouched(proxied):
    web, _ = proxied
    with httpx.Client(base_url=web, timeout=10) as client:
        config = client.get("/config.json").json()
        assert config["socialUrl"] == "/social"
        assert "FameEngine" in client.get("/").text


def test_502_when_the_social_service_is_down(tmp_path):
    nobody = f"http://{HOST}:{free_port(HOST)}"
    with Served(web_app(tmp_path, nobody)) as web, httpx.Client(base_url=web.url, timeout=10) as client:
        for method, path in (("GET", "/social/api/personas/1/feed"), ("POST", "/social/api/auth/nonce")):
            down = client.request(method, path)
            assert down.status_code == 502
            assert down.headers["content-type"] == "application/json"
            detail = down.json()["detail"]
            assert nobody in detail and "not reachable" in detail and "--social-url" in detail
