"""The web app's /live/ proxy: the browser talks to one origin, the live server sits behind it.
Both ends are real servers on free ports (uvicorn): a small stand-in for the live server that
tells what reached it and closes rooms as the real one does, and the web app
(stack.web.app.create_app) in front of it. What passes through: HTTP requests with the session
cookie, query and status codes; the room's WebSocket with the cookie and the host's headers,
text and binary frames both ways, and every close with its code and reason, either way; 502
(HTTP) and 1013 (WebSocket) when the live server is down."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from fame.procs import free_port, wait_until

HOST = "127.0.0.1"


def live_stand_in(closes: list[tuple[int, str]]) -> FastAPI:
    app = FastAPI()

    @app.get("/api/events/{event_id}/room")
    async def room(event_id: int, request: Request) -> dict[str, object]:
        return {"event": event_id, "cookies": dict(request.cookies), "query": request.url.query,
                "prefix": request.headers.get("x-forwarded-prefix")}  # fmt: skip

    @app.post("/api/events/{event_id}/voucher")
    async def voucher(event_id: int) -> JSONResponse:
        return JSONResponse({"detail": "12 s to go"}, status_code=403)

    @app.websocket("/ws/events/{event_id}")
    async def socket(websocket: WebSocket, event_id: int) -> None:
        await websocket.accept()  # then refuse, as the live server does: the code reaches the client
        if event_id == 99:
            await websocket.close(4404, "there is no event 99")
            return
        if "fame_session" not in websocket.cookies and websocket.headers.get("x-fame-role") != "host":
            await websocket.close(1008, "sign in first")
            return
        await websocket.send_text(
            json.dumps({
                "type": "welcome",
                "session": websocket.cookies.get("fame_session"),
                "role": websocket.headers.get("x-fame-role"),
                "authorization": websocket.headers.get("authorization"),
                "query": websocket.url.query,
            })
        )  # fmt: skip
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                closes.append((message.get("code"), ""))
                return
            if message.get("bytes") is not None:
                await websocket.send_bytes(message["bytes"][::-1])
            elif message["text"] == "end":
                await websocket.close(4409, f"event {event_id} has ended")
                return
            else:
                await websocket.send_text(json.dumps({"type": "echo", "text": message["text"]}))

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


def web_app(tmp_path: Path, live_url: str) -> FastAPI:
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
        social_url=f"http://{HOST}:{free_port(HOST)}",
        live_url=live_url,
    )


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """(web app URL, the closes the stand-in saw), both running."""
    closes: list[tuple[int, str]] = []
    with Served(live_stand_in(closes)) as live, Served(web_app(tmp_path_factory.mktemp("web"), live.url)) as web:
        yield web.url, closes


def test_http_passes_through_with_the_session(proxied):
    web, _ = proxied
    with httpx.Client(base_url=web, timeout=10, cookies={"fame_session": "token-a"}) as browser:
        got = browser.get("/live/api/events/3/room?fresh=1")
        assert got.status_code == 200
        assert got.json() == {"event": 3, "cookies": {"fame_session": "token-a"}, "query": "fresh=1", "prefix": "/live"}
        refused = browser.post("/live/api/events/3/voucher")
        assert refused.status_code == 403 and refused.json() == {"detail": "12 s to go"}
        assert browser.get("/config.json").json()["liveUrl"] == "/live"


def test_the_room_socket_is_relayed_both_ways_with_its_closes(proxied):
    web, closes = proxied
    ws = "ws" + web.removeprefix("http") + "/live/ws/events"

    async def scenario():
        async with connect(f"{ws}/1?v=2", additional_headers={"Cookie": "fame_session=token-a"}) as fan:
            welcome = json.loads(await fan.recv())
            assert (welcome["session"], welcome["role"], welcome["query"]) == ("token-a", None, "v=2")
            await fan.send("hello")
            assert json.loads(await fan.recv()) == {"type": "echo", "text": "hello"}
            await fan.send(b"\x01\x02\x03")
            assert await fan.recv() == b"\x03\x02\x01"
            await fan.send("end")
            with pytest.raises(ConnectionClosed):
                await fan.recv()
            assert (fan.close_code, fan.close_reason) == (4409, "event 1 has ended")
        async with connect(f"{ws}/1") as anonymous:
            with pytest.raises(ConnectionClosed):
                await anonymous.recv()
            assert (anonymous.close_code, anonymous.close_reason) == (1008, "sign in first")
        async with connect(f"{ws}/99", additional_headers={"Cookie": "fame_session=token-a"}) as unknown:
            with pytest.raises(ConnectionClosed):
                await unknown.recv()
            assert (unknown.close_code, unknown.close_reason) == (4404, "there is no event 99")
        host = {"Authorization": "Bearer host-token", "X-Fame-Role": "host"}
        async with connect(f"{ws}/1", additional_headers=host) as persona:
            welcome = json.loads(await persona.recv())
            assert (welcome["role"], welcome["authorization"]) == ("host", "Bearer host-token")
            await persona.close(1001, "going away")
        for _ in range(50):  # the fan's close reached the live server too
            if closes:
                break
            await asyncio.sleep(0.05)
        assert closes and closes[-1][0] == 1001

    asyncio.run(scenario())


def test_the_live_server_down_is_502_and_1013(tmp_path):
    nobody = f"http://{HOST}:{free_port(HOST)}"
    with Served(web_app(tmp_path, nobody)) as web, httpx.Client(base_url=web.url, timeout=10) as client:
        down = client.get("/live/api/events/1/room")
        assert down.status_code == 502
        detail = down.json()["detail"]
        assert nobody in detail and "not reachable" in detail and "--live-url" in detail

        async def scenario():
            async with connect("ws" + web.url.removeprefix("http") + "/live/ws/events/1") as fan:
                with pytest.raises(ConnectionClosed):
                    await fan.recv()
                assert (fan.close_code, fan.close_reason) == (1013, "the live server is not reachable: try again")

        asyncio.run(scenario())
