"""CAR v1 export: parses back, every block hashes to its CID, parents come first."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fame.ipfs.car import CarError, car_sections, decode_header, encode_header, read_car, write_car
from fame.ipfs.cid import CID, encode_varint
from fame.ipfs.errors import CIDError, HashMismatch
from fame.ipfs.store import BlockStore
from fame.ipfs.unixfs import CHUNK_SIZE, iter_file, links_of


def _check_car(car: bytes, root: CID, data: bytes) -> None:
    roots, blocks = read_car(car, verify=False)
    assert roots == [root]
    assert all(c.matches(b) for c, b in blocks)  # every block hashes to its CID
    assert blocks[0][0] == root
    seen = set()
    for c, _ in blocks:  # depth first, parents before children, each block once
        assert bytes(c) not in seen
        seen.add(bytes(c))
    position = {bytes(c): i for i, (c, _) in enumerate(blocks)}
    for c, b in blocks:
        for link in links_of(c, b):
            assert position[bytes(link.cid)] > position[bytes(c)]
    table = {bytes(c): b for c, b in blocks}
    assert b"".join(iter_file(lambda c: table[bytes(c)], root)) == data


@given(n=st.integers(0, 3 * CHUNK_SIZE + 10), version=st.sampled_from([0, 1]))
def test_export_parses_back(tmp_path_factory, n, version):
    store = BlockStore(tmp_path_factory.mktemp("car"), fsync=False)
    data = os.urandom(n)
    cid = store.add(data, cid_version=version)
    car = b"".join(car_sections([cid], store.walk(cid)))
    _check_car(car, cid, data)


def test_header_read_by_an_independent_reader(tmp_path, store):
    aleph_cid = pytest.importorskip("aleph_cid")
    for version in (0, 1):
        data = os.urandom(CHUNK_SIZE + 1)
        cid = store.add(data, cid_version=version)
        path = tmp_path / f"v{version}.car"
        with open(path, "wb") as fh:
            write_car(fh, [cid], store.walk(cid))
        assert aleph_cid.read_carv1_root(str(path)) == str(cid)


def test_duplicate_blocks_written_once(store):
    data = b"\0" * (4 * CHUNK_SIZE)  # four identical leaves
    cid = store.add(data)
    roots, blocks = read_car(b"".join(car_sections([cid], store.walk(cid))))
    assert len(blocks) == 2  # the root and the one distinct leaf


def test_header_round_trip():
    roots = [CID.of(b"a", 0x55), CID.of(b"b", 0x70, 0)]
    assert decode_header(encode_header(roots)) == roots


@pytest.mark.parametrize(
    "car",
    [
        b"",
        b"\x05abc",
        encode_varint(3) + b"\xa0\x00\x00",
        encode_varint(2) + b"\xa1\x61",
        encode_varint(1) + b"\x01",
    ],
)
def test_malformed_car_is_refused(car):
    with pytest.raises(CIDError):  # CarError is a CIDError: a 4xx at the gateway
        read_car(car)


def test_tampered_block_is_refused(store):
    cid = store.add(b"x" * 1000)
    car = bytearray(b"".join(car_sections([cid], store.walk(cid))))
    car[-3] ^= 1
    with pytest.raises(HashMismatch):
        read_car(bytes(car))
    assert isinstance(CarError("x"), CIDError)
