"""Content manifests: what an AI worker made, with which models, for whom, with an explicit
AI-generated disclosure, signed by the worker's key.

A manifest is a JSON object; its canonical form is UTF-8 JSON with sorted keys and no
spaces (`canonical_json`), and the worker signs the canonical form of the manifest
without its "signature" field with EIP-191 personal_sign (eth_account). Anyone can check
it with `verify_manifest`, which recovers the signer and compares it with "worker".

    item = make_item(content=png_bytes, media_type="image/png", persona_id=7, request_id=12,
                     brief="rooftop garden", emotion="joy", seed=42, models=[...],
                     caption="...", signer=account)
    cids = publish(item, backend)          # pins the content, then the manifest
    cids.content_cid, cids.manifest_cid

Values are strings, integers, booleans, lists and objects only (no floats), so the
canonical form is the same in every JSON implementation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fame.errors import FameError

from .emotions import check
from .model_info import ModelInfo

MANIFEST_TYPE = "fameengine/content-manifest"
MANIFEST_VERSION = 1
DISCLOSURE = (
    "AI-generated content: an AI worker of FameEngine made this for the virtual influencer {persona}, "
    "an AI persona and not a real person."
)


class ManifestError(FameError):
    """A manifest that is malformed, unsigned, tampered with, or does not match its content."""


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; floats refused (they have no single canonical text)."""

    def walk(x: Any) -> None:
        if isinstance(x, float):
            raise ManifestError("manifests hold no floating-point numbers; use integers or strings")
        if isinstance(x, Mapping):
            for k, v in x.items():
                if not isinstance(k, str):
                    raise ManifestError(f"manifest keys must be strings, got {k!r}")
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)

    walk(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signing_payload(manifest: Mapping[str, Any]) -> bytes:
    """The bytes the worker signs: the canonical manifest without "signature"."""
    return canonical_json({k: v for k, v in manifest.items() if k != "signature"})


def brief_hash(brief: str | bytes | None) -> str:
    """0x-prefixed keccak256 of the request brief (UTF-8), the form a contract can recompute."""
    from eth_utils import keccak

    data = brief.encode("utf-8") if isinstance(brief, str) else (brief or b"")
    return "0x" + keccak(data).hex()


def _model_json(m: ModelInfo | Mapping[str, Any], role: str | None = None) -> dict[str, Any]:
    out = dict(m.to_json() if isinstance(m, ModelInfo) else m)
    if role and "role" not in out:
        out["role"] = role
    for key in ("name", "version"):
        if not isinstance(out.get(key), str) or not out[key]:
            raise ManifestError(f"every model needs a non-empty string {key!r}, got {out!r}")
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_manifest(
    *,
    persona_id: int | str,
    request_id: int | str,
    models: Iterable[ModelInfo | Mapping[str, Any]] | Mapping[str, ModelInfo | Mapping[str, Any]],
    brief: str | None,
    emotion: str,
    seed: int,
    content_cid: str,
    signer: Any,
    persona_name: str | None = None,
    media_type: str = "image/png",
    content_bytes: bytes | None = None,
    caption: str | None = None,
    emotional_state: str | None = None,
    created_at: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A signed manifest (a JSON-ready dict).

    models: ModelInfo / dicts, or {role: model} (e.g. {"image": gen.info, "caption": cap.info}).
    signer: an eth_account LocalAccount (anything with .address and .sign_message).
    content_bytes: when given, their size and sha256 are recorded too.
    """
    if isinstance(models, Mapping):
        model_list = [_model_json(m, role) for role, m in models.items()]
    else:
        model_list = [_model_json(m) for m in models]
    if not model_list:
        raise ManifestError("a manifest names at least one model")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ManifestError(f"seed must be an integer, got {seed!r}")
    name = persona_name or f"persona {persona_id}"
    content: dict[str, Any] = {"cid": str(content_cid), "mediaType": media_type}
    if content_bytes is not None:
        content["bytes"] = len(content_bytes)
        content["sha256"] = hashlib.sha256(content_bytes).hexdigest()
    manifest: dict[str, Any] = {
        "type": MANIFEST_TYPE,
        "version": MANIFEST_VERSION,
        "persona": {"id": persona_id, "name": name},
        "requestId": request_id,
        "models": model_list,
        "briefHash": brief_hash(brief),
        "emotion": check(emotion),
        "seed": seed,
        "createdAt": created_at or _now(),
        "content": content,
        "aiGenerated": True,
        "disclosure": DISCLOSURE.format(persona=name),
        "worker": signer.address,
    }
    if caption is not None:
        manifest["caption"] = caption
    if emotional_state is not None:
        manifest["emotionalState"] = check(emotional_state)
    if extra:
        clash = set(extra) & set(manifest)
        if clash:
            raise ManifestError(f"extra fields would overwrite {sorted(clash)}")
        manifest.update(extra)
    return sign_manifest(manifest, signer)


def sign_manifest(manifest: Mapping[str, Any], signer: Any) -> dict[str, Any]:
    """The manifest with "worker" set to the signer and a fresh "signature"."""
    from eth_account.messages import encode_defunct

    body = {k: v for k, v in manifest.items() if k != "signature"}
    body["worker"] = signer.address
    signed = signer.sign_message(encode_defunct(primitive=signing_payload(body)))
    return {**body, "signature": "0x" + bytes(signed.signature).hex()}


def recover_signer(manifest: Mapping[str, Any]) -> str:
    """The checksummed address that signed the manifest (ManifestError when unsigned or unreadable)."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    sig = manifest.get("signature")
    if not isinstance(sig, str) or not sig.startswith("0x"):
        raise ManifestError("the manifest is not signed (no 0x signature)")
    try:
        return Account.recover_message(encode_defunct(primitive=signing_payload(manifest)), signature=sig)
    except ManifestError:
        raise
    except Exception as err:  # malformed signature bytes
        raise ManifestError(f"the manifest signature cannot be read: {err}") from None


REQUIRED = (
    "type",
    "version",
    "persona",
    "requestId",
    "models",
    "briefHash",
    "emotion",
    "seed",
    "createdAt",
    "content",
    "aiGenerated",
    "disclosure",
    "worker",
    "signature",
)


def verify_manifest(
    manifest: Mapping[str, Any], expected_signer: str | None = None, content: bytes | None = None
) -> str:
    """Checks a manifest; returns the signer's address, or raises ManifestError saying what is wrong.

    expected_signer: the worker address it must come from (e.g. the one on chain).
    content: the content bytes, to check against the recorded CID (and sha256, size).
    """
    missing = [k for k in REQUIRED if k not in manifest]
    if missing:
        raise ManifestError(f"the manifest lacks {', '.join(missing)}")
    if manifest["type"] != MANIFEST_TYPE or manifest["version"] != MANIFEST_VERSION:
        raise ManifestError(f"not a {MANIFEST_TYPE} v{MANIFEST_VERSION} manifest")
    if manifest["aiGenerated"] is not True or not str(manifest["disclosure"]).strip():
        raise ManifestError("the manifest does not disclose that the content is AI-generated")
    signer = recover_signer(manifest)
    if signer.lower() != str(manifest["worker"]).lower():
        raise ManifestError(
            f"the signature is by {signer}, not by the worker {manifest['worker']}: "
            "the manifest was altered or signed by another key"
        )
    if expected_signer is not None and signer.lower() != expected_signer.lower():
        raise ManifestError(f"the manifest is signed by {signer}, expected {expected_signer}")
    if content is not None:
        from fame.ipfs import compute_cid

        recorded = manifest["content"]
        cid = str(compute_cid(content))
        if cid != recorded.get("cid"):
            raise ManifestError(f"the content's CID is {cid}, the manifest says {recorded.get('cid')}")
        if "sha256" in recorded and hashlib.sha256(content).hexdigest() != recorded["sha256"]:
            raise ManifestError("the content's sha256 differs from the manifest's")
    return signer


def is_valid_manifest(manifest: Mapping[str, Any], expected_signer: str | None = None) -> bool:
    try:
        verify_manifest(manifest, expected_signer)
        return True
    except ManifestError:
        return False


# ---------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Attachment:
    """A file that goes with the content (a video's subtitles or poster), named by its CID in
    the manifest's "attachments" under its role."""

    filename: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class ContentItem:
    """Content bytes with their signed manifest (whose content CID was computed locally)."""

    content: bytes
    manifest: dict[str, Any]
    filename: str = "content.png"
    attachments: Mapping[str, Attachment] = field(default_factory=dict)

    @property
    def manifest_bytes(self) -> bytes:
        return canonical_json(self.manifest)


@dataclass(frozen=True)
class Published:
    content_cid: str
    manifest_cid: str


def make_item(
    *,
    content: bytes,
    signer: Any,
    filename: str = "content.png",
    attachments: Mapping[str, Attachment] | None = None,
    **manifest_fields: Any,
) -> ContentItem:
    """Computes the content's CID (as `ipfs add` would), builds and signs the manifest around it.
    attachments: {role: Attachment}; the manifest names each one's CID, media type and sha256."""
    from fame.ipfs import compute_cid

    cid = str(compute_cid(content))
    files = dict(attachments or {})
    if files:
        listed = {
            role: {
                "cid": str(compute_cid(a.data)),
                "mediaType": a.media_type,
                "sha256": hashlib.sha256(a.data).hexdigest(),
            }
            for role, a in files.items()
        }
        extra = dict(manifest_fields.pop("extra", None) or {})
        extra["attachments"] = listed
        manifest_fields["extra"] = extra
    manifest = build_manifest(content_cid=cid, content_bytes=content, signer=signer, **manifest_fields)
    return ContentItem(content, manifest, filename, files)


def publish(item: ContentItem, backend: Any) -> Published:
    """Pins the content, checks its CID against the manifest, then pins the manifest (canonical JSON).

    backend: a fame.ipfs backend (get_backend(), EmbeddedBackend(BlockStore(...)), ...).
    """
    verify_manifest(item.manifest)
    for role, attachment in item.attachments.items():  # first: the manifest names them
        stored = str(backend.add(attachment.data, name=attachment.filename))
        if stored != item.manifest["attachments"][role]["cid"]:
            raise ManifestError(f"the IPFS backend stored the {role} as {stored}, not as the manifest says")
    content_cid = str(backend.add(item.content, name=item.filename))
    recorded = item.manifest["content"]["cid"]
    if content_cid != recorded:
        raise ManifestError(
            f"the IPFS backend stored the content as {content_cid}, but the manifest says {recorded}; "
            "use a backend that adds with CIDv0 defaults"
        )
    manifest_cid = str(backend.add(item.manifest_bytes, name="manifest.json"))
    return Published(content_cid, manifest_cid)
