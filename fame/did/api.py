"""The DIF universal-resolver HTTP binding: `GET /1.0/identifiers/{did}`.

200 with {didDocument, didResolutionMetadata, didDocumentMetadata}; 400 for `invalidDid`,
404 for `notFound`, 501 for `methodNotSupported` (the body carries the same three members);
503 with `internalError` while the chain or its deployment cannot be read.
Mount with `app.include_router(did_router(resolver))`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from fastapi import APIRouter
from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from .resolver import Resolution

MEDIA_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
STATUS = {"invalidDid": 400, "notFound": 404, "methodNotSupported": 501}


class SupportsResolve(Protocol):
    """What the endpoint needs of a resolver (fame.did.resolver.Resolver is one)."""

    def resolve(self, did: str) -> Resolution: ...


def did_router(resolver_factory: Callable[[], SupportsResolve]) -> APIRouter:
    """`resolver_factory()` returns an object with `resolve(did)` (a fame.did.resolver.Resolver)."""
    router = APIRouter()

    @router.get("/1.0/identifiers/{did:path}")
    def resolve_identifier(did: str) -> JSONResponse:
        from fame.errors import FameError

        try:
            doc, meta, doc_meta = resolver_factory().resolve(did)
        except FameError as err:  # no node yet, no deployment yet
            doc, meta, doc_meta = None, {"error": "internalError", "message": str(err)}, {}
            body = {
                "@context": "https://w3id.org/did-resolution/v1",
                "didDocument": doc,
                "didResolutionMetadata": meta,
                "didDocumentMetadata": doc_meta,
            }
            return JSONResponse(body, status_code=503, media_type=MEDIA_TYPE)
        status = STATUS.get(meta["error"], 500) if "error" in meta else 200
        body = {
            "@context": "https://w3id.org/did-resolution/v1",
            "didDocument": doc,
            "didResolutionMetadata": meta,
            "didDocumentMetadata": doc_meta,
        }
        return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)

    return router
