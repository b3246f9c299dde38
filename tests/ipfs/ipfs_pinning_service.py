"""A small IPFS Pinning Service API server for FameEngine's tests.

It implements the spec's endpoints (POST/GET /pins, GET/POST/DELETE /pins/{requestid}),
bearer-token auth, the error shape {"error": {"reason", "details"}} and the status
filters (GET /pins lists only `pinned` unless asked otherwise). Like a real service it
fetches what it is asked to pin from the request's origins: an origin here is an HTTP
multiaddr of a gateway (/ip4/127.0.0.1/tcp/PORT/http), fetched as a CAR and verified
block by block before the pin becomes `pinned`.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fame.ipfs.car import CarReader
from fame.ipfs.cid import CID
from fame.ipfs.errors import IpfsError
from fame.ipfs.unixfs import links_of

STATUSES = {"queued", "pinning", "pinned", "failed"}


class PinBody(BaseModel):
    cid: str
    name: str | None = Field(default=None, max_length=255)
    origins: list[str] = Field(default_factory=list, max_length=20)
    meta: dict[str, str] = Field(default_factory=dict)


def _err(status: int, reason: str, details: str = "") -> JSONResponse:
    return JSONResponse({"error": {"reason": reason, "details": details}}, status_code=status)


def _origin_url(multiaddr: str) -> str | None:
    parts = multiaddr.strip("/").split("/")
    if len(parts) == 5 and parts[0] == "ip4" and parts[2] == "tcp" and parts[4] == "http":
        return f"http://{parts[1]}:{parts[3]}"
    return None


def create_pinning_app(token: str, fetch: bool = True) -> FastAPI:
    app = FastAPI(title="test pinning service")
    pins: dict[str, dict] = {}
    lock = threading.Lock()
    app.state.pins = pins

    def _fetch(requestid: str) -> None:
        with lock:
            p = pins.get(requestid)
            if p is None:
                return
            p["status"] = "pinning"
            cid = CID.parse(p["pin"]["cid"])
            origins = [u for u in map(_origin_url, p["pin"]["origins"]) if u]
        status, info = "failed", {"status_details": "no reachable origin"}
        for base in origins:
            try:
                resp = httpx.get(f"{base}/ipfs/{cid}", params={"format": "car"}, timeout=30)
                resp.raise_for_status()
                reader = CarReader(resp.content)  # verifies every block's hash
                blocks = {bytes(c): (c, b) for c, b in reader}
                if [bytes(r) for r in reader.roots] != [bytes(cid)]:
                    raise IpfsError("wrong CAR root")
                stack = [cid]  # the DAG must be complete
                while stack:
                    c = stack.pop()
                    c2, block = blocks[bytes(c)]
                    stack.extend(link.cid for link in links_of(c2, block))
                status, info = "pinned", {"blocks": str(len(blocks))}
                break
            except (httpx.HTTPError, IpfsError, KeyError) as err:
                info = {"status_details": f"{base}: {err}"}
        with lock:
            if requestid in pins:
                pins[requestid]["status"] = status
                pins[requestid]["info"] = info

    @app.middleware("http")
    async def auth(request: Request, call_next):
        if request.headers.get("authorization") != f"Bearer {token}":
            return _err(401, "UNAUTHORIZED", "Access token is missing or invalid")
        return await call_next(request)

    def _status(p: dict) -> dict:
        return {k: p[k] for k in ("requestid", "status", "created", "pin", "delegates", "info")}

    def _create(body: PinBody, requestid: str | None = None) -> dict:
        try:
            CID.parse(body.cid)
        except IpfsError as err:
            return {"error": str(err)}
        rid = requestid or uuid.uuid4().hex
        p = {
            "requestid": rid,
            "status": "queued",
            "created": datetime.now(UTC).isoformat(),
            "pin": body.model_dump(),
            "delegates": ["/ip4/127.0.0.1/tcp/4001/p2p/QmTestDelegate"],
            "info": {},
        }
        with lock:
            pins[rid] = p
        if fetch:
            threading.Thread(target=_fetch, args=(rid,), daemon=True).start()
        return p

    @app.post("/pins", status_code=202)
    def add_pin(body: PinBody):
        p = _create(body)
        if "error" in p:
            return _err(400, "BAD_REQUEST", p["error"])
        return _status(p)

    @app.get("/pins")
    def list_pins(
        cid: Annotated[str | None, Query()] = None,
        name: Annotated[str | None, Query()] = None,
        match: Annotated[str, Query()] = "exact",
        status: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    ):
        wanted = set((status or "pinned").split(","))
        if not wanted <= STATUSES:
            return _err(400, "BAD_REQUEST", f"unknown status in {status!r}")
        cids = set(cid.split(",")) if cid else None
        with lock:
            found = [
                p
                for p in pins.values()
                if p["status"] in wanted
                and (cids is None or p["pin"]["cid"] in cids)
                and (name is None or _name_match(p["pin"]["name"], name, match))
            ]
        found.sort(key=lambda p: p["created"], reverse=True)
        return {"count": len(found), "results": [_status(p) for p in found[:limit]]}

    @app.get("/pins/{requestid}")
    def get_pin(requestid: str):
        with lock:
            p = pins.get(requestid)
        if p is None:
            return _err(404, "NOT_FOUND", "The specified resource was not found")
        return _status(p)

    @app.post("/pins/{requestid}", status_code=202)
    def replace_pin(requestid: str, body: PinBody):
        with lock:
            if requestid not in pins:
                return _err(404, "NOT_FOUND", "The specified resource was not found")
            del pins[requestid]
        p = _create(body)
        if "error" in p:
            return _err(400, "BAD_REQUEST", p["error"])
        return _status(p)

    @app.delete("/pins/{requestid}", status_code=202)
    def delete_pin(requestid: str):
        with lock:
            if pins.pop(requestid, None) is None:
                return _err(404, "NOT_FOUND", "The specified resource was not found")
        return None

    return app


def _name_match(value: str | None, name: str, match: str) -> bool:
    if value is None:
        return False
    if match == "exact":
        return value == name
    if match == "iexact":
        return value.lower() == name.lower()
    if match == "partial":
        return name in value
    return name.lower() in value.lower()
