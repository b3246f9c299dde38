"""The social service as the persona runtime reaches it: its HTTP API only (the contract is
social/README.md; the two services never import each other).

Every runtime call carries the operator's bearer token (FAME_SOCIAL_OPERATOR_TOKEN). A
connection error, a timeout, a 5xx or a 429 raises `SocialUnavailable` (with the server's
Retry-After when it sends one): the runtime backs off and tries again later, with the same
idempotency key or for the same comment, so a retry never doubles a post or a reply. A 409
on a reply means the comment is answered already (`AlreadyAnswered`). Any other 4xx is a
`SocialRefused`: the request itself is wrong, retrying does not help.
"""

from __future__ import annotations

from typing import Any

import httpx

from fame.errors import FameError


class SocialError(FameError):
    """The social service did not do what the runtime asked."""


class SocialUnavailable(SocialError):
    """Down, overloaded or rate-limiting: try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SocialRefused(SocialError):
    """A 4xx other than 409 and 429: the request is wrong (token, ids, body)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class AlreadyAnswered(SocialError):
    """409 on a reply: the comment has its answer."""


class SocialClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0, transport: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "fameengine-persona-runtime"},
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            resp = self.http.request(method, path, **kw)
        except httpx.HTTPError as err:
            raise SocialUnavailable(f"social service at {self.base_url} unreachable ({type(err).__name__})") from None
        if resp.status_code == 409:
            raise AlreadyAnswered(_detail(resp))
        if resp.status_code == 429 or resp.status_code >= 500:
            retry = resp.headers.get("Retry-After")
            try:
                retry_after = float(retry) if retry else None
            except ValueError:
                retry_after = None
            raise SocialUnavailable(
                f"social service answered {resp.status_code} to {method} {path}: {_detail(resp)}", retry_after
            )
        if resp.status_code >= 400:
            raise SocialRefused(
                f"social service refused {method} {path} ({resp.status_code}): {_detail(resp)}", resp.status_code
            )
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise SocialUnavailable(f"social service sent a non-JSON answer to {method} {path}") from None

    # --- reads
    def personas(self) -> list[dict[str, Any]]:
        data = self._call("GET", "/api/personas")
        return [p for p in data or [] if isinstance(p, dict) and "id" in p]

    # --- the runtime's API
    def create_post(
        self,
        persona_id: int,
        body: str,
        manifest_cid: str,
        idempotency_key: str,
        ai_label: str,
        image_cid: str | None = None,
        media: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """media: `media_cid`, `media_type` (video/mp4 or audio/mp4) and `subtitles_cid` of a
        post that plays something."""
        payload: dict[str, Any] = {
            "persona_id": persona_id,
            "body": body,
            "manifest_cid": manifest_cid,
            "idempotency_key": idempotency_key,
            "source": "runtime",
            "ai_label": ai_label,
        }
        if image_cid:
            payload["image_cid"] = image_cid
        payload.update(media or {})
        post: dict[str, Any] = self._call("POST", "/api/runtime/posts", json=payload)
        return post

    def claim(self, limit: int, lease_s: int) -> list[dict[str, Any]]:
        data = self._call("POST", "/api/runtime/replies/claim", json={"limit": limit, "lease_s": lease_s})
        return [c for c in data or [] if isinstance(c, dict) and isinstance(c.get("comment"), dict)]

    def reply(self, comment_id: int, body: str, manifest_cid: str, ai_label: str) -> dict[str, Any]:
        post: dict[str, Any] = self._call(
            "POST",
            f"/api/runtime/replies/{comment_id}",
            json={"body": body, "manifest_cid": manifest_cid, "ai_label": ai_label},
        )
        return post

    def skip(self, comment_id: int, reason: str) -> None:
        self._call("POST", f"/api/runtime/replies/{comment_id}", json={"skip": reason})

    def set_emotion(self, persona_id: int, emotion: str) -> None:
        self._call("PUT", f"/api/runtime/personas/{persona_id}/emotion", json={"emotion": emotion})


def _detail(resp: httpx.Response) -> str:
    try:
        data = resp.json()
        if isinstance(data, dict) and "detail" in data:
            return str(data["detail"])[:300]
    except ValueError:
        pass
    return resp.text[:300]
