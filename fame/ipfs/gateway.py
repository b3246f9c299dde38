"""FameEngine's IPFS HTTP gateway (FastAPI) over the embedded block store: two apps, one
process (the store has one writer), two listeners, as an IPFS node has its gateway and its RPC.

The gateway (`create_app`, public: FAME_HOST:FAME_GATEWAY_PORT), read only, for the web
frontend and anyone holding a CID from the chain:

* `GET /ipfs/{cid}`: the file's exact bytes, with ETag = CID, immutable caching,
  Range requests and a sniffed Content-Type (or the one `?filename=` implies);
* `?format=car` (or `Accept: application/vnd.ipld.car`): the whole DAG as a CAR v1 the
  client verifies itself (trustless-gateway style); `?format=raw`: the single block.

Anything under /api/v0 there is a 404 that says where the RPC API is.

The RPC API (`create_rpc_app`, the operator's: FAME_IPFS_RPC_HOST:FAME_IPFS_RPC_PORT,
loopback by default), the write side for FameEngine's own tools: a subset of Kubo's RPC API
(POST /api/v0/add, /cat, /pin/add, /pin/rm, /pin/ls, /dag/import, /version), answering in
Kubo's shapes, so the same client code (fame.ipfs.backends.KuboBackend) works against a Kubo
node and against this one. Uploads stop at FAME_IPFS_MAX_UPLOAD_BYTES (413, checked while the
body streams in). When FAME_IPFS_API_TOKEN is set, every request needs it as a bearer token;
bound to anything but loopback, the listener does not start without one (`check_rpc_exposure`).
No browser request is served (a request with an Origin header is refused). Every error a
client can cause is a 4xx with a one-line message.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import logging
import mimetypes
import re
import secrets
import signal
import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from ..errors import FameError
from .car import CAR_CONTENT_TYPE, CAR_MEDIA_TYPE, car_sections
from .cid import CID
from .errors import BlockNotFound, IpfsError, UploadTooLarge
from .multipart import MultipartParser, Part, boundary_of
from .store import BlockStore, Import, Pin
from .unixfs import file_node

if TYPE_CHECKING:
    from ..did.api import SupportsResolve

log = logging.getLogger("fame.ipfs.gateway")

IMMUTABLE = "public, max-age=29030400, immutable"
RAW_MEDIA_TYPE = "application/vnd.ipld.raw"
SNIFF_BYTES = 512
# Multipart framing on top of the file bytes that an upload may carry.
MULTIPART_SLACK = 64 * 1024
# After refusing an oversized streamed upload, at most this much more is read and
# dropped so the client gets the 413 instead of a broken connection.
DRAIN_LIMIT = 64 * 1024 * 1024
API_VERSION = "0.1.0-fameengine"
# Largest byte offset or length a request may name (a file is never larger).
MAX_OFFSET = 2**63 - 1
# Content is public and immutable: any web origin (FameEngine's frontend) may read it.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Range, Content-Length, ETag, X-Ipfs-Path",
}


class BadRequest(IpfsError):
    status = 400


class Unauthorized(IpfsError):
    status = 401


class Forbidden(IpfsError):
    status = 403


class NotPinned(IpfsError):
    status = 404


# ---------------------------------------------------------------------------- helpers

_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm"),
    (b"OggS", 0, "audio/ogg"),
    (b"ID3", 0, "audio/mpeg"),
    (b"fLaC", 0, "audio/flac"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"\x1f\x8b", 0, "application/gzip"),
    (b"wOF2", 0, "font/woff2"),
    (b"wOFF", 0, "font/woff"),
]


def sniff_content_type(head: bytes, filename: str | None = None) -> str:
    """Content-Type from the file name's extension when given, else from the first bytes."""
    if filename:
        guessed, _enc = mimetypes.guess_type(filename, strict=False)
        if guessed:
            return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")
    for magic, offset, ctype in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith((b"avif", b"avis")):
            return "image/avif"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4"
    if not head:
        return "text/plain; charset=utf-8"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        # a multi-byte character cut at the end of the sniffed window is still text
        if err.start < len(head) - 3:
            return "application/octet-stream"
        text = head[: err.start].decode("utf-8")
    if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text):
        return "application/octet-stream"
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "application/json"
    lower = stripped[:256].lower()
    if lower.startswith(("<!doctype html", "<html")):
        return "text/html; charset=utf-8"
    if lower.startswith("<svg") or (lower.startswith("<?xml") and "<svg" in lower):
        return "image/svg+xml"
    return "text/plain; charset=utf-8"


_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte for a single-range `Range` header; None to serve the whole file
    (no header, a malformed one, or several ranges: RFC 9110 lets a server ignore those);
    "unsatisfiable" when the range lies outside the file."""
    if not header:
        return None
    m = _RANGE_RE.match(header)
    if not m:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _bool(value: str | None, default: bool, name: str) -> bool:
    if value is None or value == "":
        return default
    v = value.strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise BadRequest(f"{name} must be true or false, got {value!r}")


def _args(request: Request) -> list[str]:
    args = request.query_params.getlist("arg")
    if not args:
        raise BadRequest("argument 'arg' (a CID) is required")
    out = []
    for a in args:
        a = a.strip()
        if a.startswith("/ipfs/"):
            a = a[len("/ipfs/") :]
        out.append(a)
    return out


def _content_disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "").replace("\\", "")
    from urllib.parse import quote

    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# ---------------------------------------------------------------------------- apps


def _errors(app: FastAPI) -> None:
    """Every IpfsError as its status with a one-line message: Kubo's shape under /api/v0/."""

    @app.exception_handler(IpfsError)
    async def ipfs_error(request: Request, err: IpfsError) -> JSONResponse:
        if err.status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, err)
        if request.url.path.startswith("/api/v0/"):
            # Kubo's error shape, so one client parses errors from both.
            return JSONResponse({"Message": str(err), "Code": 0, "Type": "error"}, status_code=err.status)
        return JSONResponse({"detail": str(err)}, status_code=err.status, headers=CORS_HEADERS)


def _kubo_error(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"Message": message, "Code": 0, "Type": "error"}, status_code=status, headers=headers)


def create_app(
    store: BlockStore,
    *,
    did_resolver: Callable[[], SupportsResolve] | None = None,
) -> FastAPI:
    """The public gateway over `store`, read only: content by CID. `did_resolver`: a callable
    returning a fame.did Resolver, to also serve the DIF universal-resolver endpoint
    /1.0/identifiers/{did} (None: not served). The write side is `create_rpc_app`'s."""
    app = FastAPI(
        title="FameEngine IPFS gateway",
        version=API_VERSION,
        description="Serves content by CID (exact bytes, ranges, CAR, raw blocks) from FameEngine's embedded "
        "block store. Read only: the write API (/api/v0) listens on the node's RPC port, loopback by default.",
    )
    app.state.store = store
    if did_resolver is not None:
        from ..did.api import did_router

        app.include_router(did_router(did_resolver), tags=["did"])
    _errors(app)

    # ------------------------------------------------------------------ health
    @app.get("/health", summary="Liveness and store summary", tags=["gateway"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "store": str(store.path), "pins": len(store.pins())}

    # ------------------------------------------------------------------ read
    @app.api_route(
        "/ipfs/{cid}",
        methods=["GET", "HEAD"],
        tags=["gateway"],
        summary="Content by CID",
        response_class=Response,
        responses={
            200: {
                "description": "The file's bytes, typed from ?filename= or else sniffed from its first bytes "
                "(image/png, application/json, video/mp4, text/plain...; application/octet-stream when "
                "neither tells), or a CAR / raw block with ?format=",
                "content": {
                    "application/octet-stream": {},
                    CAR_MEDIA_TYPE: {},
                    RAW_MEDIA_TYPE: {},
                    "*/*": {},
                },
            },
            206: {"description": "The requested byte range"},
            304: {"description": "Not modified (If-None-Match matched the CID)"},
            400: {"description": "Malformed CID or parameter"},
            404: {"description": "CID not in this store"},
            416: {"description": "Range outside the file"},
            422: {"description": "The CID names something other than a file"},
        },
    )
    async def get_ipfs(
        request: Request,
        cid: str,
        format: Annotated[str | None, Query(description="`car`: the DAG as a CAR v1; `raw`: the single block")] = None,
        filename: Annotated[str | None, Query(description="Name used for Content-Type and Content-Disposition")] = None,
        download: Annotated[bool, Query(description="Content-Disposition: attachment")] = False,
    ) -> Response:
        c = CID.parse(cid)
        fmt = (format or "").lower() or _format_from_accept(request.headers.get("accept", ""))
        head_only = request.method == "HEAD"
        base_headers = {
            "X-Ipfs-Path": f"/ipfs/{cid}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": IMMUTABLE,
            "Vary": "Accept",
            **CORS_HEADERS,
        }
        if fmt == "car":
            return await _serve_car(request, c, base_headers, head_only)
        if fmt == "raw":
            return await _serve_raw(request, c, base_headers, head_only)
        if fmt:
            raise BadRequest(f"unsupported format {fmt!r} (use car or raw)")
        return await _serve_file(request, c, filename, download, base_headers, head_only)

    @app.options("/ipfs/{cid}", include_in_schema=False)
    async def preflight(cid: str) -> Response:
        return Response(
            status_code=204,
            headers={
                **CORS_HEADERS,
                "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                "Access-Control-Allow-Headers": "Range, If-None-Match, Accept",
                "Access-Control-Max-Age": "86400",
            },
        )

    @app.api_route("/ipfs/{cid}/{path:path}", methods=["GET", "HEAD"], tags=["gateway"], include_in_schema=False)
    async def get_ipfs_path(cid: str, path: str) -> Response:
        CID.parse(cid)
        raise BadRequest("paths inside a CID are not served: FameEngine content is single files, use /ipfs/{cid}")

    def _etag_match(request: Request, etag: str) -> bool:
        inm = request.headers.get("if-none-match")
        if not inm:
            return False
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags

    async def _serve_file(
        request: Request, c: CID, filename: str | None, download: bool, headers: dict[str, str], head_only: bool
    ) -> Response:
        root = await run_in_threadpool(store.get, c)
        _node, ufs = file_node(c, root)
        size = ufs.size
        etag = f'"{c}"'
        headers = {**headers, "ETag": etag, "Accept-Ranges": "bytes"}
        if _etag_match(request, etag):
            return Response(status_code=304, headers=headers)
        head = b"".join(await run_in_threadpool(lambda: list(store.cat(c, 0, SNIFF_BYTES))))
        headers["Content-Type"] = sniff_content_type(head, filename)
        if filename or download:
            headers["Content-Disposition"] = _content_disposition(
                "attachment" if download else "inline", filename or str(c)
            )
        rng = parse_range(request.headers.get("range"), size)
        if rng == "unsatisfiable":
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        status = 200
        start, length = 0, size
        if isinstance(rng, tuple):
            start, last = rng
            length = last - start + 1
            status = 206
            headers["Content-Range"] = f"bytes {start}-{last}/{size}"
        headers["Content-Length"] = str(length)
        if head_only or length == 0:
            return Response(status_code=status, headers=headers)
        body = await _peeked(_guarded(store.cat(c, start, length), c))
        return StreamingResponse(iterate_in_threadpool(body), status_code=status, headers=headers)

    async def _serve_raw(request: Request, c: CID, headers: dict[str, str], head_only: bool) -> Response:
        block = await run_in_threadpool(store.get, c)
        etag = f'"{c}.raw"'
        headers = {
            **headers,
            "ETag": etag,
            "Content-Type": RAW_MEDIA_TYPE,
            "Content-Disposition": _content_disposition("attachment", f"{c}.bin"),
        }
        if _etag_match(request, etag):
            return Response(status_code=304, headers=headers)
        if head_only:
            return Response(headers={**headers, "Content-Length": str(len(block))})
        return Response(block, headers=headers)

    async def _serve_car(request: Request, c: CID, headers: dict[str, str], head_only: bool) -> Response:
        if not await run_in_threadpool(store.has, c):
            raise BlockNotFound(f"block {c} is not in the store")
        etag = f'"{c}.car"'
        headers = {
            **headers,
            "ETag": etag,
            "Content-Type": CAR_CONTENT_TYPE,
            "Content-Disposition": _content_disposition("attachment", f"{c}.car"),
        }
        if _etag_match(request, etag):
            return Response(status_code=304, headers=headers)
        if head_only:
            return Response(headers=headers)
        body = _guarded(car_sections([c], store.walk(c)), c)
        return StreamingResponse(iterate_in_threadpool(body), headers=headers)

    @app.api_route(
        "/api/v0/{rest:path}",
        methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
        include_in_schema=False,
    )
    async def no_rpc_here(rest: str) -> JSONResponse:
        return _kubo_error(
            "the IPFS RPC API (/api/v0) is not served on the public gateway: it listens on the node's RPC "
            "port (FAME_IPFS_RPC_HOST:FAME_IPFS_RPC_PORT, loopback by default), for the operator's tools",
            404,
        )

    return app


def create_rpc_app(
    store: BlockStore,
    *,
    max_upload_bytes: int | None = None,
    api_token: str | None = None,
) -> FastAPI:
    """The RPC API over `store` (the write side; Kubo's subset). `max_upload_bytes`: largest
    /api/v0/add or /api/v0/dag/import upload (None: no limit); `api_token`: bearer token every
    request needs (None: open to whoever reaches the listener, which must then be loopback)."""
    app = FastAPI(
        title="FameEngine IPFS RPC API",
        version=API_VERSION,
        description="The subset of Kubo's RPC API (/api/v0) FameEngine's tools use, over its embedded block "
        "store: add, cat, pin, unpin, list pins, import a CAR. The operator's listener, loopback by default.",
    )
    app.state.store = store
    _errors(app)

    def require_token(request: Request) -> None:
        # A web page must not drive the write API from a visitor's browser (a multipart POST
        # needs no CORS preflight, and a DNS-rebinding page can even make it same-origin):
        # browsers always send Origin on such requests, FameEngine's tools never do.
        origin = request.headers.get("origin")
        if origin is not None:
            raise Forbidden(f"the IPFS RPC API does not accept browser requests (origin {origin[:100]!r})")
        if api_token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), api_token.encode()):
            raise Unauthorized("this IPFS RPC API needs 'Authorization: Bearer <FAME_IPFS_API_TOKEN>'")

    @app.get("/health", summary="Liveness", tags=["rpc"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": API_VERSION}

    # ------------------------------------------------------------------ Kubo RPC subset
    rpc_errors: dict[int | str, dict[str, Any]] = {
        400: {"description": "Bad argument"},
        401: {"description": "Missing or wrong API token"},
        403: {"description": "A browser's request (it carries an Origin header)"},
        404: {"description": "CID not in this store / not pinned"},
        405: {"description": "Kubo's RPC API takes POST only"},
    }

    @app.post(
        "/api/v0/add",
        tags=["rpc"],
        summary="Add a file (Kubo-compatible)",
        responses={
            200: {
                "description": "One JSON object per line: {Name, Hash, Size} per file part",
                "content": {"application/json": {"example": {"Name": "a.json", "Hash": "Qm...", "Size": "42"}}},
            },
            413: {"description": "Upload beyond FAME_IPFS_MAX_UPLOAD_BYTES"},
            **rpc_errors,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                    }
                },
            }
        },
    )
    async def rpc_add(
        request: Request,
        cid_version: Annotated[int, Query(alias="cid-version", ge=0, le=1, description="0 (Qm...) or 1")] = 0,
        raw_leaves: Annotated[
            str | None, Query(alias="raw-leaves", description="Raw leaf blocks; default true with cid-version=1")
        ] = None,
        pin: Annotated[str | None, Query(description="Pin the result (default true)")] = None,
        only_hash: Annotated[str | None, Query(alias="only-hash", description="Compute the CID, store nothing")] = None,
        chunker: Annotated[str | None, Query(description="Only size-262144 (the default) is supported")] = None,
        hash_fn: Annotated[
            str | None, Query(alias="hash", description="Only sha2-256 (the default) is supported")
        ] = None,
        wrap_with_directory: Annotated[
            str | None, Query(alias="wrap-with-directory", description="Not supported")
        ] = None,
        pin_name: Annotated[
            str | None, Query(alias="pin-name", description="Pin name (default: the file name)")
        ] = None,
    ) -> Response:
        require_token(request)
        rl = None if raw_leaves in (None, "") else _bool(raw_leaves, False, "raw-leaves")
        do_pin = _bool(pin, True, "pin")
        hash_only = _bool(only_hash, False, "only-hash")
        if chunker not in (None, "", "size-262144"):
            raise BadRequest(f"chunker {chunker!r} is not supported (FameEngine adds with size-262144)")
        if hash_fn not in (None, "", "sha2-256"):
            raise BadRequest(f"hash {hash_fn!r} is not supported (FameEngine adds with sha2-256)")
        if _bool(wrap_with_directory, False, "wrap-with-directory"):
            raise BadRequest("wrap-with-directory is not supported: add files one by one")
        boundary = boundary_of(request.headers.get("content-type"))
        declared = request.headers.get("content-length")
        if (
            max_upload_bytes is not None
            and declared
            and declared.isdigit()
            and int(declared) > max_upload_bytes + MULTIPART_SLACK
        ):
            raise UploadTooLarge(
                f"upload of {declared} bytes is larger than the {max_upload_bytes}-byte limit "
                "(FAME_IPFS_MAX_UPLOAD_BYTES)"
            )
        results = await _receive_files(request, boundary, cid_version, rl, do_pin, hash_only, pin_name)
        lines = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in results)
        return Response(lines, media_type="application/json", headers={"X-Chunked-Output": "1"})

    async def _receive_files(
        request: Request,
        boundary: str,
        cid_version: int,
        raw_leaves: bool | None,
        pin: bool,
        only_hash: bool,
        pin_name: str | None,
    ) -> list[dict[str, str]]:
        results: list[dict[str, str]] = []
        state: dict[str, Any] = {"imp": None, "part": None, "total": 0}

        def on_begin(part: Part) -> None:
            if part.is_directory:
                raise BadRequest("directories are not supported: add files one by one")
            remaining = None if max_upload_bytes is None else max_upload_bytes - state["total"]
            state["part"] = part
            state["imp"] = store.open_import(cid_version, raw_leaves, remaining, only_hash)

        def on_data(data: bytes) -> None:
            imp: Import = state["imp"]
            imp.write(data)

        def on_end() -> None:
            imp: Import = state["imp"]
            part: Part = state["part"]
            state["total"] += imp.bytes_written
            result = imp.finish(pin=pin, name=pin_name or part.filename)
            state["imp"] = None
            results.append(
                {"Name": part.filename or str(result.cid), "Hash": str(result.cid), "Size": str(result.dag_size)}
            )

        parser = MultipartParser(boundary, on_begin, on_data, on_end)
        stream = request.stream()
        try:
            async for chunk in stream:
                if chunk:
                    await run_in_threadpool(parser.feed, chunk)
            parser.finish()
        except IpfsError:
            # read what the client still sends, so it gets the 4xx and not a broken pipe
            await _drain(stream)
            raise
        finally:
            if state["imp"] is not None:
                state["imp"].abort()
        if not results:
            raise BadRequest("no file in the request: send it as a multipart part named 'file'")
        return results

    async def _drain(stream: AsyncIterator[bytes]) -> None:
        drained = 0
        try:
            async for chunk in stream:
                drained += len(chunk)
                if drained > DRAIN_LIMIT:
                    return
        except Exception:  # noqa: BLE001 - the client may have gone; the 413 is still the answer
            return

    @app.post(
        "/api/v0/cat",
        tags=["rpc"],
        summary="A file's bytes (Kubo-compatible)",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **rpc_errors},
    )
    async def rpc_cat(
        request: Request,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="First byte")] = 0,
        length: Annotated[int | None, Query(ge=0, le=MAX_OFFSET, description="At most this many bytes")] = None,
    ) -> Response:
        require_token(request)
        c = CID.parse(_args(request)[0])
        root = await run_in_threadpool(store.get, c)
        file_node(c, root)  # a 4xx now rather than a broken stream for a non-file
        body = await _peeked(_guarded(store.cat(c, offset, length), c))
        return StreamingResponse(
            iterate_in_threadpool(body), media_type="application/octet-stream", headers={"X-Stream-Output": "1"}
        )

    @app.post(
        "/api/v0/pin/add",
        tags=["rpc"],
        summary="Pin recursively (Kubo-compatible)",
        responses={200: {"content": {"application/json": {"example": {"Pins": ["Qm..."]}}}}, **rpc_errors},
    )
    async def rpc_pin_add(
        request: Request,
        recursive: Annotated[str | None, Query(description="Only recursive pins are supported")] = None,
        name: Annotated[str | None, Query(description="Optional pin name")] = None,
    ) -> dict[str, Any]:
        require_token(request)
        if not _bool(recursive, True, "recursive"):
            raise BadRequest("only recursive pins are supported")
        cids = [CID.parse(a) for a in _args(request)]
        for c in cids:
            await run_in_threadpool(store.pin, c, name)
        return {"Pins": [str(c) for c in cids]}

    @app.post(
        "/api/v0/pin/rm",
        tags=["rpc"],
        summary="Unpin (Kubo-compatible)",
        responses={200: {"content": {"application/json": {"example": {"Pins": ["Qm..."]}}}}, **rpc_errors},
    )
    async def rpc_pin_rm(request: Request) -> dict[str, Any]:
        require_token(request)
        cids = [CID.parse(a) for a in _args(request)]
        for c in cids:
            if not await run_in_threadpool(store.unpin, c):
                raise NotPinned(f"{c} is not pinned")
        return {"Pins": [str(c) for c in cids]}

    @app.post("/api/v0/pin/ls", tags=["rpc"], summary="List pins (Kubo-compatible)", responses=rpc_errors)
    async def rpc_pin_ls(request: Request) -> dict[str, Any]:
        require_token(request)
        pins = {p.cid: p for p in store.pins()}
        wanted = request.query_params.getlist("arg")
        if wanted:
            keys: dict[str, Pin] = {}
            for a in wanted:
                c = str(CID.parse(a.removeprefix("/ipfs/")))
                if c not in pins:
                    raise NotPinned(f"{c} is not pinned")
                keys[c] = pins[c]
        else:
            keys = pins
        return {"Keys": {c: {"Type": "recursive", "Name": p.name or ""} for c, p in keys.items()}}

    @app.post(
        "/api/v0/dag/import",
        tags=["rpc"],
        summary="Import a CAR v1 (Kubo-compatible)",
        responses={413: {"description": "CAR beyond FAME_IPFS_MAX_UPLOAD_BYTES"}, **rpc_errors},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                    }
                },
            }
        },
    )
    async def rpc_dag_import(
        request: Request,
        pin_roots: Annotated[
            str | None, Query(alias="pin-roots", description="Pin the CAR's roots (default true)")
        ] = None,
    ) -> Response:
        require_token(request)
        boundary = boundary_of(request.headers.get("content-type"))
        declared = request.headers.get("content-length")
        if (
            max_upload_bytes is not None
            and declared
            and declared.isdigit()
            and int(declared) > max_upload_bytes + MULTIPART_SLACK
        ):
            raise UploadTooLarge(
                f"CAR of {declared} bytes is larger than the {max_upload_bytes}-byte limit (FAME_IPFS_MAX_UPLOAD_BYTES)"
            )
        do_pin = _bool(pin_roots, True, "pin-roots")
        # The CAR is gathered in memory: CAR imports carry small DAGs (manifests, specs).
        car = bytearray()
        parts: list[bytes] = []

        def on_data(d: bytes) -> None:
            car.extend(d)
            if max_upload_bytes is not None and len(car) > max_upload_bytes:
                raise UploadTooLarge(f"CAR larger than the {max_upload_bytes}-byte limit (FAME_IPFS_MAX_UPLOAD_BYTES)")

        parser = MultipartParser(boundary, lambda _p: car.clear(), on_data, lambda: parts.append(bytes(car)))
        stream = request.stream()
        try:
            async for chunk in stream:
                if chunk:
                    parser.feed(chunk)
            parser.finish()
        except IpfsError:
            await _drain(stream)
            raise
        if not parts:
            raise BadRequest("no CAR in the request: send it as a multipart part named 'file'")
        lines = []
        for body in parts:
            roots = await run_in_threadpool(store.import_car, body, do_pin)
            lines += [json.dumps({"Root": {"Cid": {"/": str(r)}, "PinErrorMsg": ""}}) for r in roots]
        return Response("".join(line + "\n" for line in lines), media_type="application/json")

    @app.post("/api/v0/version", tags=["rpc"], summary="Version (Kubo-compatible shape)")
    async def rpc_version(request: Request) -> dict[str, Any]:
        require_token(request)
        return {"Version": API_VERSION, "Commit": "", "Repo": "fameengine", "System": "python", "Golang": ""}

    @app.api_route("/api/v0/{rest:path}", methods=["GET", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def rpc_wrong_method(request: Request, rest: str) -> JSONResponse:
        return _kubo_error(f"{request.method} is not allowed on the RPC API: use POST", 405, {"Allow": "POST"})

    return app


def _format_from_accept(accept: str) -> str:
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        if media == CAR_MEDIA_TYPE:
            return "car"
        if media == RAW_MEDIA_TYPE:
            return "raw"
    return ""


async def _peeked(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Read the first piece before the status line goes out, so that a DAG that fails on
    its way to the first byte gets a 4xx rather than a cut connection."""
    first = await run_in_threadpool(next, pieces, None)
    if first is None:
        return iter(())
    return itertools.chain((first,), pieces)


def _guarded(pieces: Iterator[bytes], cid: CID) -> Iterator[bytes]:
    """Log (once the status line is gone, nothing else can be done) a block that turns
    out missing or damaged in the middle of a response; the connection is then cut, so
    the client sees a short body rather than wrong bytes."""
    try:
        yield from pieces
    except IpfsError as err:
        log.error("while streaming %s: %s", cid, err)
        raise


# ---------------------------------------------------------------------------- serving


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_rpc_exposure(host: str, api_token: str | None) -> None:
    """The RPC API writes and unpins: bound to anything but loopback, it needs a token."""
    if not is_loopback(host) and not api_token:
        raise FameError(
            f"the IPFS RPC API would listen on {host}, beyond this machine, with no token: set "
            "FAME_IPFS_API_TOKEN (clients send it as 'Authorization: Bearer <token>', FAME_KUBO_API_AUTH for "
            "FameEngine's own), or keep FAME_IPFS_RPC_HOST on 127.0.0.1"
        )


class _Server(uvicorn.Server):
    """A uvicorn server whose signals `run_servers` handles, for every server together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def run_servers(listeners: list[tuple[FastAPI, str, int]], log_level: str = "info") -> None:
    """Serve each (app, host, port) in this thread's event loop until SIGINT or SIGTERM, or until
    one of them stops (a port it cannot bind): every one of them stops then."""
    servers = [
        _Server(uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False))
        for app, host, port in listeners
    ]

    def stop() -> None:
        for server in servers:
            if server.should_exit:
                server.force_exit = True  # a second Ctrl-C: do not wait for open connections
            server.should_exit = True

    async def main() -> None:
        if threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop)

        async def one(server: _Server) -> None:
            try:
                await server.serve()
            finally:
                stop()

        await asyncio.gather(*(one(server) for server in servers))

    asyncio.run(main())


def serve(
    store: BlockStore,
    host: str,
    port: int,
    rpc_host: str,
    rpc_port: int,
    max_upload_bytes: int | None = None,
    api_token: str | None = None,
    log_level: str = "info",
    did_resolver: Callable[[], SupportsResolve] | None = None,
) -> None:
    """Run the gateway (host:port) and the RPC API (rpc_host:rpc_port) in the foreground, in this
    process (the store's one writer); Ctrl-C or SIGTERM stops both."""
    check_rpc_exposure(rpc_host, api_token)
    gateway = create_app(store, did_resolver=did_resolver)
    rpc = create_rpc_app(store, max_upload_bytes=max_upload_bytes, api_token=api_token)
    run_servers([(gateway, host, port), (rpc, rpc_host, rpc_port)], log_level)
