"""The web app's public API around IPFS: what the web app itself pins goes through POST /api/pin,
which takes a fan signed in with Ethereum (the social service's session, which the proxy keeps
for that path), JSON or text only, small, and a few a minute; the store's RPC API (add, pin,
unpin) is not on the web app's port at all; the index's integer parameters are range-checked
(422, never 500). Both ends are real HTTP servers on free loopback ports: a stand-in for the
social service that signs anyone in (the real sign-in is tests/social's), and the web app
(stack.web.app.create_app) in front of it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from fame.config import PROJECT_ROOT
from fame.ipfs.store import BlockStore
from fame.procs import free_port, port_in_use, wait_until

HOST = "127.0.0.1"
ALICE = "0x00000000000000000000000000000000000000A1"
MAX_BYTES = 4096
PER_MINUTE = 3
SPEC = b'{"spec_version": "1.0", "name": "Kai Tide"}'


def social_stand_in() -> FastAPI:
    app = FastAPI()
    app.state.me_calls = 0

    @app.post("/api/auth/verify")
    async def verify(request: Request) -> Response:
        address = (await request.json())["address"]
        response = JSONResponse({"address": address})
        response.set_cookie("fame_session", "token-" + address, httponly=True, samesite="lax", path="/")
        return response

    @app.get("/api/auth/me")
    async def me(request: Request) -> dict[str, object]:
        app.state.me_calls += 1
        token = request.cookies.get("fame_session", "")
        return {"address": token.removeprefix("token-") if token.startswith("token-0x") else None}

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


def web_app(tmp_path: Path, social_url: str, store: BlockStore) -> FastAPI:
    from stack.web.app import create_app

    dist = tmp_path / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text("<!doctype html><title>FameEngine</title>")
    return create_app(
        store,
        rpc_url="http://127.0.0.1:1",
        public_url="http://127.0.0.1:1",
        index_path=tmp_path / "index.sqlite",
        dist=dist,
        follow=False,
        social_url=social_url,
        pin_max_bytes=MAX_BYTES,
        pins_per_minute=PER_MINUTE,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[tuple[str, FastAPI, BlockStore]]:
    """(web app URL, social stand-in app, the store), both running."""
    root = tmp_path_factory.mktemp("web-pin")
    store = BlockStore(root / "ipfs", fsync=False)
    social_app = social_stand_in()
    with Served(social_app) as social, Served(web_app(root, social.url, store)) as web:
        yield web.url, social_app, store


@contextmanager
def signed_in(web: str, address: str) -> Iterator[httpx.Client]:
    """A browser of the web app, signed in through its /social/ proxy."""
    with httpx.Client(base_url=web, timeout=10) as browser:
        assert browser.post("/social/api/auth/verify", json={"address": address}).status_code == 200
        yield browser


def test_pinning_needs_a_signed_in_session(stack):
    web, social, _ = stack
    calls = social.state.me_calls
    with httpx.Client(base_url=web, timeout=10) as nobody:
        refused = nobody.post("/api/pin", content=SPEC, headers={"Content-Type": "application/json"})
        assert refused.status_code == 401
        assert "sign in with Ethereum first" in refused.json()["detail"]
        assert social.state.me_calls == calls, "no cookie: nothing to ask the social service"
        # a cookie the social service does not know is no session either
        nobody.cookies.set("fame_session", "forged", domain=HOST, path="/api/pin")
        refused = nobody.post("/api/pin", content=SPEC, headers={"Content-Type": "application/json"})
        assert refused.status_code == 401 and social.state.me_calls == calls + 1


def test_a_signed_in_fan_pins_a_persona_spec(stack):
    web, _, store = stack
    with signed_in(web, ALICE) as browser:
        # the sign-in's cookie is kept for the pin endpoint too (and still for nothing else of the app)
        paths = {c.path for c in browser.cookies.jar if c.name == "fame_session"}
        assert paths == {"/social/", "/live/", "/api/pin"}, paths
        pinned = browser.post("/api/pin", params={"name": "persona.json"}, content=SPEC,
                              headers={"Content-Type": "application/json"})  # fmt: skip
        assert pinned.status_code == 200, pinned.text
        answer = pinned.json()
        assert answer["size"] == len(SPEC) and answer["name"] == "persona.json"
        cid = answer["cid"]
        assert cid.startswith("bafk")  # CIDv1, raw leaves: the exact bytes in one block
        assert browser.get(f"/ipfs/{cid}").content == SPEC
        pin = next(p for p in store.pins() if p.cid == cid)
        assert pin.name == f"persona.json by {ALICE}"
        brief = browser.post("/api/pin", params={"name": "brief.json"}, content="Nova at the observatory",
                             headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip
        assert brief.status_code == 200 and store.read(brief.json()["cid"]) == b"Nova at the observatory"


def fan(n: int) -> str:
    return f"0x{n:040x}"


def test_only_small_json_or_text(stack):
    """Each refusal by another fan: every attempt counts toward its account's pins a minute."""
    web, _, _ = stack
    json_type = {"Content-Type": "application/json"}

    def post(n: int, content, headers=json_type, **kw) -> httpx.Response:
        with signed_in(web, fan(1000 + n)) as browser:
            return browser.post("/api/pin", content=content, headers=headers, **kw)

    declared = post(1, b'{"x": "' + b"a" * MAX_BYTES + b'"}')
    assert declared.status_code == 413
    assert f"at most {MAX_BYTES} bytes" in declared.json()["detail"]
    assert "FAME_IPFS_PIN_MAX_BYTES" in declared.json()["detail"]

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(4):
            yield b" " * MAX_BYTES

    assert post(2, streamed()).status_code == 413
    assert post(3, b"\x89PNG\r\n\x1a\n", {"Content-Type": "image/png"}).status_code == 415
    assert post(4, b"{}", {}).status_code == 415
    broken = post(5, b'{"name": ')
    assert broken.status_code == 422 and "application/json" in broken.json()["detail"]
    assert post(6, b"\xff\xfe", {"Content-Type": "text/plain"}).status_code == 422
    assert post(7, SPEC, params={"name": "../x"}).status_code == 422
    assert post(8, SPEC, params={"name": "a" * 65}).status_code == 422
    assert post(9, b" " * MAX_BYTES).status_code == 422  # at the limit exactly: read, but no JSON
    assert post(10, b'"' + b" " * (MAX_BYTES - 2) + b'"').status_code == 200


def test_pins_are_rate_limited_per_account(stack):
    web, _, _ = stack
    carol, dave = fan(0xC3), fan(0xD4)
    with signed_in(web, carol) as browser, signed_in(web, dave) as other:
        for i in range(PER_MINUTE):
            ok = browser.post("/api/pin", content=f'{{"n": {i}}}', headers={"Content-Type": "application/json"})
            assert ok.status_code == 200, ok.text
        limited = browser.post("/api/pin", content=b'{"n": 99}', headers={"Content-Type": "application/json"})
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1 and f"{PER_MINUTE} pins a minute" in limited.json()["detail"]
        # a second session of the same account shares its budget; another account has its own
        with signed_in(web, carol) as again:
            again_limited = again.post("/api/pin", content=b"{}", headers={"Content-Type": "application/json"})
            assert again_limited.status_code == 429
        assert other.post("/api/pin", content=b"{}", headers={"Content-Type": "application/json"}).status_code == 200


def test_only_this_apps_pages(stack):
    web, _, _ = stack
    with signed_in(web, fan(0xE5)) as browser:
        headers = {"Content-Type": "text/plain", "Origin": f"http://{HOST}:{free_port()}"}
        foreign = browser.post("/api/pin", content=b"hi", headers=headers)
        assert foreign.status_code == 403
        own = browser.post("/api/pin", content=b"hi", headers={**headers, "Origin": web})
        assert own.status_code == 200, own.text


def test_no_social_service_is_a_503_that_says_what_to_do(tmp_path):
    from fastapi.testclient import TestClient

    from stack.web.pin import mount_pin

    nobody = f"http://{HOST}:{free_port()}"
    store = BlockStore(tmp_path / "ipfs", fsync=False)
    with Served(web_app(tmp_path, nobody, store)) as web, httpx.Client(base_url=web.url, timeout=10) as client:
        client.cookies.set("fame_session", "token-" + ALICE, domain=HOST, path="/api/pin")
        down = client.post("/api/pin", content=SPEC, headers={"Content-Type": "application/json"})
        assert down.status_code == 503
        assert nobody in down.json()["detail"] and "--social-url" in down.json()["detail"]
    app = FastAPI()
    mount_pin(app, store, None, max_bytes=MAX_BYTES, per_minute=PER_MINUTE)
    with TestClient(app) as client:
        none = client.post("/api/pin", content=SPEC, headers={"Content-Type": "application/json"})
        assert none.status_code == 503 and "no social service" in none.json()["detail"]
    assert store.pins() == []


def test_the_store_rpc_is_not_on_the_web_apps_port(stack):
    web, _, store = stack
    with signed_in(web, fan(7)) as browser:
        cid = browser.post("/api/pin", params={"name": "kept.json"}, content=b'{"kept": true}',
                           headers={"Content-Type": "application/json"}).json()["cid"]  # fmt: skip
    with httpx.Client(base_url=web, timeout=10) as anyone:
        for call in ("add", "pin/rm", "pin/add", "pin/ls", "dag/import", "cat", "version"):
            kw = {"files": {"file": ("x", b"x" * 1000)}} if call in ("add", "dag/import") else {}
            resp = anyone.post(f"/api/v0/{call}", params={"arg": cid}, **kw)
            assert resp.status_code == 404, (call, resp.text)
            assert "FAME_IPFS_RPC_PORT" in resp.json()["Message"]
        assert anyone.get("/api/v0/add").status_code == 404
    assert store.is_pinned(cid)
    with httpx.Client(base_url=web, timeout=10) as anyone:
        spec = anyone.get("/openapi.json").json()
    assert "/api/pin" in spec["paths"] and not [p for p in spec["paths"] if p.startswith("/api/v0")]


@pytest.mark.parametrize(
    "path",
    [
        "/api/index/holders/99999999999999999999999999999",
        f"/api/index/holders/{2**63}",
        "/api/index/holders/-1",
        "/api/index/holders/0",
        "/api/index/holders/1?limit=0",
        "/api/index/holders/1?limit=501",
        "/api/index/holders/1?limit=99999999999999999999999999999",
        "/api/index/events?persona_id=99999999999999999999999999999",
        "/api/index/events?persona_id=0",
        "/api/index/events?persona_id=-5",
        "/api/index/events?limit=0",
        "/api/index/events?limit=1001",
        "/api/index/events?proposal_id=12ab",
        f"/api/index/events?proposal_id={'9' * 79}",
        "/api/index/events?order=sideways",
    ],
)
def test_out_of_range_integers_are_422(stack, path):
    web, _, _ = stack
    reply = httpx.get(web + path, timeout=10)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]


def test_integers_in_range_are_answered(stack):
    web, _, _ = stack
    for path in (
        "/api/index/holders/1",
        f"/api/index/holders/{2**63 - 1}?limit=500",
        f"/api/index/events?persona_id={2**63 - 1}&limit=1000",
        f"/api/index/events?proposal_id={'9' * 78}",
    ):
        reply = httpx.get(web + path, timeout=10)
        assert reply.status_code == 200, (path, reply.text)


def test_the_web_app_does_not_start_with_an_exposed_rpc_api_and_no_token(tmp_path):
    port, rpc_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    env.update(FAME_STATE_DIR=str(tmp_path), FAME_IPFS_RPC_HOST="0.0.0.0", FAME_IPFS_RPC_PORT=str(rpc_port))
    proc = subprocess.run(
        [sys.executable, "-m", "stack.web", "--port", str(port), "--dist", str(tmp_path)],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode != 0
    assert "FAME_IPFS_API_TOKEN" in proc.stderr, proc.stderr
    assert not port_in_use(HOST, port) and not port_in_use(HOST, rpc_port)
