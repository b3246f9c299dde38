"""The embedded block store: add/cat round trips, ranges, pins and gc, crash safety, integrity."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ipfs_helpers import ref_cids

from fame.config import PROJECT_ROOT
from fame.ipfs.car import car_sections
from fame.ipfs.cid import CID, DAG_PB, RAW, b32decode
from fame.ipfs.errors import BlockNotFound, CorruptBlock, HashMismatch, NotAFile, UploadTooLarge
from fame.ipfs.store import BlockStore
from fame.ipfs.unixfs import CHUNK_SIZE, T_DIRECTORY, FileImporter, PBNode, UnixFSData, compute_cid, iter_file, walk_dag


def _keys_of(store: BlockStore, cid) -> set[str]:
    return {store.block_key(c) for c, _ in store.walk(cid)}


sizes = st.integers(0, 3 * CHUNK_SIZE + 100)


@given(
    data=st.binary(max_size=2000) | sizes.map(os.urandom),
    version=st.sampled_from([0, 1]),
    raw=st.sampled_from([None, True, False]),
)
def test_add_cat_round_trip(tmp_path_factory, data, version, raw):
    store = BlockStore(tmp_path_factory.mktemp("s"), fsync=False)
    cid = store.add(data, cid_version=version, raw_leaves=raw)
    assert cid == compute_cid(data, version, raw)
    assert store.read(cid) == data
    assert store.stat(cid)["size"] == len(data)
    assert store.is_pinned(cid)


@given(n=sizes, start=st.integers(0, 4 * CHUNK_SIZE), length=st.none() | st.integers(0, 2 * CHUNK_SIZE))
def test_range_reads_match_slices(tmp_path_factory, n, start, length):
    store = BlockStore(tmp_path_factory.mktemp("s"), fsync=False)
    data = os.urandom(n)
    cid = store.add(data)
    want = data[start:] if length is None else data[start : start + length]
    assert b"".join(store.cat(cid, start, length)) == want


@given(
    data=st.binary(max_size=400),
    chunk=st.integers(1, 7),
    links=st.integers(2, 4),
    start=st.integers(0, 450),
    length=st.none() | st.integers(0, 100),
)
def test_deep_trees_read_back(data, chunk, links, start, length):
    """Tiny chunks and fan-out give trees of many levels: reading must walk them right."""
    blocks: dict[bytes, bytes] = {}
    imp = FileImporter(lambda c, b: blocks.__setitem__(bytes(c), b), chunk_size=chunk, max_links=links)
    imp.write(data)
    res = imp.close()
    get = lambda c: blocks[bytes(c)]  # noqa: E731
    assert b"".join(iter_file(get, res.cid)) == data
    want = data[start:] if length is None else data[start : start + length]
    assert b"".join(iter_file(get, res.cid, start, length)) == want
    # Kubo's "Size": all serialized bytes of the DAG, a repeated block counted each time
    assert res.dag_size == sum(len(b) for _, b in walk_dag(get, res.cid, dedupe=False))


def test_add_from_file_object_and_iterable_streams(store, tmp_path):
    data = os.urandom(2 * CHUNK_SIZE + 7)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    with open(path, "rb") as fh:
        c1 = store.add(fh)
    c2 = store.add(iter([data[:5], data[5 : CHUNK_SIZE * 2], data[CHUNK_SIZE * 2 :]]))
    c3 = store.add(io.BytesIO(data), cid_version=1)
    assert c1 == c2 == CID.parse(ref_cids(data)["CIDv0"])
    assert store.read(c3) == data
    with pytest.raises(TypeError):
        store.add("text is not bytes")  # type: ignore[arg-type]


def test_add_reports_kubo_sizes(store):
    res = store.add_file(b"hello\n")
    assert (str(res.cid), res.dag_size, res.file_size) == ("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN", 14, 6)
    data = os.urandom(CHUNK_SIZE + 1)
    res = store.add_file(data)
    assert res.dag_size == sum(len(b) for _, b in store.walk(res.cid))


def test_gc_removes_exactly_the_unpinned_blocks(store):
    a = os.urandom(3 * CHUNK_SIZE)
    b = os.urandom(CHUNK_SIZE + 10)
    shared = a[:CHUNK_SIZE]  # same first chunk as `a`: one shared leaf
    ca = store.add(a)
    cb = store.add(b, pin=False)
    cs = store.add(shared, pin=False)
    cv1 = store.add(b, cid_version=1)
    before = set(store.keys())
    live = _keys_of(store, ca) | _keys_of(store, cv1)
    assert _keys_of(store, cs) <= live  # a one-chunk file is the same block as a's first leaf
    result = store.gc()
    after = set(store.keys())
    assert after == live
    assert set(result.removed) == before - live
    assert result.kept == len(live)
    assert store.read(ca) == a and store.read(cv1) == b and store.read(cs) == shared
    with pytest.raises(BlockNotFound):
        store.read(cb)
    # unpin and gc: everything goes
    assert store.unpin(ca) and store.unpin(cv1) and not store.unpin(ca)
    store.gc()
    assert set(store.keys()) == set()
    assert store.pins() == []


def test_pin_needs_the_whole_dag(store):
    data = os.urandom(2 * CHUNK_SIZE + 1)
    cid = store.add(data, pin=False)
    leaf = next(c for c, _ in store.walk(cid) if c != cid)
    (store.blocks_dir / store.block_key(leaf)[-3:-1] / store.block_key(leaf)).unlink()
    with pytest.raises(BlockNotFound):
        store.pin(cid)
    assert not store.is_pinned(cid)
    store.add(data, pin=False)  # re-adding restores the block
    store.pin(cid, name="ok")
    assert [(p.cid, p.name) for p in store.pins()] == [(str(cid), "ok")]


def test_corrupt_block_is_detected_and_set_aside(store):
    data = os.urandom(CHUNK_SIZE + 100)
    cid = store.add(data)
    leaf = [c for c, _ in store.walk(cid)][-1]
    path = store.blocks_dir / store.block_key(leaf)[-3:-1] / store.block_key(leaf)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptBlock):
        store.read(cid)
    assert not path.exists()  # set aside, so that adding again repairs it
    assert store.add(data) == cid and store.read(cid) == data


def test_put_checks_the_hash(store):
    block = b"some raw block"
    cid = store.put_block(block)
    assert store.get(cid) == block and cid.codec == RAW
    with pytest.raises(HashMismatch):
        store.put(cid, block + b"!")
    with pytest.raises(BlockNotFound):
        store.get(CID.of(b"never stored", RAW))


def test_directory_is_not_a_file(store):
    node = PBNode([], UnixFSData(T_DIRECTORY).encode()).encode()
    cid = store.put_block(node, DAG_PB, 0)
    with pytest.raises(NotAFile):
        store.read(cid)


def test_interrupted_write_leaves_no_block(store, monkeypatch):
    def boom(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.add(b"will not land")
    monkeypatch.undo()
    assert list(store.keys()) == [] and list(store.tmp_dir.iterdir()) == []


def test_killed_writer_never_leaves_a_corrupt_block(tmp_path):
    """SIGKILL a process in the middle of adding: every block file present is complete."""
    root = tmp_path / "store"
    BlockStore(root)
    script = (
        "import os, sys, time\n"
        "from fame.ipfs.store import BlockStore\n"
        "s = BlockStore(sys.argv[1])\n"
        "def gen():\n"
        "    while True:\n"
        "        yield os.urandom(100_000)\n"
        "        print('w', flush=True)\n"
        "s.add(gen())\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(root)],
        stdout=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        for _ in range(40):  # ~4 MB written, then kill without warning
            assert proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
    store = BlockStore(root)
    keys = list(store.keys())
    assert keys, "the writer stored nothing before it was killed"
    for key in keys:
        data = (store.blocks_dir / key[-3:-1] / key).read_bytes()
        assert hashlib.sha256(data).digest() == b32decode(key)[2:]
    result = store.gc()  # nothing was pinned: all of it goes, stray temporaries too
    assert list(store.keys()) == [] and len(result.removed) == len(keys)
    assert list(store.tmp_dir.iterdir()) == []


def test_gc_waits_for_a_running_import(store):
    imp = store.open_import()
    imp.write(os.urandom(3 * CHUNK_SIZE))
    done = threading.Event()
    t = threading.Thread(target=lambda: (store.gc(), done.set()))
    t.start()
    time.sleep(0.3)
    assert not done.is_set(), "gc ran while an import held the store"
    res = imp.finish(pin=True)
    t.join(timeout=10)
    assert done.is_set()
    assert len(store.read(res.cid)) == 3 * CHUNK_SIZE


def test_import_size_limit(store):
    imp = store.open_import(max_bytes=10)
    imp.write(b"12345")
    with pytest.raises(UploadTooLarge):
        imp.write(b"123456")
    store.gc()  # the lock was released: gc does not hang
    assert list(store.keys()) == []


def test_only_hash_stores_nothing(store):
    res = store.add_file(os.urandom(CHUNK_SIZE * 2), only_hash=True)
    assert list(store.keys()) == [] and not store.is_pinned(res.cid)


def test_car_import_round_trip(store, tmp_path):
    data = os.urandom(2 * CHUNK_SIZE + 3)
    cid = store.add(data)
    car = b"".join(car_sections([cid], store.walk(cid)))
    other = BlockStore(tmp_path / "other", fsync=False)
    assert other.import_car(car) == [cid]
    assert other.read(cid) == data and other.is_pinned(cid)
    tampered = bytearray(car)
    tampered[-1] ^= 0xFF
    with pytest.raises(HashMismatch):
        BlockStore(tmp_path / "third").import_car(bytes(tampered))


def test_store_shared_between_instances(tmp_path):
    a = BlockStore(tmp_path / "s")
    b = BlockStore(tmp_path / "s")
    cid = a.add(b"shared")
    assert b.read(cid) == b"shared" and b.is_pinned(cid)
    b.unpin(cid)
    a.gc()
    assert not b.has(cid)
