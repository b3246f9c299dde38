"""The web app: frontend (static files), IPFS gateway, DID resolver and event index on one
loopback origin. Same origin matters: the gateway's /api/v0/add accepts browser uploads
only from its own origin, which is how the frontend pins a new persona spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query
from fastapi.responses import FileResponse, JSONResponse
from starlette.staticfiles import StaticFiles

from fame.config import PROJECT_ROOT, settings
from fame.ipfs.gateway import create_app as create_gateway_app

from .indexer import EventIndex, Follower

FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"


def create_app(
    store,
    *,
    rpc_url: str,
    public_url: str,
    index_path: Path,
    dist: Path = FRONTEND_DIST,
    max_upload_bytes: int | None = None,
    api_token: str | None = None,
    follow: bool = True,
) -> FastAPI:
    from fame.did.resolver import LiveResolver

    # The gateway app, with did:fame resolution (/1.0/identifiers/{did}) on the same chain.
    app = create_gateway_app(
        store,
        max_upload_bytes=max_upload_bytes,
        api_token=api_token,
        did_resolver=LiveResolver(rpc_url, gateway_url=public_url),
    )
    index = EventIndex(index_path)
    follower = Follower(index, rpc_url)
    app.state.index, app.state.follower = index, follower
    if follow:
        follower.start()

    @app.get("/config.json", tags=["frontend"], summary="Where the frontend finds the chain")
    def frontend_config() -> JSONResponse:
        return JSONResponse(
            {"rpcUrl": rpc_url, "gatewayUrl": public_url, "indexUrl": public_url + "/api/index"},
            headers={"Cache-Control": "no-store"},
        )

    @app.get("/api/index/status", tags=["index"])
    def index_status() -> dict[str, Any]:
        return index.status()

    @app.get("/api/index/events", tags=["index"], summary="Indexed events, newest first")
    def index_events(
        contract: str | None = None,
        event: str | None = None,
        persona_id: int | None = None,
        proposal_id: str | None = None,
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
    def index_holders(persona_id: int, limit: int = Query(default=50, ge=1, le=500)) -> JSONResponse:
        return JSONResponse(
            {**index.status(), "holders": index.holders(persona_id, limit)}, headers={"Cache-Control": "no-store"}
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

    app.mount("/", StaticFiles(directory=dist, check_dir=False), name="frontend")
    return app


def serve(host: str, port: int, rpc_url: str, dist: str | Path | None = None) -> None:
    import uvicorn

    from fame.ipfs.backends import open_store
    from fame.ipfs.settings import ipfs_settings, secret

    s = ipfs_settings()
    limit = s.ipfs_max_upload_bytes or None
    app = create_app(
        open_store(s),
        rpc_url=rpc_url,
        public_url=f"http://{host}:{port}",
        index_path=settings().state_dir / f"index-{port}.sqlite",
        max_upload_bytes=limit,
        dist=Path(dist) if dist else FRONTEND_DIST,
        api_token=secret(s.ipfs_api_token),
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
