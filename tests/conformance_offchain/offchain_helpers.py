"""Helpers of the conformance tests (a plain module: this folder is not a package and `conftest`
is not importable by name when several test folders have one).

* Grammar checkers written from the standards' ABNF: RFC 3986 URIs, the DID and DID URL syntax
  of W3C DID Core 1.0 section 3, RFC 3339 date-times and the XML datetime of DID Core 7.1.3.
* Stand-ins for the two contracts `fame.did.resolver.Resolver` reads (web3-style
  `contract.functions.name(args).call()`), so that resolution can be checked without a chain.
* `DevKeyForger`: Groth16 proofs for the committed development verification key
  (fame/did/dev_vk_depth20.json). That key comes from `zk.groth16.setup_dev` with the public
  seed `fame.did.contracts.DEV_SEED`, so its toxic waste (alpha, beta, delta; gamma = 1) can be
  recomputed, and with it a proof that satisfies the verification equation for any public
  signals: to a verifier it is a valid proof, which is what the verifier pitfalls need.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from fame.did.contracts import DEV_SEED, DEV_VK_PATH
from zk.curve import G1_GEN, G2_GEN, g1_add, g1_lincomb, g1_mul, g1_neg, g2_mul, g2_neg
from zk.field import R
from zk.groth16 import Proof, VerifyingKey

# ------------------------------------------------------------------------------------------------
# RFC 3986 (URI generic syntax)
# ------------------------------------------------------------------------------------------------

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_AUTHORITY = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@\[\]]|{_PCT})*"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
# URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
# hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
_URI_RE = re.compile(
    rf"^{_SCHEME}:(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?)"
    rf"(?:\?{_QUERY})?(?:#{_QUERY})?$"
)


def is_uri(value: object) -> bool:
    """Whether `value` is a string matching RFC 3986's `URI` rule (section 3)."""
    return isinstance(value, str) and _URI_RE.match(value) is not None


# ------------------------------------------------------------------------------------------------
# W3C DID Core 1.0, section 3
# ------------------------------------------------------------------------------------------------

# did                = "did:" method-name ":" method-specific-id
# method-name        = 1*method-char
# method-char        = %x61-7A / DIGIT
# method-specific-id = *( *idchar ":" ) 1*idchar
# idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
_IDCHAR = rf"(?:[A-Za-z0-9._\-]|{_PCT})"
_DID = rf"did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+"
_DID_RE = re.compile(rf"^{_DID}$")
# did-url = did path-abempty [ "?" query ] [ "#" fragment ]
_DID_URL_RE = re.compile(rf"^{_DID}(?:/{_PCHAR}*)*(?:\?{_QUERY})?(?:#{_QUERY})?$")


def is_did(value: object) -> bool:
    """Whether `value` is a string matching DID Core's `did` rule (section 3.1)."""
    return isinstance(value, str) and _DID_RE.match(value) is not None


def is_did_url(value: object) -> bool:
    """Whether `value` is a string matching DID Core's `did-url` rule (section 3.2)."""
    return isinstance(value, str) and _DID_URL_RE.match(value) is not None


def did_of_url(did_url: str) -> str:
    """The `did` part of a DID URL (before any path, query or fragment)."""
    return re.split(r"[/?#]", did_url, maxsplit=1)[0]


# ------------------------------------------------------------------------------------------------
# Date-times
# ------------------------------------------------------------------------------------------------

# RFC 3339 section 5.6: date-time = full-date "T" full-time; time-offset = "Z" / time-numoffset
# ("T" and "Z" may be lower case, section 5.6 NOTE).
RFC3339_RE = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
# DID Core 7.1.3 `created`: an XML Datetime normalized to UTC, without sub-second precision.
XML_DATETIME_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


# ------------------------------------------------------------------------------------------------
# Stand-ins for DIDRegistry and PersonaRegistry (what fame.did.resolver.Resolver reads)
# ------------------------------------------------------------------------------------------------


class _Call:
    def __init__(self, value: Any) -> None:
        self._value = value

    def call(self) -> Any:
        return self._value


class _Functions:
    def __init__(self, impl: dict[str, Any]) -> None:
        self._impl = impl

    def __getattr__(self, name: str) -> Any:
        fn = self._impl[name]
        return lambda *args: _Call(fn(*args))


@dataclass
class PersonaRecord:
    name: str = "Nova"
    spec_cid: str = "bafkreibspec"
    share_token: str = "0x" + "ab" * 20
    treasury: str = "0x" + "00" * 19 + "01"
    creator: str = "0x" + "00" * 19 + "02"
    status: int = 1  # 1 = active, anything else = retired
    created_at: int = 1_700_000_000


@dataclass
class FakeChain:
    """The state the resolver reads: DID documents (CIDs) and persona records, by persona id."""

    document_cids: dict[int, str] = field(default_factory=dict)
    personas: dict[int, PersonaRecord] = field(default_factory=dict)
    registry_address: str = "0x" + "11" * 20
    verifier_address: str = "0x" + "22" * 20

    def did_registry(self) -> Any:
        impl = {
            "document_cid": lambda pid: self.document_cids.get(pid, ""),
            "current_root": lambda pid: 0x1234 + pid,
            "DEPTH": lambda: 20,
            "controller_count": lambda pid: 1,
            "VERIFIER": lambda: self.verifier_address,
            "attestation_count": lambda pid: 0,
        }
        contract = type("DIDRegistryStandIn", (), {})()
        contract.functions = _Functions(impl)
        contract.address = self.registry_address
        return contract

    def persona_registry(self) -> Any:
        def persona(pid: int) -> tuple[Any, ...]:
            p = self.personas.get(pid, PersonaRecord(name="", spec_cid="", share_token="0x" + "00" * 20, status=0))
            return (p.name, p.spec_cid, p.share_token, p.treasury, p.creator, p.status, p.created_at)

        contract = type("PersonaRegistryStandIn", (), {})()
        contract.functions = _Functions({"persona": persona})
        contract.address = "0x" + "33" * 20
        return contract


# ------------------------------------------------------------------------------------------------
# Groth16 proofs for the committed development key
# ------------------------------------------------------------------------------------------------

Calldata = tuple[list[int], list[list[int]], list[int]]


def load_dev_vk() -> VerifyingKey:
    return VerifyingKey.from_json(json.loads(DEV_VK_PATH.read_text()))


class DevKeyForger:
    """Valid proofs, for any public signals, under the committed development key."""

    def __init__(self, vk: VerifyingKey) -> None:
        rng = random.Random(DEV_SEED)
        _tau, self.alpha, self.beta, self.delta = (rng.randrange(1, R) for _ in range(4))
        # The recomputed toxic waste must be the committed key's (gamma = 1: gamma2 = G2).
        assert g1_mul(G1_GEN, self.alpha) == vk.alpha1 and vk.gamma2 == G2_GEN
        assert g2_mul(G2_GEN, self.delta) == vk.delta2
        self.vk = vk
        self._rng = random.Random(0xC0FFEE)

    def prove(self, public: list[int]) -> Proof:
        """A = a G1, B = b G2, C = (a b - alpha beta) / delta G1 - vk_x / delta, fresh a, b."""
        a, b = self._rng.randrange(1, R), self._rng.randrange(1, R)
        vk_x = g1_add(self.vk.ic[0], g1_lincomb(self.vk.ic[1:], [x % R for x in public]))
        d_inv = pow(self.delta, -1, R)
        c = g1_add(g1_mul(G1_GEN, (a * b - self.alpha * self.beta) * d_inv % R), g1_mul(g1_neg(vk_x), d_inv))
        return Proof(g1_mul(G1_GEN, a), g2_mul(G2_GEN, b), c)


def negate_a_and_b(proof: Proof) -> Proof:
    """(-A, -B, C): e(-A, -B) = e(A, B), so this is another valid proof of the same statement."""
    return Proof(g1_neg(proof.a), g2_neg(proof.b), proof.c)


def flat(calldata: Calldata) -> list[int]:
    """(a, b, c) calldata as the registry's uint256[8]."""
    a, b, c = calldata
    return [a[0], a[1], b[0][0], b[0][1], b[1][0], b[1][1], c[0], c[1]]


def python_proof(calldata: Calldata) -> Proof:
    """EVM calldata back into a zk Proof, without reducing any coordinate (b is imaginary-first);
    all-zero coordinates become the point at infinity (None), as EIP-196/197 encode it."""
    a, b, c = calldata
    pa = None if a == [0, 0] else (a[0], a[1])
    pb = None if b == [[0, 0], [0, 0]] else ((b[0][1], b[0][0]), (b[1][1], b[1][0]))
    pc = None if c == [0, 0] else (c[0], c[1])
    return Proof(pa, pb, pc)
