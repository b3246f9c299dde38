"""FameEngine's embedded IPFS block store: content-addressed blocks on disk, pins, gc.

Layout of the store folder:

    blocks/<2 chars>/<key>   one file per block, named by the base32 of its multihash
                             (so the CIDv0 and CIDv1 of one node share a file)
    tmp/                     blocks being written; renamed into blocks/ when complete
    pins.json                recursive pins: CID -> {name, created}
    lock, pins.lock          advisory locks (flock) shared by every process using the store

Guarantees:

* a block file appears only complete and fsynced (written in tmp/, then renamed), so a
  crash leaves at worst a stray file in tmp/, which gc removes;
* every read checks the block's sha2-256 against its CID; a mismatch raises CorruptBlock
  and moves the file aside, so adding the content again repairs the store;
* gc removes exactly the blocks not reachable from a pin; it takes the store lock
  exclusively, while adds and pins hold it shared, so it never deletes the blocks of an
  add that is still running or about to be pinned.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from .cid import CID, DAG_PB, RAW, b32encode
from .errors import BlockNotFound, CorruptBlock, DagError, HashMismatch, UploadTooLarge
from .unixfs import FileImporter, ImportResult, PBNode, file_node, iter_file, links_of, walk_dag

READ_SIZE = 1024 * 1024
# Largest block accepted from outside (a CAR or a raw put): Kubo's limit for a block.
MAX_BLOCK_SIZE = 2 * 1024 * 1024

Data = bytes | bytearray | memoryview | BinaryIO | Iterable[bytes]


@dataclass(frozen=True, slots=True)
class GCResult:
    removed: list[str]  # block keys (base32 multihash) that were deleted
    freed_bytes: int
    kept: int
    stray_tmp_files: int


@dataclass(frozen=True, slots=True)
class Pin:
    cid: str
    name: str | None
    created: str


class BlockStore:
    """An on-disk IPFS block store. Thread safe and safe to share between processes.

    >>> store = BlockStore(path)
    >>> cid = store.add(b"hello\\n")            # CIDv0, pinned, as `ipfs add`
    >>> b"".join(store.cat(cid))
    b'hello\\n'
    """

    def __init__(self, path: str | os.PathLike[str], fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.blocks_dir = self.path / "blocks"
        self.tmp_dir = self.path / "tmp"
        self.pins_file = self.path / "pins.json"
        for d in (self.blocks_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._lock_file = self.path / "lock"
        self._pins_lock_file = self.path / "pins.lock"
        self._lock_file.touch(exist_ok=True)
        self._pins_lock_file.touch(exist_ok=True)
        self._created_dirs: set[str] = set()
        self._mutex = threading.Lock()

    # ------------------------------------------------------------------ locks
    @contextlib.contextmanager
    def _flock(self, file: Path, exclusive: bool) -> Iterator[None]:
        # One open file description per holder: flock then excludes other threads of
        # this process as well as other processes.
        fd = os.open(file, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _shared(self) -> contextlib.AbstractContextManager[None]:
        return self._flock(self._lock_file, exclusive=False)

    def _exclusive(self) -> contextlib.AbstractContextManager[None]:
        return self._flock(self._lock_file, exclusive=True)

    def _pins_locked(self) -> contextlib.AbstractContextManager[None]:
        return self._flock(self._pins_lock_file, exclusive=True)

    # ------------------------------------------------------------------ blocks
    @staticmethod
    def block_key(cid: CID | str) -> str:
        """File name of a block: base32 of its multihash."""
        return b32encode(CID.parse(cid).multihash)

    def _block_path(self, key: str) -> Path:
        return self.blocks_dir / key[-3:-1] / key

    def has(self, cid: CID | str) -> bool:
        return self._block_path(self.block_key(cid)).is_file()

    def get(self, cid: CID | str) -> bytes:
        """A block's bytes, checked against its CID."""
        cid = CID.parse(cid)
        path = self._block_path(self.block_key(cid))
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlockNotFound(f"block {cid} is not in the store") from None
        if not cid.matches(data):
            self._set_aside(path)
            raise CorruptBlock(f"block {cid} on disk does not match its hash; it was set aside, add the content again")
        return data

    def put(self, cid: CID | str, block: bytes) -> CID:
        """Store a block under its CID after checking the hash (for blocks from outside)."""
        cid = CID.parse(cid)
        if len(block) > MAX_BLOCK_SIZE:
            raise DagError(f"block {cid} is {len(block)} bytes, more than the {MAX_BLOCK_SIZE} allowed")
        if not cid.matches(block):
            raise HashMismatch(f"block does not hash to {cid}")
        if cid.codec == DAG_PB:
            PBNode.decode(block)  # refuse undecodable dag-pb before it is stored
        with self._shared():
            self._write(cid, block)
        return cid

    def put_block(self, block: bytes, codec: int = RAW, version: int = 1) -> CID:
        """Store a block and return its CID."""
        return self.put(CID.of(block, codec, version), block)

    def _write(self, cid: CID, block: bytes) -> None:
        key = self.block_key(cid)
        path = self._block_path(key)
        if path.exists():
            return
        shard = key[-3:-1]
        if shard not in self._created_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._created_dirs.add(shard)
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, prefix=key[:16] + ".")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(block)
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def _set_aside(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            os.replace(path, self.tmp_dir / f"corrupt-{path.name}-{time.time_ns()}")

    def keys(self) -> Iterator[str]:
        """Keys (base32 multihash) of every stored block."""
        for shard in sorted(self.blocks_dir.iterdir()):
            if shard.is_dir():
                for f in sorted(shard.iterdir()):
                    yield f.name

    # ------------------------------------------------------------------ files
    def open_import(
        self,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        max_bytes: int | None = None,
        only_hash: bool = False,
    ) -> Import:
        """Start a streaming import; see Import."""
        return Import(self, cid_version, raw_leaves, max_bytes, only_hash)

    def add_file(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
        only_hash: bool = False,
        max_bytes: int | None = None,
    ) -> ImportResult:
        """Import bytes, a binary file object or an iterable of byte chunks (streamed, never
        all in memory) as `ipfs add` would; pinned recursively unless pin=False."""
        with self.open_import(cid_version, raw_leaves, max_bytes, only_hash) as imp:
            for piece in _chunks(data):
                imp.write(piece)
            return imp.finish(pin=pin, name=name)

    def add(
        self,
        data: Data,
        *,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        pin: bool = True,
        name: str | None = None,
    ) -> CID:
        """Import and return the root CID (same CID as `ipfs add [--cid-version=1]`)."""
        return self.add_file(data, cid_version=cid_version, raw_leaves=raw_leaves, pin=pin, name=name).cid

    def cat(self, cid: CID | str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The file's bytes (from `offset`, at most `length`), streamed block by block."""
        return iter_file(self.get, CID.parse(cid), offset, length)

    def read(self, cid: CID | str) -> bytes:
        """The whole file in memory (for small documents such as manifests)."""
        return b"".join(self.cat(cid))

    def stat(self, cid: CID | str) -> dict[str, Any]:
        """Type and size of what a CID names: {"cid", "codec", "type", "size"}."""
        cid = CID.parse(cid)
        block = self.get(cid)
        if cid.codec == RAW:
            return {"cid": str(cid), "codec": "raw", "type": "file", "size": len(block), "block_size": len(block)}
        _node, ufs = file_node(cid, block)
        return {"cid": str(cid), "codec": "dag-pb", "type": "file", "size": ufs.size, "block_size": len(block)}

    def walk(self, cid: CID | str) -> Iterator[tuple[CID, bytes]]:
        """Every block of a DAG, parents first (the order of a CAR export)."""
        return walk_dag(self.get, CID.parse(cid))

    def import_car(self, data: bytes | BinaryIO, pin: bool = True, name: str | None = None) -> list[CID]:
        """Store every block of a CAR v1 (each re-hashed first); pin its roots when
        `pin` (each root's DAG must then be complete). Returns the roots."""
        from .car import CarReader

        with self._shared():
            stream = io.BytesIO(bytes(data)) if isinstance(data, (bytes, bytearray, memoryview)) else data
            reader = CarReader(stream)
            for cid, block in reader:
                if len(block) > MAX_BLOCK_SIZE:
                    raise DagError(f"block {cid} is {len(block)} bytes, more than the {MAX_BLOCK_SIZE} allowed")
                if cid.codec == DAG_PB:
                    PBNode.decode(block)
                self._write(cid, block)
            if pin:
                for root in reader.roots:
                    for _ in walk_dag(self.get, root):
                        pass
                    self._record_pin(root, name)
        return list(reader.roots)

    # ------------------------------------------------------------------ pins
    def _load_pins(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.pins_file.read_text())
        except FileNotFoundError:
            return {}
        return dict(raw.get("pins", {}))

    def _save_pins(self, pins: dict[str, dict[str, Any]]) -> None:
        body = json.dumps({"version": 1, "pins": pins}, indent=1, sort_keys=True).encode()
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, prefix="pins.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.pins_file)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def _record_pin(self, cid: CID, name: str | None) -> None:
        with self._pins_locked():
            pins = self._load_pins()
            entry = pins.get(str(cid))
            if entry is not None and (name is None or entry.get("name") == name):
                return
            pins[str(cid)] = {
                "name": name if name is not None else (entry or {}).get("name"),
                "created": (entry or {}).get("created") or datetime.now(UTC).isoformat(),
            }
            self._save_pins(pins)

    def pin(self, cid: CID | str, name: str | None = None) -> CID:
        """Pin a DAG recursively; every block of it must be in the store (BlockNotFound if not)."""
        cid = CID.parse(cid)
        with self._shared():
            for _ in walk_dag(self.get, cid):
                pass
            self._record_pin(cid, name)
        return cid

    def unpin(self, cid: CID | str) -> bool:
        """Remove a recursive pin; False when it was not pinned. Its blocks go at the next gc."""
        cid = CID.parse(cid)
        with self._pins_locked():
            pins = self._load_pins()
            if pins.pop(str(cid), None) is None:
                return False
            self._save_pins(pins)
        return True

    def pins(self) -> list[Pin]:
        return [Pin(c, e.get("name"), e.get("created", "")) for c, e in sorted(self._load_pins().items())]

    def is_pinned(self, cid: CID | str) -> bool:
        return str(CID.parse(cid)) in self._load_pins()

    # ------------------------------------------------------------------ gc
    def gc(self) -> GCResult:
        """Delete every block not reachable from a pin, and leftover temporary files."""
        with self._exclusive():
            with self._pins_locked():
                pinned = [CID.parse(c) for c in self._load_pins()]
            live: set[str] = set()
            for root in pinned:
                self._mark(root, live)
            removed: list[str] = []
            freed = kept = 0
            for key in list(self.keys()):
                if key in live:
                    kept += 1
                    continue
                path = self._block_path(key)
                try:
                    size = path.stat().st_size
                    path.unlink()
                except FileNotFoundError:
                    continue
                removed.append(key)
                freed += size
            # No writer holds the lock now: whatever is in tmp/ is left from a crash.
            stray = 0
            for f in self.tmp_dir.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
                    stray += 1
            return GCResult(removed, freed, kept, stray)

    def _mark(self, root: CID, live: set[str]) -> None:
        stack = [root]
        while stack:
            cid = stack.pop()
            key = self.block_key(cid)
            if key in live:
                continue
            live.add(key)
            if cid.codec == RAW:
                continue
            try:
                block = self.get(cid)
            except (BlockNotFound, CorruptBlock):
                continue  # a damaged pin keeps what is left of it
            try:
                stack.extend(link.cid for link in links_of(cid, block))
            except DagError:
                continue

    def stats(self) -> dict[str, Any]:
        n = size = 0
        for key in self.keys():
            n += 1
            with contextlib.suppress(FileNotFoundError):
                size += self._block_path(key).stat().st_size
        return {"blocks": n, "bytes": size, "pins": len(self._load_pins()), "path": str(self.path)}


class Import:
    """A streaming import into a store: write() pieces as they arrive, finish() for the CID.

    Holds the store's shared lock from start to finish, so gc cannot remove its blocks
    before they are pinned. Use as a context manager; leaving without finish() aborts
    (blocks already written stay unpinned and go at the next gc).
    """

    def __init__(
        self, store: BlockStore, cid_version: int, raw_leaves: bool | None, max_bytes: int | None, only_hash: bool
    ) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.only_hash = only_hash
        sink = (lambda _c, _b: None) if only_hash else store._write
        self._importer = FileImporter(sink, cid_version, raw_leaves)
        self._lock_cm = store._shared()
        self._lock_cm.__enter__()
        self._open = True

    @property
    def bytes_written(self) -> int:
        return self._importer.bytes_written

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.max_bytes is not None and self._importer.bytes_written + len(data) > self.max_bytes:
            self.abort()
            raise UploadTooLarge(f"upload larger than the {self.max_bytes}-byte limit (FAME_IPFS_MAX_UPLOAD_BYTES)")
        self._importer.write(data)

    def finish(self, pin: bool = True, name: str | None = None) -> ImportResult:
        try:
            result = self._importer.close()
            if pin and not self.only_hash:
                self.store._record_pin(result.cid, name)
            return result
        finally:
            self.abort()

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._lock_cm.__exit__(None, None, None)

    def __enter__(self) -> Import:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def _chunks(data: Data) -> Iterator[bytes | bytearray | memoryview]:
    if isinstance(data, (str, io.TextIOBase)):
        raise TypeError("add() takes bytes, not text: encode it first")
    if isinstance(data, (bytes, bytearray, memoryview)):
        yield data
        return
    read = getattr(data, "read", None)
    if read is not None:
        while True:
            piece = read(READ_SIZE)
            if not piece:
                return
            yield piece
    yield from data
