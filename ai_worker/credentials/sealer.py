"""One place where made content gets its credentials: the watermark in the pixels and the
signed C2PA manifest around the bytes, with the JSON manifest's "credentials" field that says
so. The content pipeline (paid requests) and the persona runtime (scheduled posts) both seal
through a `Sealer`, so a persona's picture carries the same credentials whichever made it.

A sealer without credentials changes nothing and adds no field (a worker set up without them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image

from .watermark import Payload

if TYPE_CHECKING:
    from .certs import WorkerCredentials


class Sealer:
    def __init__(self, credentials: WorkerCredentials | None) -> None:
        self.credentials = credentials

    @property
    def active(self) -> bool:
        return self.credentials is not None

    def payload(self, persona_id: Any, request_id: Any) -> Payload:
        return Payload.for_request(persona_id, request_id)

    def frame_filter(self, persona_id: Any, request_id: Any) -> Callable[[Image.Image], Image.Image] | None:
        """What marks each picture or frame of one request (None without credentials)."""
        if self.credentials is None:
            return None
        from .watermark import embed

        payload = self.payload(persona_id, request_id)

        def mark(image: Image.Image) -> Image.Image:
            marked: Image.Image = embed(image, payload)
            return marked

        return mark

    def watermark(self, image: Image.Image, persona_id: Any, request_id: Any) -> Image.Image:
        """The picture with the request's invisible watermark (unchanged without credentials)."""
        mark = self.frame_filter(persona_id, request_id)
        return image if mark is None else mark(image)

    def seal(
        self,
        content: bytes,
        media_type: str,
        *,
        persona_id: Any,
        request_id: Any,
        persona_name: str,
        models: dict[str, Any],
        emotion: str,
        seed: int | None,
        brief_hash: str | None,
        watermarked: bool,
    ) -> tuple[bytes, dict[str, Any]]:
        """(the content with its signed C2PA manifest, the JSON manifest's "credentials" field);
        without credentials the content is returned as it is, with no field."""
        if self.credentials is None:
            return content, {}
        from .claim import CredentialClaim
        from .sign import sign
        from .watermark import METHOD

        payload = self.payload(persona_id, request_id).hex if watermarked else None
        claim = CredentialClaim(
            persona_id=persona_id,
            request_id=request_id,
            persona_name=persona_name,
            models=models,
            emotion=emotion,
            seed=seed,
            brief_hash=brief_hash,
            watermark=payload,
        )
        signed = sign(content, media_type, claim, self.credentials)
        field: dict[str, Any] = {"c2pa": True, "signer": self.credentials.address}
        if payload:
            field["watermark"] = {"method": METHOD, "payload": payload}
        return signed, {"credentials": field}
