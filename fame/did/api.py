"""The DIF universal-resolver HTTP binding: `GET /1.0/identifiers/{did}`.

200 with {didDocument, didResolutionMetadata, didDocumentMetadata}; 400 for `invalidDid`,
404 for `notFound`, 501 for `methodNotSupported` (the body carries the same three members);
503 with `internalError` while the chain or its deployment cannot be read. Each of them is in
the OpenAPI document (RESPONSES), with the media type DID Resolution names (MEDIA_TYPE).
Mount with `app.include_router(did_router(resolver))`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.convertors import PathConvertor, register_url_convertor

if TYPE_CHECKING:
    from .resolver import Resolution

MEDIA_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
STATUS = {"invalidDid": 400, "notFound": 404, "methodNotSupported": 501}


class AnyText(PathConvertor):
    """Starlette's `path` that takes line breaks too: any string reaches the resolver (a DID with
    a %0A in it is `invalidDid`, not the router's plain 404)."""

    regex = "(?s:.*)"


register_url_convertor("anytext", AnyText())


class ResolutionResponse(JSONResponse):
    """JSON with DID Resolution's media type (what the OpenAPI document says every answer is)."""

    media_type = MEDIA_TYPE


class ResolutionResult(BaseModel):
    """Every answer's body: DID Resolution's three outputs (empty ones on an error)."""

    model_config = ConfigDict(populate_by_name=True)

    context: str = Field(alias="@context", examples=["https://w3id.org/did-resolution/v1"])
    didDocument: dict[str, Any] | None = Field(description="the DID document; null on an error")
    didResolutionMetadata: dict[str, Any] = Field(description="`contentType`, or `error` (and a `message`)")
    didDocumentMetadata: dict[str, Any] = Field(description="`deactivated`, `created`, `documentCid`, ...")


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ResolutionResult, "description": "Resolved: the DID document and its metadata"},
    400: {"model": ResolutionResult, "description": "`invalidDid`: not a well-formed DID"},
    404: {"model": ResolutionResult, "description": "`notFound`: another chain, or no DID for this persona"},
    501: {"model": ResolutionResult, "description": "`methodNotSupported`: a DID of another method"},
    503: {"model": ResolutionResult, "description": "`internalError`: the chain or its deployment cannot be read"},
}


class SupportsResolve(Protocol):
    """What the endpoint needs of a resolver (fame.did.resolver.Resolver is one)."""

    def resolve(self, did: str) -> Resolution: ...


def did_router(resolver_factory: Callable[[], SupportsResolve]) -> APIRouter:
    """`resolver_factory()` returns an object with `resolve(did)` (a fame.did.resolver.Resolver)."""
    router = APIRouter()

    @router.get(
        "/1.0/identifiers/{did:anytext}",
        response_class=ResolutionResponse,
        response_model=None,
        responses=RESPONSES,
        summary="Resolve a DID (DIF universal-resolver binding)",
    )
    def resolve_identifier(
        did: Annotated[str, PathParam(examples=["did:fame:31337:1"], description="did:fame:<chain id>:<persona id>")],
    ) -> JSONResponse:
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
