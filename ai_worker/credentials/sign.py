"""Signing: embeds a C2PA manifest (ai_worker.credentials.claim) into content bytes with
c2pa's Builder and the worker's certificate (ai_worker.credentials.certs), and names the
hash the chain should anchor.

    creds = ensure_credentials(state_dir, account)
    marked = watermark.embed(image, Payload.for_request(persona_id, request_id))
    signed = sign(png_bytes(marked), "image/png", claim, creds)
    item = make_item(content=signed, ...)   # the JSON manifest's CID and sha256 are of `signed`

Order matters: the watermark goes into the pixels first, C2PA signs the final bytes (its
hard binding hashes them), and only then is the IPFS CID computed. Anything that changes the
bytes after signing breaks the C2PA hash check, which is the point.

Media types: c2pa 0.91 embeds into PNG, JPEG, WAV, MP4/M4A audio (AAC), MP3, FLAC and MP4
video; Ogg (Opus/Vorbis) is not among its formats (it answers "type is unsupported"), so a
voice module should hand over WAV or M4A.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from .certs import WorkerCredentials
from .claim import CredentialClaim, manifest_definition
from .errors import CredentialsError

# media type -> the c2pa format name it is signed as
MEDIA_TYPES = {
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "audio/wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-wav": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp4": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "audio/mpeg": "audio/mpeg",
    "audio/flac": "audio/flac",
    "video/mp4": "video/mp4",
}
UNSUPPORTED = {"audio/ogg": "Ogg (Opus/Vorbis)", "audio/opus": "Opus", "video/webm": "WebM"}


def c2pa_format(media_type: str) -> str:
    """The c2pa format for a media type, or a CredentialsError naming the ones that work."""
    base = media_type.split(";")[0].strip().lower()
    if base in MEDIA_TYPES:
        return MEDIA_TYPES[base]
    what = UNSUPPORTED.get(base, base)
    raise CredentialsError(
        f"content credentials cannot be embedded in {what}: c2pa signs {', '.join(sorted(set(MEDIA_TYPES.values())))}"
        " (encode voice as WAV or M4A/AAC)"
    )


def sign(
    content: bytes,
    media_type: str,
    claim: CredentialClaim,
    credentials: WorkerCredentials,
    *,
    thumbnail: bool = False,
) -> bytes:
    """The content with a signed C2PA manifest embedded. thumbnail: c2pa's JPEG thumbnail of an
    image inside the manifest (off by default: the content already is the picture, and the
    thumbnail can be larger than a small PNG)."""
    return sign_with_manifest(content, media_type, claim, credentials, thumbnail=thumbnail)[0]


def sign_with_manifest(
    content: bytes,
    media_type: str,
    claim: CredentialClaim,
    credentials: WorkerCredentials,
    *,
    thumbnail: bool = False,
) -> tuple[bytes, bytes]:
    """(signed bytes, the raw C2PA manifest store c2pa embedded)."""
    import c2pa

    fmt = c2pa_format(media_type)
    worker: dict[str, Any] = {"address": credentials.address, "root": credentials.root_pem.decode()}
    if credentials.attestation:
        worker["rootAttestation"] = credentials.attestation
    definition = manifest_definition(claim, fmt, worker, version=_version())
    info = c2pa.C2paSignerInfo(
        alg=b"es256", sign_cert=credentials.chain_pem, private_key=credentials.key_pem, ta_url=None
    )
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": bool(thumbnail)}}})
    out = io.BytesIO()
    try:
        with c2pa.Builder(definition, context=context) as builder:
            manifest = builder.sign(c2pa.Signer.from_info(info), fmt, io.BytesIO(content), out)
    except c2pa.C2paError as err:
        raise CredentialsError(f"c2pa could not sign this {media_type} content: {err}") from None
    return out.getvalue(), bytes(manifest)


def anchor_hash(signed_bytes: bytes) -> bytes:
    """The bytes32 to anchor for a signed file: SHA-256 of the exact bytes published.

    It is the `content.sha256` of the JSON disclosure manifest (ai_worker.manifest) when that
    manifest is built around the signed bytes, and those same bytes are what the content CID
    posted by `fulfil` addresses; so one file, one CID, one hash, and a change to a single
    byte (pixels, C2PA manifest or container) changes all three."""
    return hashlib.sha256(signed_bytes).digest()


def _version() -> str:
    from ..model_info import package_version

    return package_version("fameengine")
