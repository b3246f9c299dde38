"""Our CIDs are Kubo's: checked against two independent implementations.

* `ipfs_cid` (Debian's ipfs-cid): CIDv0 of Kubo's default import, and the CIDv1 of that
  same root node (dag-pb), for any bytes.
* `aleph_cid`: CIDv0, and CIDv1 of `ipfs add --cid-version=1` (raw leaves).

Sizes cover every chunking edge: empty, one byte, around one chunk (256 KiB), a few
chunks, exactly one full level of 174 links and one chunk past it (a second tree level,
~45 MiB, checked once), plus random sizes from hypothesis.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ipfs_helpers import aleph, ref_cids, ref_cids_file

from fame.ipfs.cid import CID
from fame.ipfs.unixfs import CHUNK_SIZE, MAX_LINKS, PBNode, UnixFSData, compute_cid

SIZES = [0, 1, 2, 100, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 12345]


def _data(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize("size", SIZES)
def test_cidv0_and_raw_leaves_v1_match_references(size):
    data = _data(size, size)
    ref = ref_cids(data)
    v0 = compute_cid(data)
    assert str(v0) == ref["CIDv0"]
    assert str(v0.to_v1()) == ref["CIDv1"]
    assert str(v0) == aleph(data, raw_leaves_v1=False)
    assert str(compute_cid(data, cid_version=1)) == aleph(data, raw_leaves_v1=True)


def test_well_known_small_files():
    # The same values are printed by both references (not only written down here).
    for data in (b"", b"hello\n", b"\0" * CHUNK_SIZE):
        ref = ref_cids(data)
        assert str(compute_cid(data)) == ref["CIDv0"]
        assert str(compute_cid(data, 1)) == aleph(data, True)


def test_single_chunk_raw_leaves_is_one_raw_block():
    data = b"FameEngine AI-disclosure manifest"
    cid = compute_cid(data, cid_version=1)
    assert cid.codec_name == "raw" and cid == CID.of(data, 0x55, 1)
    assert str(cid).startswith("bafkrei")
    empty = compute_cid(b"", cid_version=1)
    assert empty.codec_name == "raw" and str(empty) == aleph(b"", True)


def test_second_tree_level(tmp_path):
    """174 chunks fill one node; one byte more needs a second level (root -> 2 nodes)."""
    full = MAX_LINKS * CHUNK_SIZE
    data = os.urandom(full + 1)
    path = tmp_path / "big"
    path.write_bytes(data)
    blocks: list[tuple[CID, bytes]] = []

    from fame.ipfs.unixfs import import_bytes

    result = import_bytes(data, lambda c, b: blocks.append((c, b)))
    assert str(result.cid) == ref_cids_file(path)["CIDv0"] == aleph(data, False)
    assert str(compute_cid(data, 1)) == aleph(data, True)
    # Shape: the root has two children, one full node of 174 leaves and one of a single leaf.
    root = PBNode.decode(blocks[-1][1])
    assert blocks[-1][0] == result.cid and len(root.links) == 2
    assert UnixFSData.decode(root.data).blocksizes == [full, 1]
    # Exactly one full level: 174 chunks, one node.
    path.write_bytes(data[:full])
    assert str(compute_cid(data[:full])) == ref_cids_file(path)["CIDv0"]
    assert str(compute_cid(data[:full], 1)) == aleph(data[:full], True)


@given(st.binary(max_size=3000) | st.integers(0, 3 * CHUNK_SIZE).map(lambda n: os.urandom(n)))
def test_random_bytes_match_references(data):
    ref = ref_cids(data)
    assert str(compute_cid(data)) == ref["CIDv0"]
    assert str(compute_cid(data, 1)) == aleph(data, True)


@given(st.integers(0, 2 * CHUNK_SIZE + 10), st.lists(st.integers(1, 300_000), max_size=8))
def test_cid_does_not_depend_on_how_the_input_is_split(n, cuts):
    data = os.urandom(n)
    pieces, pos = [], 0
    for c in cuts:
        pieces.append(data[pos : pos + c])
        pos += c
    pieces.append(data[pos:])
    assert compute_cid(iter(pieces)) == compute_cid(data)
    assert compute_cid(iter(pieces), 1) == compute_cid(data, 1)


def test_cidv1_without_raw_leaves_uses_v1_links():
    """`--cid-version=1 --raw-leaves=false`: dag-pb leaves, every CID v1."""
    data = _data(CHUNK_SIZE + 5, 7)
    blocks = []
    from fame.ipfs.unixfs import import_bytes

    res = import_bytes(data, lambda c, b: blocks.append((c, b)), cid_version=1, raw_leaves=False)
    assert all(c.version == 1 and c.codec_name == "dag-pb" for c, _ in blocks)
    # Same node bytes as the CIDv0 import except that links carry v1 CIDs.
    v0_blocks = []
    import_bytes(data, lambda c, b: v0_blocks.append((c, b)))
    assert [b for _, b in blocks[:-1]] == [b for _, b in v0_blocks[:-1]]
    assert [link.cid for link in PBNode.decode(blocks[-1][1]).links] == [
        link.cid.to_v1() for link in PBNode.decode(v0_blocks[-1][1]).links
    ]
    assert res.cid == CID.of(blocks[-1][1], 0x70, 1)
