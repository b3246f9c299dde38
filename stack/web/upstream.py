"""The web app's HTTP client of a service it proxies onto its origin (social, live)."""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx


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
