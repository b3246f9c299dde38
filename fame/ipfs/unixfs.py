"""UnixFS files on dag-pb, built exactly the way `ipfs add` builds them.

FameEngine's content (generated media, AI-disclosure manifests, persona specs, DID
documents) must get the same CID from our embedded store as from Kubo, so that a CID
posted on chain can be fetched from any IPFS node. The import rules that fix the CID:

* fixed-size chunks of 256 KiB (the last one shorter);
* a balanced DAG: up to 174 links per internal node, every node full except those on
  the rightmost path; a file of one chunk is that chunk's block;
* internal nodes are UnixFS File nodes carrying the total `filesize` and one
  `blocksizes` entry (the file bytes below it) per link; links have an empty name and
  a Tsize equal to the serialized bytes of the whole sub-DAG;
* CIDv0 (the default): leaves are dag-pb nodes wrapping the chunk as UnixFS data of
  type File with its filesize (the balanced layout never uses the UnixFS Raw type, which
  only the trickle layout writes; the type is hashed, so it matters);
* raw leaves (`--raw-leaves`, the default with `--cid-version=1`): each chunk is a raw
  block (codec 0x55, always CIDv1); internal nodes use the requested CID version;
* the empty file is one File node with filesize 0 (a zero-byte raw block with raw leaves).

Protobuf is hand encoded: the two tiny schemas (PBNode/PBLink and UnixFS Data) are
written in field order, which is what the canonical dag-pb encoding requires
(Links before Data in PBNode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .cid import CID, DAG_PB, RAW, decode_varint, encode_varint
from .errors import CIDError, DagError, NotAFile

CHUNK_SIZE = 256 * 1024
MAX_LINKS = 174
# Far beyond any real file (174**6 chunks is ~7 EiB); stops a crafted chain of nodes.
MAX_DEPTH = 32

# UnixFS Data.Type values
T_RAW, T_DIRECTORY, T_FILE, T_METADATA, T_SYMLINK, T_HAMT_SHARD = range(6)
TYPE_NAMES = {
    T_RAW: "raw",
    T_DIRECTORY: "directory",
    T_FILE: "file",
    T_METADATA: "metadata",
    T_SYMLINK: "symlink",
    T_HAMT_SHARD: "hamt-shard",
}


# ---------------------------------------------------------------------------- protobuf


def _key(field_no: int, wire_type: int) -> bytes:
    return encode_varint((field_no << 3) | wire_type)


def _len_field(field_no: int, payload: bytes) -> bytes:
    return _key(field_no, 2) + encode_varint(len(payload)) + payload


def _varint_field(field_no: int, value: int) -> bytes:
    return _key(field_no, 0) + encode_varint(value)


def _fields(buf: bytes) -> Iterator[tuple[int, int, int | memoryview]]:
    """(field number, wire type, value) for each field of a protobuf message."""
    view = memoryview(buf)
    pos = 0
    while pos < len(view):
        key, pos = decode_varint(view, pos)
        field_no, wire = key >> 3, key & 7
        if field_no == 0:
            raise DagError("protobuf field number 0")
        if wire == 0:
            value, pos = decode_varint(view, pos)
            yield field_no, wire, value
        elif wire == 2:
            length, pos = decode_varint(view, pos)
            if pos + length > len(view):
                raise DagError("truncated protobuf field")
            yield field_no, wire, view[pos : pos + length]
            pos += length
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
            if pos > len(view):
                raise DagError("truncated protobuf message")
            yield field_no, wire, 0
        else:
            raise DagError(f"unsupported protobuf wire type {wire}")


@dataclass(frozen=True, slots=True)
class Link:
    cid: CID
    name: str = ""
    tsize: int = 0


@dataclass(slots=True)
class PBNode:
    links: list[Link] = field(default_factory=list)
    data: bytes | None = None

    def encode(self) -> bytes:
        out = bytearray()
        for link in self.links:
            body = _len_field(1, bytes(link.cid)) + _len_field(2, link.name.encode()) + _varint_field(3, link.tsize)
            out += _len_field(2, body)
        if self.data is not None:
            out += _len_field(1, self.data)
        return bytes(out)

    @classmethod
    def decode(cls, block: bytes) -> PBNode:
        node = cls()
        try:
            for no, wire, value in _fields(block):
                if no == 1 and wire == 2:
                    node.data = bytes(value)
                elif no == 2 and wire == 2:
                    node.links.append(_decode_link(bytes(value)))
                else:
                    raise DagError(f"unexpected field {no} in dag-pb node")
        except CIDError as err:
            if isinstance(err, DagError):
                raise
            raise DagError(f"malformed dag-pb node: {err}") from None
        return node


def _decode_link(buf: bytes) -> Link:
    cid: CID | None = None
    name = ""
    tsize = 0
    for no, wire, value in _fields(buf):
        if no == 1 and wire == 2:
            cid = CID.from_bytes(bytes(value))
        elif no == 2 and wire == 2:
            name = bytes(value).decode("utf-8", "replace")
        elif no == 3 and wire == 0:
            tsize = int(value)
        else:
            raise DagError(f"unexpected field {no} in dag-pb link")
    if cid is None:
        raise DagError("dag-pb link without a hash")
    return Link(cid, name, tsize)


@dataclass(slots=True)
class UnixFSData:
    type: int
    data: bytes | None = None
    filesize: int | None = None
    blocksizes: list[int] = field(default_factory=list)

    def encode(self) -> bytes:
        out = bytearray(_varint_field(1, self.type))
        if self.data is not None:
            out += _len_field(2, self.data)
        if self.filesize is not None:
            out += _varint_field(3, self.filesize)
        for size in self.blocksizes:
            out += _varint_field(4, size)
        return bytes(out)

    @classmethod
    def decode(cls, buf: bytes) -> UnixFSData:
        typ: int | None = None
        result = cls(type=T_RAW)
        for no, wire, value in _fields(buf):
            if no == 1 and wire == 0:
                typ = int(value)
            elif no == 2 and wire == 2:
                result.data = bytes(value)
            elif no == 3 and wire == 0:
                result.filesize = int(value)
            elif no == 4 and wire == 0:
                result.blocksizes.append(int(value))
            elif no == 4 and wire == 2:  # packed encoding is accepted on read
                packed, pos = bytes(value), 0
                while pos < len(packed):
                    size, pos = decode_varint(packed, pos)
                    result.blocksizes.append(size)
        if typ is None:
            raise DagError("UnixFS data without a type")
        result.type = typ
        return result

    @property
    def size(self) -> int:
        """File bytes this node stands for."""
        if self.filesize is not None:
            return self.filesize
        return len(self.data or b"") + sum(self.blocksizes)


# ---------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Outcome of an import: the root CID, Kubo's "Size" (bytes of every block of the
    DAG, as `ipfs add` reports it) and the file's own length."""

    cid: CID
    dag_size: int
    file_size: int
    blocks: int


@dataclass(frozen=True, slots=True)
class _Child:
    cid: CID
    tsize: int  # serialized bytes of the sub-DAG
    filesize: int  # file bytes in the sub-DAG


BlockSink = Callable[[CID, bytes], None]


class FileImporter:
    """Incremental `ipfs add` of one file: feed bytes with write(), get the CID from close().

    Memory stays bounded by one chunk plus one pending link list per tree level, whatever
    the file's size. Every block is handed to `sink(cid, block)` as soon as it is final
    (children before parents), so a store can persist it right away.
    """

    def __init__(
        self,
        sink: BlockSink,
        cid_version: int = 0,
        raw_leaves: bool | None = None,
        chunk_size: int = CHUNK_SIZE,
        max_links: int = MAX_LINKS,
    ) -> None:
        if cid_version not in (0, 1):
            raise ValueError("cid_version must be 0 or 1")
        if chunk_size < 1 or max_links < 2:
            raise ValueError("chunk_size must be >= 1 and max_links >= 2")
        self.sink = sink
        self.cid_version = cid_version
        # As with `ipfs add`: CIDv1 implies raw leaves unless they are turned off explicitly.
        self.raw_leaves = (cid_version == 1) if raw_leaves is None else raw_leaves
        self.chunk_size = chunk_size
        self.max_links = max_links
        self._buf = bytearray()
        self._levels: list[list[_Child]] = [[]]
        self._leaves = 0
        self._blocks = 0
        self._total = 0
        self._result: ImportResult | None = None

    @property
    def bytes_written(self) -> int:
        return self._total

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._result is not None:
            raise ValueError("importer already closed")
        self._total += len(data)
        self._buf += data
        size = self.chunk_size
        if len(self._buf) >= size:
            view = memoryview(self._buf)
            pos = 0
            # Keep the last full chunk buffered until more data or close(): a file of
            # exactly one chunk must become a single leaf that is also the root.
            while len(self._buf) - pos > size:
                self._add_leaf(bytes(view[pos : pos + size]))
                pos += size
            view.release()
            del self._buf[:pos]

    def close(self) -> ImportResult:
        if self._result is not None:
            return self._result
        if self._buf or self._leaves == 0:
            tail = bytes(self._buf)
            self._buf.clear()
            if tail or self._leaves == 0:
                self._add_leaf(tail)
        levels = self._levels
        i = 0
        root: _Child | None = None
        while i < len(levels):
            top = i == len(levels) - 1
            if top and len(levels[i]) == 1:
                root = levels[i][0]
                break
            node = self._make_node(levels[i])
            levels[i] = []
            self._append(i + 1, node)
            i += 1
        assert root is not None
        self._result = ImportResult(root.cid, root.tsize, root.filesize, self._blocks)
        return self._result

    # -- internals
    def _emit(self, cid: CID, block: bytes) -> None:
        self._blocks += 1
        self.sink(cid, block)

    def _add_leaf(self, chunk: bytes) -> None:
        self._leaves += 1
        if self.raw_leaves:
            cid = CID.of(chunk, RAW, 1)
            block = chunk
        else:
            # The empty file is a File node with filesize 0 and no data field.
            ufs = UnixFSData(T_FILE, chunk if chunk else None, len(chunk))
            block = PBNode(data=ufs.encode()).encode()
            cid = CID.of(block, DAG_PB, self.cid_version)
        self._emit(cid, block)
        self._append(0, _Child(cid, len(block), len(chunk)))

    def _append(self, level: int, child: _Child) -> None:
        while len(self._levels) <= level:
            self._levels.append([])
        if len(self._levels[level]) == self.max_links:
            node = self._make_node(self._levels[level])
            self._levels[level] = []
            self._append(level + 1, node)
        self._levels[level].append(child)

    def _make_node(self, children: list[_Child]) -> _Child:
        filesize = sum(c.filesize for c in children)
        ufs = UnixFSData(T_FILE, None, filesize, [c.filesize for c in children])
        node = PBNode([Link(c.cid, "", c.tsize) for c in children], ufs.encode())
        block = node.encode()
        cid = CID.of(block, DAG_PB, self.cid_version)
        self._emit(cid, block)
        return _Child(cid, len(block) + sum(c.tsize for c in children), filesize)


def import_bytes(
    data: bytes | bytearray | memoryview | Iterable[bytes | bytearray | memoryview],
    sink: BlockSink,
    cid_version: int = 0,
    raw_leaves: bool | None = None,
    **kw: int,
) -> ImportResult:
    """Import bytes or an iterable of byte chunks; see FileImporter."""
    imp = FileImporter(sink, cid_version, raw_leaves, **kw)
    if isinstance(data, (bytes, bytearray, memoryview)):
        imp.write(data)
    else:
        for piece in data:
            imp.write(piece)
    return imp.close()


def compute_cid(
    data: bytes | bytearray | memoryview | Iterable[bytes | bytearray | memoryview],
    cid_version: int = 0,
    raw_leaves: bool | None = None,
) -> CID:
    """The CID `ipfs add` would give these bytes, without storing anything."""
    return import_bytes(data, lambda _cid, _block: None, cid_version, raw_leaves).cid


# ---------------------------------------------------------------------------- read

BlockGetter = Callable[[CID], bytes]


def links_of(cid: CID, block: bytes) -> list[Link]:
    """Child links of a block (none for raw blocks)."""
    if cid.codec == RAW:
        return []
    return PBNode.decode(block).links


def file_node(cid: CID, block: bytes) -> tuple[PBNode | None, UnixFSData]:
    """(dag-pb node or None for raw, its UnixFS data) for a node that is part of a file."""
    if cid.codec == RAW:
        return None, UnixFSData(T_RAW, block, len(block))
    node = PBNode.decode(block)
    if node.data is None:
        raise DagError(f"{cid} is a dag-pb node without UnixFS data")
    ufs = UnixFSData.decode(node.data)
    if ufs.type not in (T_FILE, T_RAW):
        raise NotAFile(f"{cid} is a UnixFS {TYPE_NAMES.get(ufs.type, ufs.type)}, not a file")
    if len(ufs.blocksizes) != len(node.links):
        raise DagError(f"{cid}: {len(node.links)} links but {len(ufs.blocksizes)} blocksizes")
    return node, ufs


def file_size(get: BlockGetter, cid: CID) -> int:
    """Length in bytes of the file a CID names."""
    _node, ufs = file_node(cid, get(cid))
    return ufs.size


def iter_file(get: BlockGetter, cid: CID, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The file's bytes from `offset`, at most `length` of them, block by block.

    Sub-DAGs entirely before `offset` are skipped using the blocksizes, so a range read
    of a large file fetches only the blocks it needs.
    """
    if offset < 0 or (length is not None and length < 0):
        raise ValueError("offset and length must be non-negative")
    remaining = [length if length is not None else -1]

    def walk(c: CID, skip: int, depth: int = 0) -> Iterator[bytes]:
        if depth > MAX_DEPTH:
            raise DagError(f"{cid}: file DAG deeper than {MAX_DEPTH} levels")
        node, ufs = file_node(c, get(c))
        data = ufs.data or b""
        if skip < len(data):
            piece = data[skip:]
            if remaining[0] >= 0:
                piece = piece[: remaining[0]]
                remaining[0] -= len(piece)
            if piece:
                yield piece
            skip = 0
        else:
            skip -= len(data)
        if node is None:
            return
        for link, size in zip(node.links, ufs.blocksizes, strict=True):
            if remaining[0] == 0:
                return
            if skip >= size:
                skip -= size
                continue
            yield from walk(link.cid, skip, depth + 1)
            skip = 0

    if length == 0:
        return
    yield from walk(cid, offset)


def walk_dag(get: BlockGetter, root: CID, dedupe: bool = True) -> Iterator[tuple[CID, bytes]]:
    """Every block of the DAG under `root`, depth first, parents before children
    (the order of a trustless-gateway CAR); each block once when `dedupe`."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if dedupe:
            key = bytes(cid)
            if key in seen:
                continue
            seen.add(key)
        block = get(cid)
        yield cid, block
        stack.extend(reversed([link.cid for link in links_of(cid, block)]))
