"""Content identifiers (CIDs) as FameEngine uses them: parsing, encoding, hashing.

A CID names a block by its hash. FameEngine handles the two forms `ipfs add` produces:

* CIDv0: the base58btc text of a sha2-256 multihash ("Qm..."), always dag-pb;
* CIDv1: multibase text of <version 1><codec><multihash>; written here in base32
  lower case ("bafy..." for dag-pb, "bafk..." for raw), read in base32, base58btc or hex.

Only sha2-256 is accepted, since it is the hash a block store can verify; anything else
is refused with a CIDError that says so.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from .errors import CIDError

DAG_PB = 0x70
RAW = 0x55
SHA2_256 = 0x12
SHA2_256_LEN = 32

CODEC_NAMES = {DAG_PB: "dag-pb", RAW: "raw"}

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}

# Longest CID text accepted: far above any sha2-256 CID, short enough to bound parsing work.
MAX_CID_TEXT = 128


# ---------------------------------------------------------------------------- varints


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128, as multiformats and protobuf use."""
    if value < 0:
        raise ValueError("varint must be non-negative")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes | memoryview, pos: int = 0) -> tuple[int, int]:
    """(value, position after it); at most 9 bytes (63 bits), minimal encoding only."""
    value = 0
    shift = 0
    start = pos
    while True:
        if pos >= len(data):
            raise CIDError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if byte == 0 and pos - start > 1:
                raise CIDError("varint is not minimally encoded")
            return value, pos
        shift += 7
        if shift >= 63:
            raise CIDError("varint too long")


# ---------------------------------------------------------------------------- bases


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    num = int.from_bytes(data, "big")
    chars = []
    while num:
        num, rem = divmod(num, 58)
        chars.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    num = 0
    for ch in text:
        try:
            num = num * 58 + _B58_INDEX[ch]
        except KeyError:
            raise CIDError(f"invalid base58 character {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body


def b32encode(data: bytes) -> str:
    """RFC 4648 base32, lower case, no padding (multibase 'b')."""
    return base64.b32encode(data).decode("ascii").rstrip("=").lower()


def b32decode(text: str) -> bytes:
    upper = text.upper()
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in upper):
        raise CIDError("invalid base32 character")
    padded = upper + "=" * (-len(upper) % 8)
    try:
        return base64.b32decode(padded)
    except ValueError as err:
        raise CIDError(f"invalid base32: {err}") from None


# ---------------------------------------------------------------------------- CID


@dataclass(frozen=True, slots=True)
class CID:
    """An immutable CID. `str(cid)` is its canonical text (v0 base58btc, v1 base32)."""

    version: int
    codec: int
    multihash: bytes

    def __post_init__(self) -> None:
        if self.version not in (0, 1):
            raise CIDError(f"unsupported CID version {self.version}")
        if self.version == 0 and self.codec != DAG_PB:
            raise CIDError("a CIDv0 is always dag-pb")
        if self.codec not in CODEC_NAMES:
            raise CIDError(f"unsupported codec 0x{self.codec:x} (FameEngine handles dag-pb and raw)")
        code, pos = decode_varint(self.multihash)
        length, pos = decode_varint(self.multihash, pos)
        if code != SHA2_256:
            raise CIDError(f"unsupported hash function 0x{code:x} (FameEngine verifies sha2-256 only)")
        if length != SHA2_256_LEN or len(self.multihash) - pos != length:
            raise CIDError("malformed sha2-256 multihash")

    # -- construction
    @classmethod
    def of(cls, data: bytes, codec: int, version: int = 1) -> CID:
        """The CID of a block with these bytes."""
        return cls(version, codec, multihash_sha256(data))

    @classmethod
    def parse(cls, value: str | bytes | CID) -> CID:
        """From text (any supported multibase) or binary form; CIDError when malformed."""
        if isinstance(value, CID):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            return cls.from_bytes(bytes(value))
        if not isinstance(value, str):
            raise CIDError(f"not a CID: {value!r}")
        text = value.strip()
        if not text:
            raise CIDError("empty CID")
        if len(text) > MAX_CID_TEXT:
            raise CIDError("CID text too long")
        if len(text) == 46 and text.startswith("Qm"):
            return cls(0, DAG_PB, b58decode(text))
        prefix, rest = text[0], text[1:]
        if prefix in "bB":
            raw = b32decode(rest)
        elif prefix == "z":
            raw = b58decode(rest)
        elif prefix in "fF":
            try:
                raw = bytes.fromhex(rest)
            except ValueError:
                raise CIDError("invalid hex") from None
        else:
            raise CIDError(f"not a CID: {text[:60]!r} (expected Qm... or a base32 bafy.../bafk...)")
        cid = cls.from_bytes(raw)
        if cid.version == 0:
            raise CIDError("a CIDv0 must be written in base58btc (Qm...)")
        return cid

    @classmethod
    def from_bytes(cls, raw: bytes) -> CID:
        cid, end = cls.read(raw, 0)
        if end != len(raw):
            raise CIDError("trailing bytes after CID")
        return cid

    @classmethod
    def read(cls, raw: bytes | memoryview, pos: int) -> tuple[CID, int]:
        """Decode a binary CID at `pos`; (cid, position after it)."""
        if len(raw) - pos >= 2 and raw[pos] == SHA2_256 and raw[pos + 1] == SHA2_256_LEN:
            end = pos + 2 + SHA2_256_LEN
            if end > len(raw):
                raise CIDError("truncated CIDv0")
            return cls(0, DAG_PB, bytes(raw[pos:end])), end
        version, p = decode_varint(raw, pos)
        if version != 1:
            raise CIDError(f"unsupported CID version {version}")
        codec, p = decode_varint(raw, p)
        mh_start = p
        _code, p = decode_varint(raw, p)
        length, p = decode_varint(raw, p)
        end = p + length
        if end > len(raw):
            raise CIDError("truncated multihash")
        return cls(1, codec, bytes(raw[mh_start:end])), end

    # -- forms
    def __bytes__(self) -> bytes:
        if self.version == 0:
            return self.multihash
        return encode_varint(1) + encode_varint(self.codec) + self.multihash

    def __str__(self) -> str:
        if self.version == 0:
            return b58encode(self.multihash)
        return "b" + b32encode(bytes(self))

    def __repr__(self) -> str:
        return f"CID({str(self)!r})"

    @property
    def digest(self) -> bytes:
        return self.multihash[2:]

    @property
    def codec_name(self) -> str:
        return CODEC_NAMES[self.codec]

    def to_v1(self) -> CID:
        return CID(1, self.codec, self.multihash)

    def matches(self, data: bytes) -> bool:
        """True when `data` hashes to this CID."""
        return hashlib.sha256(data).digest() == self.digest

    def __lt__(self, other: CID) -> bool:  # for sorted() in listings
        return str(self) < str(other)


def multihash_sha256(data: bytes) -> bytes:
    return bytes((SHA2_256, SHA2_256_LEN)) + hashlib.sha256(data).digest()
