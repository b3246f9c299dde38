"""FameEngine's IPFS layer: CIDs computed exactly as `ipfs add` computes them, an on-disk
block store with pins and gc, CAR export, an HTTP gateway (public, read only) with the
RPC API beside it (the write side, loopback), and backends for Kubo and IPFS Pinning Services.

    from fame.ipfs import BlockStore, get_backend
    store = BlockStore(path); cid = store.add(data); data = store.read(cid)
    backend = get_backend()            # FAME_IPFS_BACKEND: embedded | kubo | pinning
    cid = backend.add(manifest_bytes, name="manifest.json")

The gateway (FastAPI) is in fame.ipfs.gateway, the CLI in fame.ipfs.cli; neither is
imported here, so importing fame.ipfs stays light.
"""

from .backends import (
    Backend,
    EmbeddedBackend,
    KuboBackend,
    PinningServiceBackend,
    PinningServiceClient,
    get_backend,
    open_store,
    rpc_backend,
)
from .car import CarReader, car_sections, read_car, write_car
from .cid import CID, DAG_PB, RAW
from .errors import (
    BlockNotFound,
    CIDError,
    CorruptBlock,
    DagError,
    HashMismatch,
    IpfsError,
    NotAFile,
    RemoteError,
    UploadTooLarge,
)
from .settings import IpfsSettings, ipfs_settings
from .store import BlockStore, GCResult, Pin
from .unixfs import CHUNK_SIZE, MAX_LINKS, FileImporter, ImportResult, compute_cid

__all__ = [
    "Backend",
    "BlockNotFound",
    "BlockStore",
    "CHUNK_SIZE",
    "CID",
    "CIDError",
    "CarReader",
    "CorruptBlock",
    "DAG_PB",
    "DagError",
    "EmbeddedBackend",
    "FileImporter",
    "GCResult",
    "HashMismatch",
    "ImportResult",
    "IpfsError",
    "IpfsSettings",
    "KuboBackend",
    "MAX_LINKS",
    "NotAFile",
    "Pin",
    "PinningServiceBackend",
    "PinningServiceClient",
    "RAW",
    "RemoteError",
    "UploadTooLarge",
    "car_sections",
    "compute_cid",
    "get_backend",
    "ipfs_settings",
    "open_store",
    "read_car",
    "rpc_backend",
    "write_car",
]
