"""The web app's /live/ proxy: the live server (live/) on the web app's origin, HTTP and
WebSocket, so that a fan's room and attendance requests carry the social service's session
cookie (the social proxy keeps that cookie for /social/ and /live/ only).

HTTP requests are forwarded like the social proxy's (method, query, body, cookies, streamed
answers; 502 with what to do when the server is down). A WebSocket at /live/ws/... is
accepted here and relayed to the live server's with the handshake's cookie and the host's
Authorization and X-Fame-Role headers; frames pass both ways as they are, and a close passes
with its code and reason (1008 "no ticket for event N" reaches the page as the server said
it). A live server that cannot be reached or that goes away is 1013 (try again later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from fame.config import live_settings, settings

from .upstream import close_with_app, upstream_client

log = logging.getLogger(__name__)

LIVE_PREFIX = "/live"
#: Handshake headers the live server reads (the fan's session, the host's token and role, the
#: page's origin, which the server checks against the web app's).
_WS_FORWARDED = ("cookie", "authorization", "x-fame-role", "user-agent", "origin")
#: Close codes that a close frame may not carry (no status, abnormal closure, TLS failure).
_UNSENDABLE = {1005, 1006, 1015}
TRY_AGAIN = 1013
MAX_FRAME = 1 << 21

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


def default_live_url() -> str:
    """Where the live server listens by default: http://FAME_HOST:FAME_LIVE_PORT."""
    return f"http://{settings().host}:{live_settings().port}"


def _forwarded(host: str, scheme: str, client_ip: str, previous: str | None) -> list[tuple[str, str]]:
    return [
        ("x-forwarded-host", host),
        ("x-forwarded-proto", scheme),
        ("x-forwarded-prefix", LIVE_PREFIX),
        ("x-forwarded-for", f"{previous}, {client_ip}" if previous else client_ip),
    ]


def mount_live_proxy(app: FastAPI, upstream: str, *, timeout: float = 60.0) -> None:
    """Forward /live/{path} (HTTP) and /live/ws/{path} (WebSocket) to the live server at `upstream`."""
    base = upstream.rstrip("/")
    ws_base = "ws" + base.removeprefix("http") if base.startswith("http") else base
    client = upstream_client(base, timeout)
    app.state.live_url = base
    close_with_app(app, client)

    @app.api_route(
        LIVE_PREFIX + "/{path:path}",
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        tags=["live"],
        summary="The live server (event rooms, attendance, vouchers), proxied onto this origin",
        response_class=Response,
    )
    async def live_http(request: Request, path: str) -> Response:
        raw: str = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        target = raw[len(LIVE_PREFIX) :] or "/"
        if request.url.query:
            target += "?" + request.url.query
        headers = [
            (k, v)
            for k, v in request.headers.items()
            if k not in _HOP_BY_HOP and k != "host" and not k.startswith("x-forwarded-")
        ]
        client_ip = request.client.host if request.client else ""
        headers += _forwarded(
            request.headers.get("host", ""), request.url.scheme, client_ip, request.headers.get("x-forwarded-for")
        )
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        outgoing = client.build_request(
            request.method, target, headers=headers, content=_body(request) if has_body else None
        )
        try:
            answer = await client.send(outgoing, stream=True)
        except httpx.TimeoutException:
            return _unavailable(504, f"the live server at {base} did not answer in time; try again")
        except httpx.TransportError as err:
            log.warning("live proxy: %s %s: %s", request.method, target, err)
            return _unavailable(
                502,
                f"the live server at {base} is not reachable ({type(err).__name__}): start it "
                "(`fame live run`, or `make up`) or point `python -m stack.web --live-url` at it",
            )
        response = StreamingResponse(
            answer.aiter_raw(), status_code=answer.status_code, background=BackgroundTask(answer.aclose)
        )
        response.raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in answer.headers.multi_items()
            if k.lower() not in _HOP_BY_HOP
        ]
        return response

    @app.websocket(LIVE_PREFIX + "/ws/{path:path}")
    async def live_ws(websocket: WebSocket, path: str) -> None:
        """An event room's WebSocket, relayed to the live server's."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidHandshake

        await websocket.accept()
        target = f"{ws_base}/ws/{path}"
        if websocket.url.query:
            target += "?" + websocket.url.query
        headers = [(k, v) for k, v in websocket.headers.items() if k in _WS_FORWARDED]
        client_ip = websocket.client.host if websocket.client else ""
        headers += _forwarded(
            websocket.headers.get("host", ""),
            "https" if websocket.url.scheme == "wss" else "http",
            client_ip,
            websocket.headers.get("x-forwarded-for"),
        )
        try:
            remote = await connect(target, additional_headers=headers, max_size=MAX_FRAME, open_timeout=10)
        except (OSError, TimeoutError, InvalidHandshake) as err:
            log.warning("live proxy: %s: %s", target, err)
            with contextlib.suppress(Exception):
                await websocket.close(TRY_AGAIN, "the live server is not reachable: try again")
            return
        await _relay(websocket, remote)


async def _relay(websocket: WebSocket, remote: Any) -> None:
    """Frames both ways until one side closes; the close (code, reason) then goes to the other."""
    from websockets.exceptions import ConnectionClosed

    async def outward() -> None:  # the browser to the live server
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                code = int(message.get("code") or 1000)
                await remote.close(code=1000 if code in _UNSENDABLE else code)
                return
            if message.get("text") is not None:
                await remote.send(message["text"])
            elif message.get("bytes") is not None:
                await remote.send(message["bytes"])

    async def inward() -> None:  # the live server to the browser
        with contextlib.suppress(ConnectionClosed):
            async for data in remote:
                if isinstance(data, str):
                    await websocket.send_text(data)
                else:
                    await websocket.send_bytes(data)
        rcvd = remote.protocol.close_rcvd
        code, reason = (rcvd.code, rcvd.reason) if rcvd is not None else (1006, "")
        if code in _UNSENDABLE:
            code, reason = TRY_AGAIN, "the live server went away: reconnect"
        with contextlib.suppress(Exception):
            await websocket.close(code, reason)

    tasks = [asyncio.create_task(outward()), asyncio.create_task(inward())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if tasks[0] in done:  # the browser left: give the server's close a moment to come back
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(tasks[1], 2.0)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await remote.close()


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _unavailable(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers={"Cache-Control": "no-store"})
