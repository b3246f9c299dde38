"""Who is connecting: a fan signed in with the social service, or the persona host.

A fan's identity is the social service's Sign-In with Ethereum session: the server forwards
the `fame_session` cookie of the handshake (or of an HTTP request) to the social service's
`GET /api/auth/me` and reads `address` (null: not signed in). An answer is remembered for
SESSION_CACHE_S, so a room full of fans reconnecting after a restart asks once per fan.

The persona host sends `Authorization: Bearer <FAME_LIVE_HOST_TOKEN>` and `X-Fame-Role: host`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping

import httpx

SESSION_COOKIE = "fame_session"
HOST_ROLE_HEADER = "x-fame-role"
SESSION_CACHE_S = 10.0
MAX_TOKEN = 200


class SignInUnavailable(Exception):
    """The social service could not be asked; `str()` says why."""


class BadHostToken(Exception):
    """The handshake says it is the host, with a token that is not the host token."""


class Identity:
    def __init__(self, social_url: str, host_token: str, *, timeout: float = 5.0) -> None:
        self.social_url = social_url.rstrip("/")
        self._host_token = host_token.encode()
        self._client = httpx.AsyncClient(base_url=self.social_url, timeout=timeout)
        self._cache: dict[str, tuple[float, str | None]] = {}

    async def fan(self, cookies: Mapping[str, str]) -> str | None:
        """The signed-in fan's address (EIP-55), or None without a valid session."""
        token = cookies.get(SESSION_COOKIE)
        if not token or len(token) > MAX_TOKEN:
            return None
        key = hashlib.sha256(token.encode()).hexdigest()  # the cache never holds a usable token
        hit = self._cache.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        try:
            reply = await self._client.get("/api/auth/me", cookies={SESSION_COOKIE: token})
        except httpx.HTTPError as err:
            raise SignInUnavailable(f"the social service at {self.social_url} is not reachable ({err})") from None
        if reply.status_code != 200:
            raise SignInUnavailable(f"the social service answered HTTP {reply.status_code} to /api/auth/me")
        try:
            address = reply.json().get("address")
        except ValueError:
            raise SignInUnavailable("the social service's /api/auth/me is not JSON") from None
        address = address if isinstance(address, str) and address else None
        if len(self._cache) > 10_000:
            now = time.monotonic()
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[key] = (time.monotonic() + SESSION_CACHE_S, address)
        return address

    def is_host(self, headers: Mapping[str, str]) -> bool:
        """True for the persona host; BadHostToken when it says so with the wrong token."""
        if headers.get(HOST_ROLE_HEADER, "").strip().lower() != "host":
            return False
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), self._host_token):
            raise BadHostToken("the host token is not this server's (Authorization: Bearer <FAME_LIVE_HOST_TOKEN>)")
        return True

    async def close(self) -> None:
        await self._client.aclose()
