"""The one module that packs, unpacks, hashes and signs engagement reports.

Packed observation: one uint256 word per persona, most significant bits first (the same
layout EngagementOracle.vy documents and checks)::

    bits 255..224  persona_id   32 bits  >= 1; strictly ascending inside a report
    bits 223..176  views        48 bits  lifetime count
    bits 175..136  likes        40 bits  lifetime count
    bits 135..104  shares       32 bits  lifetime count
    bits 103..72   comments     32 bits  lifetime count
    bits  71..56   sentiment    16 bits  sentiment_bps + 10_000 (-1e4..1e4 -> 0..20_000)
    bits  55..40   reserved     16 bits  zero
    bits  39..0    observed_at  40 bits  unix seconds

On chain the stored word of a persona has the report's block timestamp (updated_at) in
place of the persona id, and bits 55..40 hold the persona's reputation engagement component E
(0..6_000) as of observed_at, which the oracle folds in (the ReportAccepted event logs the
report's words with that new E in the same bits).

Signatures are EIP-712 over the domain {name "FameEngine Oracle", version "1", chainId,
verifyingContract = the oracle}. Two types share the packing:

    Report(uint32 configVersion,uint64 epoch,uint256[] observations)       # the oracle accepts f+1 of these
    Observation(uint32 configVersion,uint64 epoch,uint256[] observations)  # one operator's own view, off chain

Signatures travel as EIP-2098 compact pairs (r, vs), 64 bytes, low-s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import Hash32
from eth_utils import keccak, to_checksum_address

PERSONA_BITS, VIEWS_BITS, LIKES_BITS, SHARES_BITS, COMMENTS_BITS, SENTIMENT_BITS, RESERVED_BITS, TIME_BITS = (
    32,
    48,
    40,
    32,
    32,
    16,
    16,
    40,
)
PERSONA_SHIFT, VIEWS_SHIFT, LIKES_SHIFT, SHARES_SHIFT, COMMENTS_SHIFT, SENTIMENT_SHIFT, RESERVED_SHIFT = (
    224,
    176,
    136,
    104,
    72,
    56,
    40,
)
MAX_PERSONA_ID = 2**PERSONA_BITS - 1
MAX_VIEWS = 2**VIEWS_BITS - 1
MAX_LIKES = 2**LIKES_BITS - 1
MAX_SHARES = 2**SHARES_BITS - 1
MAX_COMMENTS = 2**COMMENTS_BITS - 1
MAX_TIME = 2**TIME_BITS - 1
SENTIMENT_ONE = 10_000  # basis points
MAX_OBSERVATIONS = 128
MAX_OPERATORS = 31

COUNT_FIELDS = ("views", "likes", "shares", "comments")
FIELD_MAX = {"views": MAX_VIEWS, "likes": MAX_LIKES, "shares": MAX_SHARES, "comments": MAX_COMMENTS}

DOMAIN_NAME = "FameEngine Oracle"
DOMAIN_VERSION = "1"
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
REPORT_TYPE = "Report(uint32 configVersion,uint64 epoch,uint256[] observations)"
OBSERVATION_TYPE = "Observation(uint32 configVersion,uint64 epoch,uint256[] observations)"
REPORT_TYPEHASH = keccak(text=REPORT_TYPE)
OBSERVATION_TYPEHASH = keccak(text=OBSERVATION_TYPE)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class ReportError(ValueError):
    """A value that cannot be packed, or a word that is not a valid observation."""


@dataclass(frozen=True, order=True)
class Engagement:
    """One persona's engagement as one operator (or the median of several) saw it."""

    persona_id: int
    views: int
    likes: int
    shares: int
    comments: int
    sentiment_bps: int  # -10_000..10_000
    observed_at: int  # unix seconds

    def validate(self) -> Engagement:
        if not 1 <= self.persona_id <= MAX_PERSONA_ID:
            raise ReportError(f"persona_id {self.persona_id} is outside 1..{MAX_PERSONA_ID}")
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if not 0 <= value <= FIELD_MAX[name]:
                raise ReportError(f"{name} {value} of persona {self.persona_id} is outside 0..{FIELD_MAX[name]}")
        if not -SENTIMENT_ONE <= self.sentiment_bps <= SENTIMENT_ONE:
            raise ReportError(f"sentiment {self.sentiment_bps} of persona {self.persona_id} is outside -10000..10000")
        if not 0 <= self.observed_at <= MAX_TIME:
            raise ReportError(f"observed_at {self.observed_at} of persona {self.persona_id} does not fit 40 bits")
        return self

    def pack(self) -> int:
        self.validate()
        return (
            (self.persona_id << PERSONA_SHIFT)
            | (self.views << VIEWS_SHIFT)
            | (self.likes << LIKES_SHIFT)
            | (self.shares << SHARES_SHIFT)
            | (self.comments << COMMENTS_SHIFT)
            | ((self.sentiment_bps + SENTIMENT_ONE) << SENTIMENT_SHIFT)
            | self.observed_at
        )

    @classmethod
    def unpack(cls, word: int) -> Engagement:
        if not 0 <= word < 2**256:
            raise ReportError("a packed observation is a uint256")
        sentiment = (word >> SENTIMENT_SHIFT) & 0xFFFF
        if sentiment > 2 * SENTIMENT_ONE:
            raise ReportError(f"sentiment field {sentiment} exceeds 20000")
        if (word >> RESERVED_SHIFT) & 0xFFFF:
            raise ReportError("reserved bits 55..40 must be zero")
        return cls(
            persona_id=word >> PERSONA_SHIFT,
            views=(word >> VIEWS_SHIFT) & MAX_VIEWS,
            likes=(word >> LIKES_SHIFT) & MAX_LIKES,
            shares=(word >> SHARES_SHIFT) & MAX_SHARES,
            comments=(word >> COMMENTS_SHIFT) & MAX_COMMENTS,
            sentiment_bps=sentiment - SENTIMENT_ONE,
            observed_at=word & MAX_TIME,
        )

    def clamped(self) -> Engagement:
        """The same engagement with every count saturated to its field."""
        counts: dict[str, int] = {n: min(max(getattr(self, n), 0), FIELD_MAX[n]) for n in COUNT_FIELDS}
        return Engagement(
            persona_id=self.persona_id,
            **counts,
            sentiment_bps=max(-SENTIMENT_ONE, min(SENTIMENT_ONE, self.sentiment_bps)),
            observed_at=self.observed_at,
        )


RESERVED_MASK = 0xFFFF << RESERVED_SHIFT


def engagement_component(word: int) -> int:
    """The reputation engagement component E carried in bits 55..40 of a stored or logged word."""
    return (word >> RESERVED_SHIFT) & 0xFFFF


def decode_stored(word: int) -> dict[str, int]:
    """The on-chain stored word of a persona: the fields, updated_at and the engagement component E
    (0 everywhere: never reported)."""
    if word == 0:
        return {
            "views": 0,
            "likes": 0,
            "shares": 0,
            "comments": 0,
            "sentiment_bps": 0,
            "observed_at": 0,
            "updated_at": 0,
            "engagement": 0,
        }
    e = Engagement.unpack(word & ~RESERVED_MASK)
    return {
        "views": e.views,
        "likes": e.likes,
        "shares": e.shares,
        "comments": e.comments,
        "sentiment_bps": e.sentiment_bps,
        "observed_at": e.observed_at,
        "updated_at": word >> PERSONA_SHIFT,
        "engagement": engagement_component(word),
    }


def decode_logged(word: int) -> tuple[Engagement, int]:
    """A word of a ReportAccepted event: the reported engagement and the persona's new E."""
    return Engagement.unpack(word & ~RESERVED_MASK), engagement_component(word)


def pack_all(engagements: Iterable[Engagement]) -> list[int]:
    """Packed words sorted by persona id; a repeated persona is an error."""
    items = sorted(engagements, key=lambda e: e.persona_id)
    for a, b in zip(items, items[1:], strict=False):
        if a.persona_id == b.persona_id:
            raise ReportError(f"persona {a.persona_id} appears twice")
    if len(items) > MAX_OBSERVATIONS:
        raise ReportError(f"{len(items)} personas exceed the {MAX_OBSERVATIONS} a report can carry")
    return [e.pack() for e in items]


def check_words(words: Sequence[int]) -> list[Engagement]:
    """Unpack a report's words, checking what the contract checks about their form."""
    out = [Engagement.unpack(w) for w in words]
    previous = 0
    for e in out:
        if e.persona_id == 0:
            raise ReportError("persona id 0 does not exist")
        if e.persona_id <= previous:
            raise ReportError(f"persona {e.persona_id} is repeated or out of order (ids must ascend)")
        previous = e.persona_id
    return out


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of one deployed oracle."""

    chain_id: int
    verifying_contract: str

    @property
    def separator(self) -> bytes:
        return keccak(
            DOMAIN_TYPEHASH
            + keccak(text=DOMAIN_NAME)
            + keccak(text=DOMAIN_VERSION)
            + self.chain_id.to_bytes(32, "big")
            + bytes.fromhex(self.verifying_contract[2:]).rjust(32, b"\0")
        )

    def typed_data(self, primary: str, config_version: int, epoch: int, words: Sequence[int]) -> dict:
        """The full EIP-712 message (what a wallet or `eth_signTypedData_v4` would sign)."""
        fields = [
            {"name": "configVersion", "type": "uint32"},
            {"name": "epoch", "type": "uint64"},
            {"name": "observations", "type": "uint256[]"},
        ]
        return {
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                primary: fields,
            },
            "primaryType": primary,
            "domain": {
                "name": DOMAIN_NAME,
                "version": DOMAIN_VERSION,
                "chainId": self.chain_id,
                "verifyingContract": to_checksum_address(self.verifying_contract),
            },
            "message": {"configVersion": config_version, "epoch": epoch, "observations": list(words)},
        }


def _struct_hash(typehash: bytes, config_version: int, epoch: int, words: Sequence[int]) -> bytes:
    if not 0 <= config_version < 2**32:
        raise ReportError("config version is a uint32")
    if not 0 <= epoch < 2**64:
        raise ReportError("epoch is a uint64")
    array_hash = keccak(b"".join(int(w).to_bytes(32, "big") for w in words))
    return keccak(typehash + config_version.to_bytes(32, "big") + epoch.to_bytes(32, "big") + array_hash)


def _typed_digest(domain: Domain, typehash: bytes, config_version: int, epoch: int, words: Sequence[int]) -> bytes:
    return keccak(b"\x19\x01" + domain.separator + _struct_hash(typehash, config_version, epoch, words))


@dataclass(frozen=True)
class Report:
    """What the oracle accepts: (config_version, epoch, packed observations)."""

    config_version: int
    epoch: int
    observations: tuple[int, ...] = field(default_factory=tuple)

    def digest(self, domain: Domain) -> bytes:
        return _typed_digest(domain, REPORT_TYPEHASH, self.config_version, self.epoch, self.observations)

    def engagements(self) -> list[Engagement]:
        return check_words(self.observations)

    def as_call_arg(self) -> tuple:
        return (self.config_version, self.epoch, list(self.observations))

    def to_json(self) -> dict:
        return {
            "config_version": self.config_version,
            "epoch": self.epoch,
            "observations": [hex(w) for w in self.observations],
        }

    @classmethod
    def from_json(cls, data: dict) -> Report:
        return cls(
            int(data["config_version"]),
            int(data["epoch"]),
            tuple(int(w, 16) if isinstance(w, str) else int(w) for w in data["observations"]),
        )


def observation_digest(domain: Domain, config_version: int, epoch: int, words: Sequence[int]) -> bytes:
    """The EIP-712 digest an operator signs for its own observation of `epoch`."""
    return _typed_digest(domain, OBSERVATION_TYPEHASH, config_version, epoch, words)


@dataclass(frozen=True)
class CompactSignature:
    """EIP-2098: r and vs (bit 255 = v - 27, the rest = s)."""

    r: bytes
    vs: bytes

    def to_hex(self) -> str:
        return "0x" + (self.r + self.vs).hex()

    @classmethod
    def from_hex(cls, text: str) -> CompactSignature:
        raw = bytes.fromhex(text.removeprefix("0x"))
        if len(raw) != 64:
            raise ReportError("a compact signature is 64 bytes (r, vs)")
        return cls(raw[:32], raw[32:])

    def as_call_arg(self) -> tuple[bytes, bytes]:
        return (self.r, self.vs)

    def vrs(self) -> tuple[int, int, int]:
        vs = int.from_bytes(self.vs, "big")
        return 27 + (vs >> 255), int.from_bytes(self.r, "big"), vs & (2**255 - 1)


def sign_digest(account: LocalAccount, digest: bytes) -> CompactSignature:
    """Sign a 32-byte digest and return the compact, low-s form."""
    signed = account.unsafe_sign_hash(Hash32(digest))
    r, s, v = signed.r, signed.s, signed.v
    if s > SECP256K1_N // 2:  # eth-keys already returns low-s; keep the form canonical regardless
        s, v = SECP256K1_N - s, 55 - v
    vs = ((v - 27) << 255) | s
    return CompactSignature(r.to_bytes(32, "big"), vs.to_bytes(32, "big"))


def recover(digest: bytes, signature: CompactSignature) -> str:
    """The checksummed address that signed `digest`; ReportError for a malformed signature."""
    v, r, s = signature.vrs()
    if not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_N // 2):
        raise ReportError("signature r or s is out of range (only low-s signatures are valid)")
    try:
        return Account._recover_hash(digest, vrs=(v, r, s))
    except Exception as exc:  # noqa: BLE001 - eth-keys raises several types for bad points
        raise ReportError(f"signature does not recover ({type(exc).__name__})") from None
