"""Where FameEngine's content goes: one Backend interface, three implementations.

* EmbeddedBackend: the on-disk BlockStore in this process (the local stack's default);
* KuboBackend: a Kubo node through its RPC API (plain HTTP POST with httpx). The same
  code talks to FameEngine's own RPC listener (the embedded store's write side, beside the
  gateway, loopback by default), which serves the same /api/v0 subset (`rpc_backend`);
* PinningServiceBackend: the IPFS Pinning Service API (POST /pins, GET /pins, ...,
  bearer token) for durable remote pins, with a content backend (the embedded store by
  default) that holds and serves the bytes.

Why not ipfshttpclient: its last release (0.7.0) refuses any daemon from Kubo 0.8.0 on
unless the version check is bypassed, depends on requests and multiaddr, and is no
longer maintained. The RPC calls FameEngine needs are a few POSTs with a multipart body;
httpx (already a FameEngine dependency) does them with streaming uploads and timeouts.

    backend = get_backend(ipfs_settings())
    cid = backend.add(manifest_bytes, name="manifest.json")
    data = backend.read(cid)
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable
from urllib.parse import quote

import httpx

from .cid import CID
from .errors import BlockNotFound, CIDError, IpfsError, RemoteError, UploadTooLarge
from .settings import IpfsSettings, secret, store_dir
from .store import READ_SIZE, BlockStore, Data, _chunks


@runtime_checkable
class Backend(Protocol):
    """What FameEngine's services call to publish and fetch content."""

    name: str

    def add(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
    ) -> CID:
        """Store bytes / a binary file / an iterable of chunks; the CID `ipfs add` gives them."""

    def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The file's bytes, streamed."""

    def read(self, cid: CID | str) -> bytes:
        """The whole file in memory."""

    def pin(self, cid: CID | str, name: str | None = None) -> None:
        """Pin recursively."""

    def unpin(self, cid: CID | str) -> None:
        """Remove the pin (BlockNotFound-like IpfsError when it was not pinned)."""

    def close(self) -> None: ...


class _Base:
    name = "base"

    if TYPE_CHECKING:

        def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]: ...

    def read(self, cid: CID | str) -> bytes:
        return b"".join(self.cat(cid))

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------- embedded


class EmbeddedBackend(_Base):
    name = "embedded"

    def __init__(self, store: BlockStore) -> None:
        self.store = store

    def add(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
    ) -> CID:
        return self.store.add(data, cid_version=cid_version, raw_leaves=raw_leaves, pin=pin, name=name)

    def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        return self.store.cat(cid, offset, length)

    def pin(self, cid: CID | str, name: str | None = None) -> None:
        self.store.pin(cid, name)

    def unpin(self, cid: CID | str) -> None:
        if not self.store.unpin(cid):
            raise BlockNotFound(f"{CID.parse(cid)} is not pinned")


# ---------------------------------------------------------------------------- Kubo RPC


def _multipart_body(filename: str, data: Data, boundary: str) -> tuple[Iterator[bytes] | bytes, int | None]:
    """A one-file multipart/form-data body: in memory for bytes, streamed otherwise."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{quote(filename, safe="")}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    if isinstance(data, (bytes, bytearray, memoryview)):
        body = head + bytes(data) + tail
        return body, len(body)

    def stream() -> Iterator[bytes]:
        yield head
        for piece in _chunks(data):
            if piece:
                yield bytes(piece)
        yield tail

    return stream(), None


class KuboBackend(_Base):
    """A Kubo node (or FameEngine's own RPC listener) through the RPC API at `api_url`."""

    name = "kubo"

    def __init__(
        self, api_url: str, timeout: float = 60.0, auth: str | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.api_url = api_url.rstrip("/")
        headers = {"Authorization": auth} if auth else {}
        self.client = httpx.Client(base_url=self.api_url, timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self.client.close()

    # -- plumbing
    def _check(self, resp: httpx.Response, what: str) -> None:
        if resp.status_code == 200:
            return
        try:
            body = resp.read()
            message = json.loads(body).get("Message") or body.decode(errors="replace")
        except (ValueError, AttributeError):
            message = resp.text if hasattr(resp, "text") else ""
        message = (message or resp.reason_phrase).strip()
        text = f"{what} at {self.api_url}: {message} (HTTP {resp.status_code})"
        lowered = message.lower()
        # Kubo answers 500 for these; FameEngine's gateway 404.
        if resp.status_code == 404 or "not pinned" in lowered or "not found" in lowered:
            raise BlockNotFound(text)
        if resp.status_code == 413:
            raise UploadTooLarge(text)
        if resp.status_code == 400 and "cid" in message.lower():
            raise CIDError(text)
        err = RemoteError(text)
        err.remote_status = resp.status_code
        raise err

    def _post(self, path: str, what: str, **kw: Any) -> httpx.Response:
        try:
            resp = self.client.post(path, **kw)
        except httpx.HTTPError as err:
            raise RemoteError(
                f"cannot reach the IPFS RPC API at {self.api_url} ({err.__class__.__name__}: {err}); "
                "start the node or set FAME_KUBO_API_URL"
            ) from None
        self._check(resp, what)
        return resp

    # -- API
    def add(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
    ) -> CID:
        rl = (cid_version == 1) if raw_leaves is None else raw_leaves
        params = {
            "cid-version": str(cid_version),
            "raw-leaves": str(rl).lower(),
            "pin": str(pin).lower(),
            "progress": "false",
        }
        boundary = "fame" + secrets.token_hex(16)
        content, length = _multipart_body(name or "file", data, boundary)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if length is not None:
            headers["Content-Length"] = str(length)
        resp = self._post("/api/v0/add", "add", params=params, content=content, headers=headers)
        lines = [line for line in resp.text.splitlines() if line.strip()]
        try:
            entry = json.loads(lines[-1])
            return CID.parse(entry["Hash"])
        except (IndexError, KeyError, ValueError) as err:
            raise RemoteError(f"unexpected answer to add from {self.api_url}: {resp.text[:200]!r}") from err

    def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        c = CID.parse(cid)
        params: dict[str, str] = {"arg": str(c)}
        if offset:
            params["offset"] = str(offset)
        if length is not None:
            params["length"] = str(length)

        def stream() -> Iterator[bytes]:
            try:
                with self.client.stream("POST", "/api/v0/cat", params=params) as resp:
                    self._check(resp, f"cat {c}")
                    yield from resp.iter_bytes(READ_SIZE)
            except httpx.HTTPError as err:
                raise RemoteError(f"cat {c} from {self.api_url} failed ({err.__class__.__name__}: {err})") from None

        return stream()

    def pin(self, cid: CID | str, name: str | None = None) -> None:
        params = {"arg": str(CID.parse(cid)), "recursive": "true"}
        if name:
            params["name"] = name
        self._post("/api/v0/pin/add", f"pin add {cid}", params=params)

    def unpin(self, cid: CID | str) -> None:
        self._post("/api/v0/pin/rm", f"pin rm {cid}", params={"arg": str(CID.parse(cid))})

    def pins(self) -> dict[str, dict[str, Any]]:
        keys: dict[str, dict[str, Any]] = (
            self._post("/api/v0/pin/ls", "pin ls", params={"type": "recursive"}).json().get("Keys", {})
        )
        return keys

    def version(self) -> str:
        version: str = self._post("/api/v0/version", "version").json().get("Version", "")
        return version


# ---------------------------------------------------------------------------- Pinning Service API

PIN_STATUSES = ("queued", "pinning", "pinned", "failed")


class PinningServiceClient:
    """The IPFS Pinning Service API: `endpoint` is the base URL (without /pins)."""

    def __init__(
        self, endpoint: str, token: str, timeout: float = 60.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        if not token:
            raise IpfsError("the pinning service needs an access token: set FAME_PINNING_SERVICE_TOKEN")
        self.endpoint = endpoint.rstrip("/")
        self.client = httpx.Client(
            base_url=self.endpoint,
            timeout=timeout,
            transport=transport,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self.client.close()

    def _request(self, method: str, path: str, what: str, ok: tuple[int, ...], **kw: Any) -> httpx.Response:
        try:
            resp = self.client.request(method, path, **kw)
        except httpx.HTTPError as err:
            raise RemoteError(
                f"cannot reach the pinning service at {self.endpoint} "
                f"({err.__class__.__name__}: {err}); check FAME_PINNING_SERVICE_URL"
            ) from None
        if resp.status_code in ok:
            return resp
        try:
            error = resp.json().get("error", {})
            reason = error.get("reason", "")
            details = error.get("details", "")
            message = f"{reason}: {details}" if details else reason
        except (ValueError, AttributeError):
            message = resp.text[:200]
        text = f"pinning service {what}: {message or resp.reason_phrase} (HTTP {resp.status_code})"
        if resp.status_code == 401:
            raise RemoteError(text + "; check FAME_PINNING_SERVICE_TOKEN")
        if resp.status_code == 404:
            raise BlockNotFound(text)
        raise RemoteError(text)

    def add_pin(
        self,
        cid: CID | str,
        name: str | None = None,
        origins: list[str] | None = None,
        meta: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST /pins: ask the service to pin; returns the PinStatus (status usually queued)."""
        body: dict[str, Any] = {"cid": str(CID.parse(cid))}
        if name is not None:
            body["name"] = name[:255]
        if origins:
            body["origins"] = origins
        if meta:
            body["meta"] = meta
        status: dict[str, Any] = self._request("POST", "/pins", f"add pin {body['cid']}", (200, 202), json=body).json()
        return status

    def list_pins(
        self,
        cid: list[str] | None = None,
        name: str | None = None,
        status: tuple[str, ...] = ("pinned",),
        limit: int | None = None,
        match: str | None = None,
    ) -> dict[str, Any]:
        """GET /pins: {"count", "results": [PinStatus]} (the spec's default filter is pinned only)."""
        params: dict[str, str] = {"status": ",".join(status)}
        if cid:
            params["cid"] = ",".join(str(CID.parse(c)) for c in cid)
        if name:
            params["name"] = name
        if match:
            params["match"] = match
        if limit is not None:
            params["limit"] = str(limit)
        pins: dict[str, Any] = self._request("GET", "/pins", "list pins", (200,), params=params).json()
        return pins

    def get_pin(self, requestid: str) -> dict[str, Any]:
        status: dict[str, Any] = self._request(
            "GET", f"/pins/{quote(requestid, safe='')}", f"get pin {requestid}", (200,)
        ).json()
        return status

    def replace_pin(self, requestid: str, cid: CID | str, name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"cid": str(CID.parse(cid))}
        if name is not None:
            body["name"] = name
        status: dict[str, Any] = self._request(
            "POST", f"/pins/{quote(requestid, safe='')}", f"replace pin {requestid}", (200, 202), json=body
        ).json()
        return status

    def delete_pin(self, requestid: str) -> None:
        self._request("DELETE", f"/pins/{quote(requestid, safe='')}", f"delete pin {requestid}", (200, 202))

    def status(self, cid: CID | str) -> str | None:
        """The newest pin request's status for a CID, None when there is none."""
        found: list[dict[str, Any]] = self.list_pins(cid=[str(cid)], status=PIN_STATUSES).get("results", [])
        if not found:
            return None
        status: str = max(found, key=lambda p: p.get("created", ""))["status"]
        return status


class PinningServiceBackend(_Base):
    """Content in a local backend (holds and serves the bytes), durable pins at a remote
    IPFS Pinning Service. `origins` (multiaddrs) tell the service where to fetch from."""

    name = "pinning"

    def __init__(self, service: PinningServiceClient, content: Backend, origins: list[str] | None = None) -> None:
        self.service = service
        self.content = content
        self.origins = origins or []

    def close(self) -> None:
        self.service.close()
        self.content.close()

    def add(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
    ) -> CID:
        cid = self.content.add(data, cid_version=cid_version, raw_leaves=raw_leaves, pin=pin, name=name)
        if pin:
            self.service.add_pin(cid, name, self.origins)
        return cid

    def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        return self.content.cat(cid, offset, length)

    def pin(self, cid: CID | str, name: str | None = None) -> None:
        self.service.add_pin(cid, name, self.origins)

    def unpin(self, cid: CID | str) -> None:
        c = str(CID.parse(cid))
        found = self.service.list_pins(cid=[c], status=PIN_STATUSES).get("results", [])
        if not found:
            raise BlockNotFound(f"{c} is not pinned at the pinning service")
        for p in found:
            self.service.delete_pin(p["requestid"])
        try:
            self.content.unpin(c)
        except BlockNotFound:
            pass

    def status(self, cid: CID | str) -> str | None:
        return self.service.status(cid)


# ---------------------------------------------------------------------------- factory


def get_backend(s: IpfsSettings | None = None) -> Backend:
    """The backend the settings choose (FAME_IPFS_BACKEND: embedded, kubo or pinning)."""
    if s is None:
        from .settings import ipfs_settings

        s = ipfs_settings()
    kind = getattr(s, "ipfs_backend", "embedded")
    timeout = float(getattr(s, "ipfs_timeout", 60.0))
    if kind == "embedded":
        return EmbeddedBackend(open_store(s))
    if kind == "kubo":
        return KuboBackend(s.kubo_api_url, timeout, secret(getattr(s, "kubo_api_auth", None)))
    if kind == "pinning":
        url = getattr(s, "pinning_service_url", None)
        token = secret(getattr(s, "pinning_service_token", None))
        if not url:
            raise IpfsError("FAME_IPFS_BACKEND=pinning needs FAME_PINNING_SERVICE_URL (and _TOKEN)")
        return PinningServiceBackend(PinningServiceClient(url, token or "", timeout), EmbeddedBackend(open_store(s)))
    raise IpfsError(f"unknown FAME_IPFS_BACKEND {kind!r}: use embedded, kubo or pinning")


def rpc_backend(s: IpfsSettings | None = None, url: str | None = None) -> KuboBackend:
    """The embedded store's RPC API as a backend: what a tool beside the store's writer process
    (the web app, `fame ipfs gateway`) pins through. `url`: that API (default: the settings'
    ipfs_rpc_url); FAME_IPFS_API_TOKEN goes with each request when set."""
    if s is None:
        from .settings import ipfs_settings

        s = ipfs_settings()
    token = secret(s.ipfs_api_token)
    return KuboBackend(url or s.ipfs_rpc_url, float(s.ipfs_timeout), f"Bearer {token}" if token else None)


def open_store(s: object | None = None) -> BlockStore:
    """The embedded block store the settings point at."""
    if s is None:
        from .settings import ipfs_settings

        s = ipfs_settings()
    path = store_dir(s)
    try:
        return BlockStore(path, fsync=bool(getattr(s, "ipfs_fsync", True)))
    except OSError as err:
        raise IpfsError(
            f"cannot open the IPFS store at {path}: {os.strerror(err.errno or 0) or err}; check FAME_IPFS_DIR"
        ) from None
