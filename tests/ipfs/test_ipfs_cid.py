"""CID text/binary forms and the protobuf encodings underneath them."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ipfs_helpers import ref_cids

from fame.ipfs.cid import CID, DAG_PB, RAW, b32decode, b32encode, b58decode, b58encode, decode_varint, encode_varint
from fame.ipfs.errors import CIDError
from fame.ipfs.unixfs import T_FILE, Link, PBNode, UnixFSData

digests = st.binary(min_size=32, max_size=32)


@given(st.integers(0, 2**63 - 1))
def test_varint_round_trip(n):
    enc = encode_varint(n)
    assert decode_varint(enc) == (n, len(enc))


@given(st.binary(max_size=64))
def test_bases_round_trip(raw):
    assert b58decode(b58encode(raw)) == raw
    assert b32decode(b32encode(raw)) == raw


@given(digests, st.sampled_from([(0, DAG_PB), (1, DAG_PB), (1, RAW)]))
def test_cid_text_and_bytes_round_trip(digest, form):
    version, codec = form
    cid = CID(version, codec, b"\x12\x20" + digest)
    assert CID.parse(str(cid)) == cid
    assert CID.from_bytes(bytes(cid)) == cid
    if version == 1:
        # other multibases of the same CID parse to it too
        assert CID.parse("z" + b58encode(bytes(cid))) == cid
        assert CID.parse("f" + bytes(cid).hex()) == cid
        assert CID.parse(str(cid).upper()) == cid


def test_v0_v1_of_hello_agree_with_reference():
    ref = ref_cids(b"hello\n")
    v0 = CID.parse(ref["CIDv0"])
    assert v0.version == 0 and str(v0.to_v1()) == ref["CIDv1"]
    assert CID.parse(ref["CIDv1"]).multihash == v0.multihash


def test_of_hashes_block():
    block = b"FameEngine"
    cid = CID.of(block, RAW)
    assert cid.digest == hashlib.sha256(block).digest() and cid.matches(block) and not cid.matches(b"x")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Qm",
        "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXE0",  # '0' is not base58
        "bafy!!!",
        "bafybeig",
        "hello",
        "x" * 500,
        "zzzz",
        "f0155",  # truncated hex CID
        "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6amaa",  # trailing bytes
        "b" + b32encode(bytes([1, 0x71]) + b"\x12\x20" + b"\0" * 32),  # dag-cbor: not handled
        "b" + b32encode(bytes([1, 0x55]) + b"\x13\x40" + b"\0" * 64),  # sha2-512: not verifiable here
        "b" + b32encode(bytes([2, 0x55]) + b"\x12\x20" + b"\0" * 32),  # CID version 2
    ],
)
def test_malformed_cids_are_refused(text):
    with pytest.raises(CIDError):
        CID.parse(text)


def test_v0_only_in_base58():
    v0 = CID(0, DAG_PB, b"\x12\x20" + b"\1" * 32)
    with pytest.raises(CIDError):
        CID.parse("z" + b58encode(bytes(v0)))
    with pytest.raises(CIDError):
        CID(0, RAW, v0.multihash)


@given(
    st.lists(st.tuples(digests, st.text(max_size=8), st.integers(0, 2**40)), max_size=5),
    st.none() | st.binary(max_size=40),
)
def test_dag_pb_round_trip(links, data):
    node = PBNode([Link(CID(1, RAW, b"\x12\x20" + d), name, size) for d, name, size in links], data)
    assert PBNode.decode(node.encode()) == node


def test_unixfs_round_trip_and_field_order():
    ufs = UnixFSData(T_FILE, None, 300, [100, 200])
    enc = ufs.encode()
    assert enc == bytes([0x08, 2, 0x18]) + encode_varint(300) + bytes([0x20, 100, 0x20]) + encode_varint(200)
    assert UnixFSData.decode(enc) == ufs
    # canonical dag-pb: links before data
    node = PBNode([Link(CID(0, DAG_PB, b"\x12\x20" + b"\0" * 32), "", 5)], b"\x08\x02")
    assert node.encode()[0] == 0x12


@given(st.binary(max_size=200))
def test_garbage_never_crashes_the_decoders(blob):
    for decode in (PBNode.decode, UnixFSData.decode, CID.from_bytes):
        try:
            decode(blob)
        except CIDError:
            pass
