"""Sign-In with Ethereum (ERC-4361), the protocol half: nonces and message checks.

This module knows nothing of HTTP or tables. `check_message` takes the text a wallet
signed, its signature and what the service expects (its origin, the chain, the time) and
either returns the signed-in address and the nonce the message carries, or raises
`SignInRejected` with the reason a fan (or the web app's developer) can act on. Whether the
nonce was issued by this service and is still unused is the store's job
(`social.store.auth.consume_nonce`), done after these checks so that a rejected message
never burns a good nonce.

The message is parsed with the `siwe` package (its ABNF grammar, so malformed messages are
refused rather than guessed at) and its signature recovered with eth-account.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from siwe import SiweMessage, VerificationError

NONCE_ALPHABET = string.ascii_letters + string.digits
NONCE_LEN = 24
#: A message must have been issued at most this long ago ...
ISSUED_WITHIN_S = 600
#: ... and no further in the future than this (clocks of wallets and servers drift).
CLOCK_SKEW_S = 60


class SignInRejected(Exception):
    """The message or its signature is not accepted; `str()` says why."""


@dataclass(frozen=True)
class Expected:
    """What a message must say to sign in to this service."""

    origin: str  # e.g. http://127.0.0.1:8088 (scheme://host[:port], no path)
    chain_id: int
    now: float

    @property
    def domain(self) -> str:
        return urlsplit(self.origin).netloc

    @property
    def scheme(self) -> str:
        return urlsplit(self.origin).scheme


@dataclass(frozen=True)
class SignedIn:
    address: str  # EIP-55 checksummed
    nonce: str
    expires_at: float | None  # the message's own expiration time, if it has one


def new_nonce() -> str:
    """A fresh single-use nonce: 24 alphanumerics (ERC-4361 asks for at least 8)."""
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LEN))


def _timestamp(value: str, field: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).timestamp()
    except ValueError:
        raise SignInRejected(f"the message's {field} is not an ISO-8601 time") from None


def check_message(message: str, signature: str, expected: Expected) -> SignedIn:
    """Parse and check an ERC-4361 message and its EIP-191 signature (see the module docstring)."""
    try:
        msg = SiweMessage.from_message(message=message, abnf=True)
    except Exception as exc:  # noqa: BLE001 - the parser raises many types; each means "malformed"
        raise SignInRejected(f"not an ERC-4361 sign-in message ({type(exc).__name__})") from None

    if msg.domain != expected.domain:
        raise SignInRejected(f"wrong domain: the message is for {msg.domain!r}, this service is {expected.domain!r}")
    if msg.scheme is not None and msg.scheme != expected.scheme:
        raise SignInRejected(f"wrong scheme: the message says {msg.scheme!r}, this service uses {expected.scheme!r}")
    uri = str(msg.uri)
    if uri != expected.origin and not uri.startswith(expected.origin + "/"):
        raise SignInRejected(f"wrong URI: {uri!r} is not under {expected.origin!r}")
    if int(msg.chain_id) != expected.chain_id:
        raise SignInRejected(
            f"wrong chain: the message is for chain {msg.chain_id}, this service is on {expected.chain_id}"
        )

    issued = _timestamp(msg.issued_at, "issued-at")
    if issued > expected.now + CLOCK_SKEW_S:
        raise SignInRejected("the message is issued in the future: check the device's clock")
    if issued < expected.now - ISSUED_WITHIN_S:
        raise SignInRejected(
            f"the message is stale: issued more than {ISSUED_WITHIN_S // 60} minutes ago; sign a new one"
        )
    expires: float | None = None
    if msg.expiration_time is not None:
        expires = _timestamp(msg.expiration_time, "expiration time")
        if expires <= expected.now:
            raise SignInRejected("the message has expired; sign a new one")
    if msg.not_before is not None and _timestamp(msg.not_before, "not-before time") > expected.now:
        raise SignInRejected("the message is not valid yet (not-before is in the future)")

    try:
        # Times and fields are checked above with this service's clock; verify() checks the signature.
        msg.verify(signature, timestamp=datetime.fromtimestamp(expected.now, UTC))
    except VerificationError:
        raise SignInRejected("the signature does not match the message's address") from None
    except Exception as exc:  # noqa: BLE001 - a signature that is not even hex
        raise SignInRejected(f"the signature is malformed ({type(exc).__name__})") from None
    return SignedIn(address=str(msg.address), nonce=str(msg.nonce), expires_at=expires)
