"""The social service's FastAPI application: routers, error shapes, the background work.

Every error is `{"detail": "<what to do>"}`: 401, 404, 409, 422 (one line naming the
field), 429 with Retry-After, and 503 with Retry-After when the database cannot be used.
A request answered 503 wrote nothing: each write is one transaction, acknowledged only
after its commit.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..activitypub import routes as activitypub
from ..service import SocialService
from ..store.db import UNAVAILABLE, DatabaseUnavailable, unavailable_reason
from .deps import CLIENT_COOKIE, SESSION_COOKIE
from .routers import auth, engagement, health, moderation, operator, personas, posts, runtime
from .schemas import Problem

log = logging.getLogger("social.api")

RETRY_AFTER_S = 2
CLIENT_COOKIE_MAX_AGE = 365 * 86_400


def _location(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _unavailable(why: str) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={"detail": f"the social database is unavailable ({why}); nothing was written: retry shortly"},
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the error shapes this service really sends: every error is a
    Problem (`{"detail": str}`, also for 422), and every route may answer 503."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    problem = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Invalid request (`detail` names the field)", **problem}
            responses.setdefault("503", {"description": "The database is unavailable (Retry-After)", **problem})
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The body is not JSON", **problem})
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.setdefault("Problem", Problem.model_json_schema())
    app.openapi_schema = doc
    return doc


def create_app(service: SocialService, *, background: bool = True, federation: bool = True) -> FastAPI:
    """The app on `service`. `background` migrates in the background (answering 503 until
    the database is ready) and runs the persona sync and the ActivityPub delivery worker;
    without it the caller migrates. `federation` mounts ActivityPub (social.activitypub)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if background:
            service.start()
        try:
            yield
        finally:
            if background:
                service.stop()

    app = FastAPI(
        title="FameEngine social service",
        version="1",
        description="The personas' feeds, their fans' reactions, Sign-In with Ethereum, moderation and "
        "the engagement totals the oracle reads. Reads are public; writes need the `fame_session` "
        "cookie from sign-in; /api/runtime, /api/moderation and /api/operator need the operator token.",
        lifespan=lifespan,
    )
    app.state.service = service

    @app.exception_handler(DatabaseUnavailable)
    async def not_ready(_: Request, err: DatabaseUnavailable) -> JSONResponse:
        return _unavailable(str(err))

    for kind in UNAVAILABLE:

        @app.exception_handler(kind)
        async def unavailable(_: Request, err: Exception) -> JSONResponse:
            log.warning("database unavailable: %s", unavailable_reason(err))
            return _unavailable(unavailable_reason(err))

    @app.exception_handler(sa_exc.IntegrityError)
    async def conflict(_: Request, err: sa_exc.IntegrityError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": "that conflicts with a concurrent change: retry"})

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        return JSONResponse(
            status_code=422,
            content={"detail": f"{_location(first.get('loc', ()))}: {first.get('msg', 'invalid')}{more}"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        headers = dict(err.headers or {})
        if err.status_code == 405:
            # One route per method: name every method of the path, not just the first route's.
            routes = [r for r in app.routes if isinstance(r, APIRoute) and r.matches(request.scope)[0] != Match.NONE]
            headers["Allow"] = ", ".join(sorted({m for r in routes for m in r.methods or ()}))
        return JSONResponse(status_code=err.status_code, content={"detail": str(err.detail)}, headers=headers)

    @app.middleware("http")
    async def client_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Give a browser without a session an anonymous client id, so its reads count as views (once a day)."""
        response = await call_next(request)
        if request.method == "GET" and CLIENT_COOKIE not in request.cookies and SESSION_COOKIE not in request.cookies:
            response.set_cookie(
                CLIENT_COOKIE, secrets.token_urlsafe(18), max_age=CLIENT_COOKIE_MAX_AGE, httponly=True, samesite="lax"
            )
        return response

    for router in (health, auth, personas, posts, runtime, moderation, engagement, operator):
        app.include_router(router.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if federation:
        app.include_router(activitypub.router_for(service, worker=background))
    return app
