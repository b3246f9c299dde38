"""CAR v1 (Content Addressable aRchive) export and import for FameEngine.

A CAR lets a client fetch a whole DAG from any gateway and check it itself: every block
comes with its CID, so the reader re-hashes each one and trusts nobody ("trustless
gateway"). Layout:

    varint(len(header)) header      header = DAG-CBOR {"roots": [CID], "version": 1}
    varint(len(cid)+len(block)) cid block     ... once per block

Blocks are written depth first, parents before children, each once (the order a
trustless gateway announces as `order=dfs; dups=n`).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, overload

from .cid import CID, encode_varint
from .errors import CIDError, DagError, HashMismatch

CAR_MEDIA_TYPE = "application/vnd.ipld.car"
CAR_CONTENT_TYPE = "application/vnd.ipld.car; version=1; order=dfs; dups=n"
MAX_HEADER = 1024 * 1024
MAX_SECTION = 4 * 1024 * 1024

_CID_TAG = 42


class CarError(DagError):
    """Bytes that are not a valid CAR v1."""

    status = 400


# ---------------------------------------------------------------------------- DAG-CBOR (header only)


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([(major << 5) | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([(major << 5) | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large for CBOR")


def _cbor_text(s: str) -> bytes:
    b = s.encode()
    return _cbor_head(3, len(b)) + b


def encode_header(roots: list[CID]) -> bytes:
    """DAG-CBOR {"roots": [...], "version": 1}; keys in DAG-CBOR order (shorter first)."""
    out = bytearray(_cbor_head(5, 2))
    out += _cbor_text("roots") + _cbor_head(4, len(roots))
    for root in roots:
        payload = b"\0" + bytes(root)  # the 0x00 multibase prefix for binary CIDs
        out += _cbor_head(6, _CID_TAG) + _cbor_head(2, len(payload)) + payload
    out += _cbor_text("version") + _cbor_head(0, 1)
    return bytes(out)


class _Cbor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise CarError("truncated CAR header")
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def _arg(self, info: int) -> int:
        if info < 24:
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            raise CarError("unsupported CBOR item in CAR header")
        return int.from_bytes(self._take(sizes[info]), "big")

    def item(self, depth: int = 0) -> object:
        if depth > 16:
            raise CarError("CAR header nested too deeply")
        first = self._take(1)[0]
        major, info = first >> 5, first & 31
        if major == 7:
            simple = {20: False, 21: True, 22: None}
            if info in simple:
                return simple[info]
            raise CarError("unsupported CBOR simple value in CAR header")
        arg = self._arg(info)
        if major == 0:
            return arg
        if major == 1:
            return -1 - arg
        if major == 2:
            return self._take(arg)
        if major == 3:
            try:
                return self._take(arg).decode()
            except UnicodeDecodeError:
                raise CarError("invalid UTF-8 in CAR header") from None
        if major == 4:
            if arg > 1 << 16:
                raise CarError("CAR header array too long")
            return [self.item(depth + 1) for _ in range(arg)]
        if major == 5:
            if arg > 1 << 10:
                raise CarError("CAR header map too long")
            out: dict[str, object] = {}
            for _ in range(arg):
                key = self.item(depth + 1)
                if not isinstance(key, str):
                    raise CarError("CAR header map key is not text")
                out[key] = self.item(depth + 1)
            return out
        if major == 6:
            value = self.item(depth + 1)
            if arg != _CID_TAG or not isinstance(value, bytes) or not value.startswith(b"\0"):
                raise CarError("unsupported CBOR tag in CAR header")
            return CID.from_bytes(value[1:])
        raise CarError("unsupported CBOR item in CAR header")


def decode_header(data: bytes) -> list[CID]:
    dec = _Cbor(data)
    try:
        header = dec.item()
    except CIDError as err:
        if isinstance(err, CarError):
            raise
        raise CarError(f"bad root CID in CAR header: {err}") from None
    if dec.pos != len(data):
        raise CarError("trailing bytes in CAR header")
    if not isinstance(header, dict) or header.get("version") != 1:
        raise CarError("not a CAR v1 header")
    roots = header.get("roots")
    if not isinstance(roots, list) or not all(isinstance(r, CID) for r in roots):
        raise CarError("CAR header roots must be a list of CIDs")
    return roots


# ---------------------------------------------------------------------------- write


def car_sections(roots: list[CID], blocks: Iterable[tuple[CID, bytes]]) -> Iterator[bytes]:
    """The CAR v1 stream, one piece per section (header first)."""
    header = encode_header(roots)
    yield encode_varint(len(header)) + header
    for cid, block in blocks:
        cid_bytes = bytes(cid)
        yield encode_varint(len(cid_bytes) + len(block)) + cid_bytes + block


def write_car(out: BinaryIO, roots: list[CID], blocks: Iterable[tuple[CID, bytes]]) -> int:
    """Write a CAR to a binary file; returns the bytes written."""
    n = 0
    for piece in car_sections(roots, blocks):
        out.write(piece)
        n += len(piece)
    return n


# ---------------------------------------------------------------------------- read


@dataclass
class CarReader:
    """Reads a CAR v1 from a binary stream; iterate for (cid, block) pairs.

    With verify=True (the default) every block is re-hashed and a mismatch raises
    HashMismatch, so a CAR from an untrusted gateway is safe to import.
    """

    stream: BinaryIO
    verify: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.stream, (bytes, bytearray, memoryview)):
            self.stream = io.BytesIO(bytes(self.stream))
        length = self._varint(allow_eof=False)
        if length == 0 or length > MAX_HEADER:
            raise CarError("CAR header length out of range")
        self.roots = decode_header(self._read(length))

    def _read(self, n: int) -> bytes:
        data = self.stream.read(n)
        if len(data) != n:
            raise CarError("truncated CAR")
        return data

    @overload
    def _varint(self, allow_eof: Literal[False]) -> int: ...
    @overload
    def _varint(self, allow_eof: bool) -> int | None: ...
    def _varint(self, allow_eof: bool) -> int | None:
        value = shift = 0
        for i in range(9):
            b = self.stream.read(1)
            if not b:
                if i == 0 and allow_eof:
                    return None
                raise CarError("truncated CAR")
            value |= (b[0] & 0x7F) << shift
            if not b[0] & 0x80:
                return value
            shift += 7
        raise CarError("CAR varint too long")

    def __iter__(self) -> Iterator[tuple[CID, bytes]]:
        while True:
            length = self._varint(allow_eof=True)
            if length is None:
                return
            if length == 0 or length > MAX_SECTION:
                raise CarError("CAR section length out of range")
            section = self._read(length)
            try:
                cid, pos = CID.read(section, 0)
            except CIDError as err:
                raise CarError(f"bad CID in CAR section: {err}") from None
            block = section[pos:]
            if self.verify and not cid.matches(block):
                raise HashMismatch(f"CAR block does not hash to its CID {cid}")
            yield cid, block


def read_car(data: bytes | BinaryIO, verify: bool = True) -> tuple[list[CID], list[tuple[CID, bytes]]]:
    """(roots, blocks) of a whole CAR, for small archives and tests."""
    stream = io.BytesIO(bytes(data)) if isinstance(data, (bytes, bytearray, memoryview)) else data
    reader = CarReader(stream, verify)
    return reader.roots, list(reader)
