"""HTTP Signatures as the fediverse signs server-to-server requests: draft-cavage-http-signatures
(version 12), the scheme Mastodon, Pleroma, Misskey and bovine sign with, over RSA-SHA256.

A signed request carries `Signature: keyId="...",algorithm="rsa-sha256",headers="(request-target)
host date digest",signature="<base64>"`; the signing string is one `name: value` line per listed
header, `(request-target)` being `<method> <path>[?query]`. A POST also carries `Digest:
SHA-256=<base64 of the body's hash>` (RFC 3230). The verifier here asks what Mastodon asks: the
four headers signed, `Date` within a few minutes of now, the digest matching the body, the
signature valid for the public key `keyId` names (fetched by the caller)."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# What an inbox POST must have signed (Mastodon's rule); a signed GET needs no digest.
REQUIRED_POST = ("(request-target)", "host", "date", "digest")
REQUIRED_GET = ("(request-target)", "host", "date")
# How far a request's Date may lie from our clock, either way.
MAX_SKEW_S = 300
# hs2019 names "the algorithm the key implies" (RSA keys: RSA-SHA256), which Mastodon accepts.
_ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([0-9]+))\s*(?:,|$)')


class SignatureError(Exception):
    """A request's signature is missing, malformed, stale or wrong: answer 401 with the reason."""


@dataclass(frozen=True)
class SignatureParams:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def parse_signature(value: str) -> SignatureParams:
    """The parameters of a `Signature` header (draft-cavage section 2.1)."""
    params: dict[str, str] = {}
    pos = 0
    value = value.strip()
    while pos < len(value):
        m = _PARAM.match(value, pos)
        if m is None:
            raise SignatureError('the Signature header is not a list of name="value" parameters')
        name = m.group(1).lower()
        params[name] = m.group(2).replace('\\"', '"') if m.group(2) is not None else m.group(3)
        pos = m.end()
    if "keyid" not in params or "signature" not in params:
        raise SignatureError("the Signature header lacks keyId or signature")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in _ALGORITHMS:
        raise SignatureError(f"signature algorithm {algorithm!r} is not supported (rsa-sha256, hs2019)")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    headers = tuple(h.lower() for h in params.get("headers", "(created)").split())
    return SignatureParams(
        key_id=params["keyid"],
        algorithm=algorithm,
        headers=headers,
        signature=signature,
        created=int(params["created"]) if "created" in params else None,
        expires=int(params["expires"]) if "expires" in params else None,
    )


def digest_header(body: bytes) -> str:
    """The RFC 3230 `Digest` value of a body, as Mastodon sends it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def digest_matches(value: str, body: bytes) -> bool:
    """True when every SHA-256 / SHA-512 instance in a `Digest` header matches the body and at
    least one is there (other algorithms are ignored, as RFC 3230 lets a receiver do)."""
    known = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
    seen = False
    for part in value.split(","):
        algo, sep, encoded = part.strip().partition("=")
        digest = known.get(algo.strip().lower())
        if not sep or digest is None:
            continue
        try:
            if base64.b64decode(encoded.strip(), validate=True) != digest(body).digest():
                return False
        except ValueError:
            return False
        seen = True
    return seen


def request_target(method: str, url_or_path: str) -> str:
    """`(request-target)`: the lower-case method, a space, the path and query."""
    parts = urlsplit(url_or_path)
    path = parts.path or "/"
    return f"{method.lower()} {path}{'?' + parts.query if parts.query else ''}"


def signing_string(params: SignatureParams, target: str, headers: Mapping[str, str]) -> str:
    """The text signed: one `name: value` line per signed header, in the order listed."""
    lines = []
    for name in params.headers:
        if name == "(request-target)":
            lines.append(f"{name}: {target}")
        elif name == "(created)":
            if params.created is None:
                raise SignatureError("(created) is signed but the signature has no created parameter")
            lines.append(f"{name}: {params.created}")
        elif name == "(expires)":
            if params.expires is None:
                raise SignatureError("(expires) is signed but the signature has no expires parameter")
            lines.append(f"{name}: {params.expires}")
        else:
            if name not in headers:
                raise SignatureError(f"the signed header {name!r} is not in the request")
            lines.append(f"{name}: {headers[name].strip()}")
    return "\n".join(lines)


def check_date(value: str | None, now: float | None = None, max_skew_s: int = MAX_SKEW_S) -> None:
    """A `Date` header within `max_skew_s` of now, or SignatureError."""
    if not value:
        raise SignatureError("the request has no Date header")
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        raise SignatureError("the Date header is not an HTTP date") from None
    skew = abs((time.time() if now is None else now) - when)
    if skew > max_skew_s:
        raise SignatureError(f"the Date header is {skew:.0f} s away from now (at most {max_skew_s} s)")


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise SignatureError("the signer's publicKeyPem is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("the signer's key is not an RSA key")
    return key


def check_request(
    params: SignatureParams,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    now: float | None = None,
    max_skew_s: int = MAX_SKEW_S,
) -> None:
    """Everything about a signed request that needs no key: the required headers signed, the date
    fresh, the digest right. `headers` has lower-case names."""
    required = REQUIRED_POST if body is not None else REQUIRED_GET
    missing = [h for h in required if h not in params.headers]
    if missing:
        raise SignatureError(f"the signature must cover {' '.join(required)} (missing: {' '.join(missing)})")
    check_date(headers.get("date"), now, max_skew_s)
    if params.expires is not None and params.expires < (time.time() if now is None else now):
        raise SignatureError("the signature has expired")
    if body is not None:
        digest = headers.get("digest")
        if not digest or not digest_matches(digest, body):
            raise SignatureError("the Digest header does not match the body")


def verify_signature(params: SignatureParams, target: str, headers: Mapping[str, str], public_key_pem: str) -> None:
    """The signature itself, against the signer's public key; SignatureError when wrong."""
    key = load_public_key(public_key_pem)
    message = signing_string(params, target, headers).encode()
    try:
        key.verify(params.signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("the signature does not verify with the signer's key") from None


def sign_request(
    method: str,
    url: str,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    now: float | None = None,
) -> dict[str, str]:
    """The headers a signed request sends: Host, Date, (for a body) Digest, the given ones, and a
    Signature over (request-target) host date [digest] [content-type]."""
    out = {k.lower(): v for k, v in (headers or {}).items()}
    out["host"] = urlsplit(url).netloc
    out["date"] = formatdate(time.time() if now is None else now, usegmt=True)
    names = ["(request-target)", "host", "date"]
    if body is not None:
        out["digest"] = digest_header(body)
        names.append("digest")
        if "content-type" in out:
            names.append("content-type")
    params = SignatureParams(key_id=key_id, algorithm="rsa-sha256", headers=tuple(names), signature=b"")
    message = signing_string(params, request_target(method, url), out).encode()
    signature = base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    out["signature"] = f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",signature="{signature}"'
    return out
