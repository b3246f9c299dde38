"""The operator's FastAPI application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .rounds import RoundDriver
from .routers import health, metrics, protocol
from .service import OperatorService, ProtocolError


def _location(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)] or ["body"]
    return ".".join(parts)


def create_app(service: OperatorService, *, background: bool = True) -> FastAPI:
    """The app of one operator. `background` runs the relayer and the round driver."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if background:
            if service.relayer is not None:
                service.relayer.start()
            driver = app.state.driver = RoundDriver(service)
            task = asyncio.create_task(driver.run(), name="rounds")
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if background and service.relayer is not None:
                await asyncio.to_thread(service.relayer.stop)

    app = FastAPI(
        title=f"FameEngine oracle operator {service.cfg.index}",
        version="1",
        description="An engagement-oracle operator: signed observations, report signatures, health and metrics.",
        lifespan=lifespan,
    )
    app.state.service = service

    @app.exception_handler(ProtocolError)
    async def protocol_error(_: Request, exc: ProtocolError) -> JSONResponse:
        return JSONResponse(status_code=exc.status, content={"detail": exc.detail})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        detail = f"{_location(first.get('loc', ()))}: {first.get('msg', 'invalid')}{more}"
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail)}, headers=exc.headers)

    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(protocol.router)
    return app
