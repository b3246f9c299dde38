"""The web app's HTTP client of a service it proxies onto its origin (social, live)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
from fastapi import FastAPI


def upstream_client(base: str, timeout: float) -> httpx.AsyncClient:
    """A client that forwards every fan's request on its own: it keeps no cookie. An HTTP
    client stores each Set-Cookie it sees and sends it with its later requests; behind a proxy
    that would put one fan's session on every other fan's request. Cookies pass through as the
    request's and the response's headers only."""
    return httpx.AsyncClient(
        base_url=base,
        timeout=httpx.Timeout(timeout, connect=5.0),
        follow_redirects=False,
        trust_env=False,
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # stores nothing, for no domain
    )


def close_with_app(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Close `client` when `app` shuts down (after the app's own lifespan)."""
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(scope_app: Any) -> AsyncIterator[Any]:
        async with outer(scope_app) as state:
            yield state
        await client.aclose()

    app.router.lifespan_context = lifespan
