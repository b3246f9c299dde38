"""Fixtures for the IPFS layer: stores and a real gateway process, its public gateway and its RPC
API (helpers in ipfs_helpers.py)."""

from __future__ import annotations

import httpx
import pytest
from ipfs_helpers import start_gateway

from fame.ipfs.store import BlockStore
from fame.procs import Supervisor


@pytest.fixture
def store(tmp_path) -> BlockStore:
    return BlockStore(tmp_path / "store", fsync=False)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """(gateway URL, BlockStore on the same folder, RPC API URL) of a real gateway process for the module."""
    root = tmp_path_factory.mktemp("gateway")
    with Supervisor() as sup:
        url, rpc = start_gateway(sup, root / "store", root / "gateway.log")
        yield url, BlockStore(root / "store", fsync=False), rpc


@pytest.fixture(scope="module")
def http(gateway):
    """A client of the public gateway (reads)."""
    with httpx.Client(base_url=gateway[0], timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def api(gateway):
    """A client of the RPC API (the write side, on its own loopback port)."""
    with httpx.Client(base_url=gateway[2], timeout=60) as client:
        yield client
