"""Verification of a published content file: its C2PA signature and chain, the hash the chain
anchors, the AI disclosure it carries, the worker it names, and its invisible watermark.

    report = verify(path_or_bytes, expected_anchor=sha256_or_cid, trust_root_pem=root,
                    expected_worker="0x...")
    report.ok, report.failed, report.checks   # each check: pass / fail / skipped, with a reason

Trust: c2pa's Reader is given the trust root as its only trust anchor (Settings
`trust.trust_anchors`, `verify.verify_trust`), so "Trusted" means the signer's chain ends
in that root. Without a root, a caller that read the worker's address from the chain passes
`expected_worker`: the file carries its worker's root and the worker account's signature over
that root's fingerprint, and a root the expected worker vouched for is used as the anchor.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .claim import ACTIONS_LABEL, CONTENT_LABEL, IPTC_TRAINED

Status = Literal["pass", "fail", "skipped"]
CHECKS = ("signature", "trust", "worker", "disclosure", "anchor", "watermark")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "reason": self.reason}


@dataclass
class VerifyReport:
    """Every check by name, in CHECKS order, plus what the file's manifest says."""

    checks: list[Check] = field(default_factory=list)
    media_type: str | None = None
    content: dict[str, Any] | None = None  # the org.fameengine.content assertion
    signer: str | None = None  # the signing certificate's common name

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if c.status == "fail"]

    def get(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mediaType": self.media_type,
            "signer": self.signer,
            "checks": [c.to_json() for c in self.checks],
            "content": self.content,
        }


def verify(
    file: bytes | str | Path,
    expected_anchor: bytes | str | None = None,
    trust_root_pem: bytes | str | None = None,
    *,
    expected_worker: str | None = None,
    watermark_frames: int = 8,
) -> VerifyReport:
    """Runs every check; never raises for a bad file (a check fails instead).

    expected_anchor: the bytes32 SHA-256 the chain anchors (`anchor_hash`), or the content CID
    `fulfil` posted (a str); None skips the check. trust_root_pem: the root CA to trust.
    expected_worker: the address that fulfilled the request on chain.
    """
    data = Path(file).read_bytes() if isinstance(file, (str, Path)) else bytes(file)
    media_type = sniff(data)
    report = VerifyReport(media_type=media_type)
    root = trust_root_pem.encode() if isinstance(trust_root_pem, str) else trust_root_pem

    reading, error = _read(data, media_type, root)
    content = _content_assertion(reading) if reading else None
    if root is None and expected_worker and content:  # the file's own root, if the worker vouched for it
        embedded = str((content.get("worker") or {}).get("root") or "").encode()
        if embedded and _attester(content, embedded) == expected_worker.lower():
            root = embedded
            reading, error = _read(data, media_type, root)
    report.content = content
    report.signer = _signer_name(reading)
    report.checks = [
        _check_signature(reading, error),
        _check_trust(reading, root, expected_worker),
        _check_worker(content, report.signer, root, expected_worker),
        _check_disclosure(reading, content),
        _check_anchor(data, expected_anchor),
        _check_watermark(data, media_type, content, watermark_frames),
    ]
    return report


# ---------------------------------------------------------------------------- media


def sniff(data: bytes) -> str | None:
    """The media type from the first bytes (the container, not a file name, decides)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if data[4:8] == b"ftyp":
        return "audio/mp4" if data[8:12] in (b"M4A ", b"M4B ") or not _has_video(data) else "video/mp4"
    return None


def _has_video(data: bytes) -> bool:
    import av

    try:
        with av.open(io.BytesIO(data)) as container:
            return bool(container.streams.video)
    except Exception:  # not decodable: let c2pa judge it as a generic MP4
        return True


def video_frames(data: bytes, count: int) -> Iterator[Any]:
    """Up to `count` frames spread over the video (RGB arrays), decoded with PyAV."""
    import av

    with av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        total = stream.frames or 0
        step = max(1, total // count) if total else 1
        taken = 0
        for i, frame in enumerate(container.decode(stream)):
            if i % step == 0:
                yield frame.to_ndarray(format="rgb24")
                taken += 1
                if taken >= count:
                    return


# ---------------------------------------------------------------------------- c2pa


@dataclass(frozen=True)
class _Reading:
    state: str
    failures: list[str]
    manifest: dict[str, Any]


def _read(data: bytes, media_type: str | None, root: bytes | None) -> tuple[_Reading | None, str]:
    import c2pa

    config: dict[str, Any] = {"verify": {"verify_trust": root is not None}}
    if root is not None:
        config["trust"] = {"trust_anchors": root.decode()}
    try:
        context = c2pa.Context.from_dict(config)
        with c2pa.Reader(media_type or "", io.BytesIO(data), context=context) as reader:
            state = reader.get_validation_state() or "Invalid"
            results = reader.get_validation_results() or {}
            manifest = reader.get_active_manifest() or {}
    except c2pa.C2paError as err:
        return None, f"no readable C2PA manifest ({type(err).__name__.strip('_')}: {err})"
    failures = [f["code"] for f in _walk_failures(results)]
    return _Reading(state, failures, manifest), ""


def _walk_failures(results: Any) -> Iterator[dict[str, Any]]:
    if isinstance(results, dict):
        for key, value in results.items():
            if key == "failure" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, dict) and "code" in v)
            else:
                yield from _walk_failures(value)
    elif isinstance(results, list):
        for v in results:
            yield from _walk_failures(v)


def _assertion(reading: _Reading | None, label: str) -> dict[str, Any] | None:
    for a in (reading.manifest.get("assertions") if reading else None) or []:
        if a.get("label") == label:
            return a.get("data") or {}
    return None


def _content_assertion(reading: _Reading) -> dict[str, Any] | None:
    return _assertion(reading, CONTENT_LABEL)


def _signer_name(reading: _Reading | None) -> str | None:
    info = (reading.manifest.get("signature_info") if reading else None) or {}
    return info.get("common_name")


def _attester(content: dict[str, Any], root_pem: bytes) -> str | None:
    from cryptography import x509

    from .certs import fingerprint, recover_attester
    from .errors import CredentialsError

    signature = (content.get("worker") or {}).get("rootAttestation")
    if not signature:
        return None
    try:
        return recover_attester(fingerprint(x509.load_pem_x509_certificate(root_pem)), signature).lower()
    except (CredentialsError, ValueError):
        return None


# ---------------------------------------------------------------------------- checks


def _check_signature(reading: _Reading | None, error: str) -> Check:
    if reading is None:
        return Check("signature", "fail", error)
    broken = [code for code in reading.failures if not code.startswith("signingCredential.untrusted")]
    if broken or reading.state == "Invalid":
        return Check("signature", "fail", f"C2PA manifest invalid: {', '.join(broken) or reading.state}")
    return Check("signature", "pass", "C2PA claim signature and content hash bindings valid")


def _check_trust(reading: _Reading | None, root: bytes | None, expected_worker: str | None) -> Check:
    if reading is None:
        return Check("trust", "fail", "no C2PA manifest to trust")
    if root is None:
        why = "no trust root given"
        if expected_worker:
            why += f", and the file's root is not vouched for by {expected_worker}"
        return Check("trust", "fail" if expected_worker else "skipped", why)
    if reading.state == "Trusted":
        return Check("trust", "pass", "the signer's chain ends in the trust root")
    codes = [c for c in reading.failures if c.startswith("signingCredential")] or [reading.state]
    return Check("trust", "fail", f"the signer is not trusted under the given root ({', '.join(codes)})")


def _check_worker(
    content: dict[str, Any] | None, signer: str | None, root: bytes | None, expected_worker: str | None
) -> Check:
    if content is None:
        return Check("worker", "fail", f"no {CONTENT_LABEL} assertion")
    worker = content.get("worker") or {}
    address = str(worker.get("address") or "")
    named = _ADDRESS.search(signer or "")
    if not named or named.group(0).lower() != address.lower():
        return Check("worker", "fail", f"the certificate names {signer!r}, the assertion {address or 'no worker'}")
    embedded = str(worker.get("root") or "").encode()
    attester = _attester(content, embedded) if embedded else None
    if attester != address.lower():
        return Check("worker", "fail", f"the worker root is not attested by {address} (attester {attester})")
    if root is not None and _pem_der(root) != _pem_der(embedded):
        return Check("worker", "fail", "the file's attested root is not the trust root it was checked against")
    if expected_worker and expected_worker.lower() != address.lower():
        return Check("worker", "fail", f"signed by worker {address}, the chain says {expected_worker}")
    return Check("worker", "pass", f"signed by worker {address}, who attested its root")


def _check_disclosure(reading: _Reading | None, content: dict[str, Any] | None) -> Check:
    actions = (_assertion(reading, ACTIONS_LABEL) or {}).get("actions") or []
    created = [a for a in actions if a.get("action") == "c2pa.created"]
    if not any(a.get("digitalSourceType") == IPTC_TRAINED for a in created):
        return Check("disclosure", "fail", "no c2pa.created action with digitalSourceType trainedAlgorithmicMedia")
    if not content or content.get("aiGenerated") is not True or not str(content.get("disclosure") or "").strip():
        return Check("disclosure", "fail", f"the {CONTENT_LABEL} assertion lacks the AI-generated disclosure")
    return Check("disclosure", "pass", "declared trainedAlgorithmicMedia, with the AI disclosure text")


def _check_anchor(data: bytes, expected: bytes | str | None) -> Check:
    if expected is None:
        return Check("anchor", "skipped", "no on-chain anchor given")
    if isinstance(expected, str) and not re.fullmatch(r"(0x)?[0-9a-fA-F]{64}", expected):
        from fame.ipfs import compute_cid

        cid = str(compute_cid(data))
        ok = cid == expected
        return Check("anchor", "pass" if ok else "fail", f"content CID {cid}" + ("" if ok else f" != {expected}"))
    want = bytes.fromhex(expected.removeprefix("0x")) if isinstance(expected, str) else bytes(expected)
    got = hashlib.sha256(data).digest()
    if got == want:
        return Check("anchor", "pass", f"sha256 0x{got.hex()} matches the anchor")
    return Check("anchor", "fail", f"sha256 0x{got.hex()} != anchor 0x{want.hex()}")


def _check_watermark(data: bytes, media_type: str | None, content: dict[str, Any] | None, frames: int) -> Check:
    from . import watermark as wm

    if media_type not in ("image/png", "image/jpeg", "video/mp4"):
        return Check("watermark", "skipped", f"no pixel watermark in {media_type or 'unknown media'}")
    try:
        if media_type == "video/mp4":
            reading = wm.decode_frames(video_frames(data, frames))
        else:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as img:
                reading = wm.decode(img.convert("RGB"))
    except Exception as err:  # undecodable pixels are a failed watermark, not a crash
        return Check("watermark", "fail", f"pixels not decodable: {err}")
    if reading.payload is None:
        return Check("watermark", "fail", reading.reason)
    got = reading.payload
    if content is not None and "persona" in content and "requestId" in content:
        if not got.matches(content["persona"].get("id"), content["requestId"]):
            return Check(
                "watermark",
                "fail",
                f"watermark says persona {got.persona_id} request {got.request_id}, the manifest "
                f"persona {content['persona'].get('id')} request {content['requestId']}",
            )
    return Check(
        "watermark",
        "pass",
        f"persona {got.persona_id}, request {got.request_id} (confidence {reading.confidence:.2f})",
    )


def _pem_der(pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    except ValueError:
        return b""


def report_text(report: VerifyReport) -> str:
    lines = [f"{c.status.upper():8} {c.name:11} {c.reason}" for c in report.checks]
    lines.append("all checks pass" if report.ok else f"FAILED: {', '.join(report.failed)}")
    return "\n".join(lines)


def report_json(report: VerifyReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
